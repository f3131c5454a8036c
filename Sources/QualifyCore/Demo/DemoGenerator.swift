/// Synthetic, deterministic B2B leads and events for `qualify demo`: realistic enough that the default model yields a
/// plausible funnel (most leads browse, a share downloads → IQL, fewer come back → MQL, a few ask for a demo → SQL) and
/// that fit correlates with conversion.
///
/// Every lead and its events depend only on `(seed, index)` and the generator's settings, so generation can stream,
/// run in parallel, or regenerate one lead. Pure: no clock, no I/O, no system randomness (a seeded SplitMix64).
public struct DemoGenerator: Sendable {
    public let seed: UInt64
    public let leads: Int
    public let start: Timestamp
    public let end: Timestamp
    public let eventsPerLead: Double
    /// About one account per eight leads, so several leads share a company domain.
    let companies: Int

    /// - Precondition: `leads >= 0` and `start <= end`. Leads are created in `[start, end - 7 days]` (at `start` when
    ///   the window is shorter than a week); events fall in `[createdAt, end]`.
    public init(seed: UInt64, leads: Int, start: Timestamp, end: Timestamp, eventsPerLead: Double = 10) {
        precondition(leads >= 0, "leads must not be negative (got \(leads))")
        precondition(start <= end, "start (\(start)) must not be after end (\(end))")
        self.seed = seed
        self.leads = leads
        self.start = start
        self.end = end
        self.eventsPerLead = eventsPerLead.isFinite ? max(0, eventsPerLead) : 0
        self.companies = max(1, (leads + 7) / 8)
    }

    /// Deterministic for (seed, index): same inputs, same lead, independent of other indexes (so generation can stream).
    /// The email is already normalized and unique per index; about 12% are free-mail (gmail.com, outlook.com,
    /// yahoo.com) and 2% role addresses (`info+<index>@…`: the `+tag` keeps them unique and still reads as role).
    /// - Precondition: `0 <= index < leads`.
    public func lead(_ index: Int) -> DemoLead {
        let p = profile(index)
        let company = company(p.company)
        var rng = p.rng
        var fields: [String: String] = [:]
        fields.reserveCapacity(9)
        if !rng.chance(0.02) { fields["first_name"] = DemoPools.firstNames[p.first] }
        if !rng.chance(0.03) { fields["last_name"] = DemoPools.lastNames[p.last] }
        if !(p.mailbox == .free && rng.chance(0.25)) { fields["company"] = name(of: company) }
        if let title = p.title { fields["job_title"] = title < 0 ? "" : DemoPools.titles.values[title].text }
        if p.hasIndustry { fields["industry"] = DemoPools.industries[company.industry].name }
        if p.hasEmployees { fields["employees"] = company.employeesText }
        let country = rng.chance(0.06) ? DemoPools.countries.pick(&rng) : company.country
        if !rng.chance(0.05) { fields["country"] = country.name }
        fields["lead_source"] = DemoPools.leadSources.pick(&rng)
        if rng.chance(0.55) {
            fields["phone"] = "\(country.dialCode) \(100 + rng.below(900)) \(100 + rng.below(900)) \(1000 + rng.below(9000))"
        } else if rng.chance(0.1) {
            fields["phone"] = ""
        }
        return DemoLead(email: p.email, createdAt: p.createdAt, fields: fields)
    }

    /// The lead's events, sorted by time, all within [lead.createdAt, end]; deterministic for (seed, index).
    /// Times are whole seconds and strictly increasing whenever the window allows (one second per event).
    public func events(forLead index: Int) -> [DemoEvent] {
        let p = profile(index)
        var rng = DemoRandom(seed: seed, stream: 3, index: UInt64(index))
        let steps = journey(fit: p.fit, &rng)
        if steps.isEmpty { return [] }
        let times = times(count: steps.count, from: p.createdAt, &rng)
        let prefix = "demo-\(seed)-\(index)-"
        var out: [DemoEvent] = []
        out.reserveCapacity(steps.count)
        for (n, step) in steps.enumerated() {
            let (type, properties) = step.typeAndProperties(&rng)
            out.append(DemoEvent(id: prefix + String(n), email: p.email, type: type, at: times[n], properties: properties))
        }
        return out
    }
}

/// A generated lead: its identity, when it was created and its CRM fields (canonical names: first_name, last_name,
/// company, job_title, industry, employees, country, lead_source, phone; some missing, a few empty).
public struct DemoLead: Sendable, Hashable, Codable {
    public var email: String
    public var createdAt: Timestamp
    public var fields: [String: String]

    public init(email: String, createdAt: Timestamp, fields: [String: String]) {
        self.email = email
        self.createdAt = createdAt
        self.fields = fields
    }
}

/// A generated activity of one lead. Its id is `demo-<seed>-<lead index>-<n>`, `n` counting the lead's events in time
/// order, so ids are unique across a run and stable across runs with the same settings.
public struct DemoEvent: Sendable, Hashable, Codable {
    public var id: String
    public var email: String
    public var type: String
    public var at: Timestamp
    public var properties: [String: String]

    public init(id: String, email: String, type: String, at: Timestamp, properties: [String: String]) {
        self.id = id
        self.email = email
        self.type = type
        self.at = at
        self.properties = properties
    }
}

// MARK: Accounts

extension DemoGenerator {
    struct Company {
        var stem: Int
        var round: Int
        var industry: Int
        var employees: Int
        var employeesText: String
        var country: DemoPools.Country
        var tld: String
    }

    /// Company `j`: a unique (prefix, core, kind) name per `j` below 64³ (a seeded bijection), with a number after it
    /// beyond that; size skewed small; public bodies and schools a little larger.
    func company(_ j: Int) -> Company {
        var rng = DemoRandom(seed: seed, stream: 1, index: UInt64(j))
        let stem = stem(j)
        let industry = DemoPools.kinds[stem >> 12].industry
        let bucket = sizeBucket(industry: industry, &rng)
        let b = DemoPools.employeeBuckets.values[bucket]
        let u = rng.unit()
        let employees = b.low + Int(Double(b.high - b.low) * (bucket == 7 ? u * u * u : u))
        let employeesText = rng.chance(0.45) ? b.label : String(employees)
        let country = DemoPools.countries.pick(&rng)
        let tld: String
        switch industry {
        case DemoPools.education where country.tld == "com": tld = "edu"
        case DemoPools.government where country.tld == "com": tld = "gov"
        case DemoPools.saas where rng.chance(0.5): tld = "io"
        default: tld = country.tld == "com" || rng.chance(0.4) ? "com" : country.tld
        }
        return Company(stem: stem, round: j >> 18, industry: industry, employees: employees,
                       employeesText: employeesText, country: country, tld: tld)
    }

    private func stem(_ j: Int) -> Int {
        let span = 1 << 18
        return ((j & (span - 1)) &* 0x2F5A5 &+ Int(truncatingIfNeeded: seed & UInt64(span - 1))) & (span - 1)
    }

    /// The company's size bucket: the first draw of its stream, so ``pickCompany(_:)`` can read it cheaply.
    private func sizeBucket(industry: Int, _ rng: inout DemoRandom) -> Int {
        let bucket = DemoPools.employeeBuckets.pickIndex(&rng)
        if industry == DemoPools.government || industry == DemoPools.education {
            return max(bucket, DemoPools.employeeBuckets.pickIndex(&rng))
        }
        return bucket
    }

    /// A company for a new lead, with larger companies proportionally likelier (weight 1 for 1-10 employees up to 8
    /// for 10001+): big accounts gather many leads, small shops one or two.
    func pickCompany(_ rng: inout DemoRandom) -> Int {
        var j = 0
        for _ in 0..<64 {
            j = rng.below(companies)
            var companyRNG = DemoRandom(seed: seed, stream: 1, index: UInt64(j))
            let bucket = sizeBucket(industry: DemoPools.kinds[stem(j) >> 12].industry, &companyRNG)
            if rng.below(DemoPools.employeeBuckets.values.count) <= bucket { break }
        }
        return j
    }

    func domain(of c: Company) -> String {
        let base = DemoPools.prefixesLower[c.stem & 63] + DemoPools.cores[(c.stem >> 6) & 63]
            + DemoPools.kindWordsLower[c.stem >> 12]
        return c.round == 0 ? "\(base).\(c.tld)" : "\(base)\(c.round + 1).\(c.tld)"
    }

    func name(of c: Company) -> String {
        let base = DemoPools.prefixes[c.stem & 63] + DemoPools.cores[(c.stem >> 6) & 63] + " " + DemoPools.kinds[c.stem >> 12].word
        return c.round == 0 ? base : "\(base) \(c.round + 1)"
    }
}

// MARK: Leads

extension DemoGenerator {
    enum Mailbox { case company, free, role }

    /// What events and fields both need: identity, account, the fit-relevant choices and a fit factor.
    struct Profile {
        var company: Int
        var first: Int
        var last: Int
        /// index into the title table; -1 for an empty value, nil when missing
        var title: Int?
        var hasIndustry: Bool
        var hasEmployees: Bool
        var mailbox: Mailbox
        var email: String
        var createdAt: Timestamp
        /// Around 1 for an average lead; higher for decision makers at mid-size companies in target industries.
        var fit: Double
        /// the lead's stream, positioned after the profile (fields continue from it)
        var rng: DemoRandom
    }

    func profile(_ index: Int) -> Profile {
        precondition(index >= 0 && index < leads, "lead index \(index) is outside 0..<\(leads)")
        var rng = DemoRandom(seed: seed, stream: 2, index: UInt64(index))
        let companyIndex = pickCompany(&rng)
        let company = company(companyIndex)
        let first = rng.below(DemoPools.firstNames.count)
        let last = rng.below(DemoPools.lastNames.count)
        let roll = rng.unit()
        var title: Int? = roll < 0.06 ? nil : roll < 0.08 ? -1 : DemoPools.titles.pickIndex(&rng)
        let hasIndustry = !rng.chance(0.07)
        let hasEmployees = !rng.chance(0.1)
        let mailRoll = rng.unit()
        let mailbox: Mailbox = mailRoll < 0.12 ? .free : mailRoll < 0.14 ? .role : .company
        let f = DemoPools.firstNamesLower[first]
        let l = DemoPools.lastNamesLower[last]
        let email: String
        switch mailbox {
        case .company:
            let pattern = rng.below(10)
            let local = pattern < 7 ? "\(f).\(l).\(index)" : pattern < 9 ? "\(f.prefix(1))\(l).\(index)" : "\(f)_\(l).\(index)"
            email = local + "@" + domain(of: company)
        case .free:
            let local = rng.chance(0.6) ? "\(f).\(l).\(index)" : "\(f)\(l)\(index)"
            email = local + "@" + DemoPools.freeMailDomains.pick(&rng)
        case .role:
            email = "\(DemoPools.roleLocalParts.pick(&rng))+\(index)@\(domain(of: company))"
            if rng.chance(0.5) { title = nil }
        }
        let window = max(0, end.millis - TimeSpan.days(7).millis - start.millis)
        let createdAt = Timestamp(millis: start.millis + rng.below(window / 1000 + 1) * 1000)

        // Mirrors the default model's fit rules, so that conversion follows fit.
        var points = 0
        if let title, title >= 0 {
            switch DemoPools.titles.values[title].tier {
            case .decisionMaker: points += 20
            case .manager: points += 10
            case .individual: break
            }
        }
        if hasEmployees { points += company.employees >= 5001 ? 10 : company.employees >= 50 ? 20 : 0 }
        if hasIndustry, DemoPools.industries[company.industry].target { points += 10 }
        switch mailbox {
        case .company: points += 10
        case .free: points -= 15
        case .role: points -= 10
        }
        let fit = min(1.8, max(0.1, Double(points + 10) / 40))
        return Profile(company: companyIndex, first: first, last: last, title: title, hasIndustry: hasIndustry,
                       hasEmployees: hasEmployees, mailbox: mailbox, email: email, createdAt: createdAt, fit: fit,
                       rng: rng)
    }
}

// MARK: Journeys

extension DemoGenerator {
    /// The lead's steps in time order. The number of events is heavy-tailed around `eventsPerLead` (a two-phase
    /// hyperexponential intensity, then Poisson); how far the lead goes (first interest, comeback, request) grows with
    /// its activity and its fit. Milestones replace browsing steps, so they never change the count.
    func journey(fit: Double, _ rng: inout DemoRandom) -> [DemoStep] {
        let mean = eventsPerLead
        guard mean > 0 else { return [] }
        let intensity = rng.chance(0.7) ? rng.exponential(mean: 0.5) : rng.exponential(mean: 0.65 / 0.3)
        let count = mean >= 1 ? 1 + rng.poisson((mean - 1) * intensity, cap: 4999) : rng.poisson(mean * intensity, cap: 5000)
        if count == 0 { return [] }
        let activity = min(3, Double(count) / max(1, mean))

        var milestones: [DemoStep] = []
        if rng.chance(min(0.95, (0.2 + 0.2 * activity) * (0.7 + 0.3 * fit))) {
            let first = DemoStep.firstInterest.pick(&rng)
            milestones.append(first)
            if rng.chance(min(0.9, (0.22 + 0.14 * activity) * fit)) {
                let pricing = rng.chance(0.55)
                if !pricing || rng.chance(0.5) {
                    milestones.append(first == .webinarRegister && rng.chance(0.8) ? .webinarAttend : DemoStep.comeback.pick(&rng))
                }
                if pricing { milestones.append(.pricing) }
                if rng.chance(min(0.9, (0.25 + 0.1 * activity) * fit)) {
                    if rng.chance(0.5) { milestones.append(.pricing) }
                    milestones.append(DemoStep.request.pick(&rng))
                }
            }
        } else if rng.chance(0.012 * fit) {
            milestones.append(rng.chance(0.5) ? .contactSales : .demo)  // straight to sales on a first visit
        }
        if milestones.count > count { milestones.removeFirst(milestones.count - count) }  // keep the deepest

        let considering = milestones.count >= 2
        let table = considering ? DemoStep.considering : DemoStep.browsing
        var steps: [DemoStep] = []
        steps.reserveCapacity(count)
        for _ in 0..<count { steps.append(table.pick(&rng)) }
        for (milestone, position) in zip(milestones, positions(milestones.count, in: count, &rng)) {
            steps[position] = milestone
        }
        // A few leads unsubscribe or bounce, at their last email (mostly those not going anywhere).
        let unsubscribe = considering ? 0.01 : 0.05
        if rng.chance(unsubscribe + 0.015), let last = steps.lastIndex(where: { $0 == .open || $0 == .click }) {
            steps[last] = rng.chance(0.015 / (unsubscribe + 0.015)) ? .bounce : .unsubscribe
        }
        return steps
    }

    /// `m` distinct positions in `0..<count`, ascending; the first milestone is often the lead's first event.
    func positions(_ m: Int, in count: Int, _ rng: inout DemoRandom) -> [Int] {
        if m == 0 { return [] }
        if m >= count { return Array(0..<count) }
        var chosen: [Int] = rng.chance(0.35) ? [0] : []
        while chosen.count < m {
            let p = rng.below(count)
            if !chosen.contains(p) { chosen.append(p) }
        }
        return chosen.sorted()
    }

    /// Event times: sessions of events minutes apart, sessions hours apart within a burst, bursts weeks apart;
    /// squeezed into `[createdAt, end]` when the lead's activity would run past `end`.
    func times(count: Int, from created: Timestamp, _ rng: inout DemoRandom) -> [Timestamp] {
        var offsets = [Int64](repeating: 0, count: count)  // seconds after `created`
        let createdSeconds = created.millis / 1000
        var t = 0.0
        for i in 1..<max(1, count) {
            if rng.chance(0.6) {
                t += 20 + rng.exponential(mean: 100)
            } else if rng.chance(0.55) {
                t += 1800 + rng.exponential(mean: 6 * 3600)
            } else {
                // A later burst, starting in working hours (08:00–18:00 UTC) of its day.
                t += 86_400 + rng.exponential(mean: 18 * 86_400)
                let day = (Double(createdSeconds) + t) / 86_400
                let startOfDay = Double(Int64(day)) * 86_400 - Double(createdSeconds)
                t = max(t - 86_400 + 1, startOfDay + 28_800 + rng.unit() * 36_000)
            }
            offsets[i] = Int64(t)
        }
        let horizon = max(0, (end.millis - created.millis) / 1000)
        let span = offsets[count - 1]
        if span > horizon {
            let scale = Double(horizon) / Double(span)
            for i in 0..<count { offsets[i] = Int64(Double(offsets[i]) * scale) }
        }
        for i in 1..<max(1, count) where offsets[i] <= offsets[i - 1] { offsets[i] = offsets[i - 1] + 1 }
        if offsets[count - 1] > horizon {
            offsets[count - 1] = horizon
            for i in stride(from: count - 2, through: 0, by: -1) where offsets[i] >= offsets[i + 1] {
                offsets[i] = offsets[i + 1] - 1
            }
            for i in 0..<count where offsets[i] < 0 { offsets[i] = 0 }  // a window shorter than one second per event
        }
        return offsets.map { Timestamp(millis: created.millis + $0 * 1000) }
    }
}
