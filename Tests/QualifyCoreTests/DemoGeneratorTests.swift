@testable import QualifyCore
import Testing

@Suite struct DemoGeneratorTests {
    static let start = Timestamp(iso8601: "2025-01-01T00:00:00Z")!
    static let end = Timestamp(iso8601: "2026-03-01T00:00:00Z")!
    static let generator = DemoGenerator(seed: 42, leads: 2000, start: start, end: end)

    struct Sample: Sendable {
        let lead: DemoLead
        let events: [DemoEvent]
    }
    /// 2,000 leads and their events, generated once for the suite.
    static let sample: [Sample] = (0..<generator.leads).map {
        Sample(lead: generator.lead($0), events: generator.events(forLead: $0))
    }

    static let iqlTypes: Set = ["content_download", "webinar_register", "form_submit", "sample_request"]
    static let sqlTypes: Set = ["demo_request", "trial_start", "contact_sales", "consultation_request"]
    static let knownTypes: Set = iqlTypes.union(sqlTypes).union([
        "page_view", "email_open", "email_click", "webinar_attend", "cart_add", "unsubscribe", "email_bounce",
    ])
    static let canonicalFields: Set = [
        "first_name", "last_name", "company", "job_title", "industry", "employees", "country", "lead_source", "phone",
    ]

    // MARK: Determinism

    @Test func theSameSeedAndIndexGiveTheSameLeadAndEvents() {
        let again = DemoGenerator(seed: 42, leads: 2000, start: Self.start, end: Self.end)
        for index in [0, 1, 17, 999, 1999] {
            #expect(again.lead(index) == Self.sample[index].lead)
            #expect(again.events(forLead: index) == Self.sample[index].events)
        }
        // Order does not matter: generating backwards gives the same leads.
        #expect((0..<50).reversed().map { again.lead($0) }.reversed() == Self.sample.prefix(50).map(\.lead))
    }

    @Test func aDifferentSeedGivesDifferentLeadsAndEvents() {
        let other = DemoGenerator(seed: 43, leads: 2000, start: Self.start, end: Self.end)
        let differentLeads = (0..<100).filter { other.lead($0) != Self.sample[$0].lead }.count
        let differentEvents = (0..<100).filter { other.events(forLead: $0) != Self.sample[$0].events }.count
        #expect(differentLeads == 100)
        #expect(differentEvents >= 95)
    }

    // MARK: Validity

    @Test func emailsAndEventIDsAreUnique() {
        #expect(Set(Self.sample.map(\.lead.email)).count == Self.sample.count)
        let ids = Self.sample.flatMap { $0.events.map(\.id) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("demo-42-") })
    }

    @Test func everyEmailParsesAndIsAlreadyNormalized() {
        for s in Self.sample {
            let parsed = EmailAddress.parse(s.lead.email)
            #expect((try? parsed.get())?.email == s.lead.email, "\(s.lead.email): \(parsed)")
        }
    }

    @Test func leadsAreCreatedInTheWindowAndEventsAreSortedWithinTheirLeadsLife() {
        let lastCreation = Self.end.subtracting(.days(7))
        for s in Self.sample {
            #expect(s.lead.createdAt >= Self.start && s.lead.createdAt <= lastCreation)
            for e in s.events {
                #expect(e.email == s.lead.email)
                #expect(e.at >= s.lead.createdAt && e.at <= Self.end, "\(e.id) at \(e.at)")
            }
            for (a, b) in zip(s.events, s.events.dropFirst()) {
                #expect(a.at < b.at, "\(a.id) at \(a.at), \(b.id) at \(b.at)")
                #expect(Event.activity(id: a.id, lead: LeadKey(normalizedEmail: a.email), type: a.type, at: a.at).order
                    < Event.activity(id: b.id, lead: LeadKey(normalizedEmail: b.email), type: b.type, at: b.at).order)
            }
        }
    }

    @Test func everyEventPassesTheIngestLimitsAndHasAKnownType() {
        for e in Self.sample.flatMap(\.events) {
            let rejection = EventLimits.check(id: e.id, type: e.type, at: e.at, properties: e.properties, now: Self.end)
            #expect(rejection == nil, "\(e.id): \(rejection.map(String.init(describing:)) ?? "")")
            #expect(Self.knownTypes.contains(e.type), "\(e.type)")
        }
    }

    @Test func eventsCarryTheirProperties() {
        let events = Self.sample.flatMap(\.events)
        for e in events {
            switch e.type {
            case "page_view": #expect(e.properties["url"]?.hasPrefix("/") == true)
            case "content_download": #expect(e.properties["asset"] != nil)
            case "email_open", "email_click", "unsubscribe", "email_bounce": #expect(e.properties["campaign"] != nil)
            default: #expect(!e.properties.isEmpty)
            }
        }
        let urls = Set(events.compactMap { $0.properties["url"] })
        for prefix in ["/pricing", "/blog/", "/product/", "/case-studies/"] {
            #expect(urls.contains { $0.hasPrefix(prefix) }, "no \(prefix) page")
        }
    }

    // MARK: Realism

    @Test func fieldsUseCanonicalNamesAndCoverTheVocabulary() {
        let leads = Self.sample.map(\.lead)
        #expect(leads.allSatisfy { Set($0.fields.keys).isSubset(of: Self.canonicalFields) })
        let industries = Set(leads.compactMap { $0.fields["industry"] })
        for industry in ["software", "saas", "manufacturing", "healthcare", "financial services", "retail", "education",
                         "government", "consulting"] {
            #expect(industries.contains(industry), "no \(industry) lead")
        }
        let titles = Set(leads.compactMap { $0.fields["job_title"] })
        for title in ["CEO", "VP Sales", "Head of Marketing", "Director of IT", "Founder", "Marketing Manager",
                      "Software Engineer"] {
            #expect(titles.contains(title), "no \(title)")
        }
        // Some fields are missing or empty, as in a real CRM export.
        #expect(leads.contains { $0.fields["phone"] == nil })
        #expect(leads.contains { $0.fields["job_title"] == "" })
        #expect(leads.contains { $0.fields["employees"] == nil })
        // Employees as plain integers and as CRM ranges.
        let employees = leads.compactMap { $0.fields["employees"] }
        #expect(employees.contains { Int($0) != nil })
        #expect(employees.contains { $0 == "51-200" })
        #expect(Set(leads.compactMap { $0.fields["country"] }).count >= 10)
    }

    @Test func aboutOneInEightUsesFreeMailAndAFewUseRoleAddresses() {
        let kinds = Self.sample.map { EmailLists.builtIn.kinds(of: LeadKey(normalizedEmail: $0.lead.email)) }
        let free = Double(kinds.filter { $0.contains(.freeProvider) }.count) / Double(kinds.count)
        let role = Double(kinds.filter { $0.contains(.role) }.count) / Double(kinds.count)
        #expect(free > 0.08 && free < 0.16, "free-mail share \(free)")
        #expect(role > 0.005 && role < 0.04, "role share \(role)")
    }

    @Test func leadsShareCompanyDomainsLikeB2BAccounts() {
        var byDomain: [String: Int] = [:]
        for s in Self.sample {
            let key = LeadKey(normalizedEmail: s.lead.email)
            if EmailLists.builtIn.kinds(of: key) != [.freeProvider] { byDomain[key.domain, default: 0] += 1 }
        }
        #expect(byDomain.count > 100 && byDomain.count < 400, "\(byDomain.count) company domains")
        #expect(byDomain.values.filter { $0 >= 5 }.count >= 50)
    }

    @Test func theMeanNumberOfEventsIsNearEventsPerLeadWithAHeavyTail() {
        let counts = Self.sample.map(\.events.count)
        let mean = Double(counts.reduce(0, +)) / Double(counts.count)
        #expect(abs(mean - 10) <= 2, "mean \(mean)")
        let median = counts.sorted()[counts.count / 2]
        #expect(median < 10, "median \(median)")
        #expect(counts.filter { $0 >= 40 }.count >= 20)
    }

    @Test(arguments: [3.0, 25.0])
    func theMeanFollowsOtherSettings(eventsPerLead: Double) {
        let g = DemoGenerator(seed: 7, leads: 1000, start: Self.start, end: Self.end, eventsPerLead: eventsPerLead)
        let mean = Double((0..<g.leads).reduce(0) { $0 + g.events(forLead: $1).count }) / Double(g.leads)
        #expect(abs(mean - eventsPerLead) <= 0.2 * eventsPerLead, "mean \(mean)")
    }

    @Test func eventTypesShowAFunnel() {
        let n = Double(Self.sample.count)
        let gaveDetails = Double(Self.sample.filter { $0.events.contains { Self.iqlTypes.contains($0.type) } }.count) / n
        let asked = Double(Self.sample.filter { $0.events.contains { Self.sqlTypes.contains($0.type) } }.count) / n
        let unsubscribed = Self.sample.filter { $0.events.contains { $0.type == "unsubscribe" } }.count
        let bounced = Self.sample.filter { $0.events.contains { $0.type == "email_bounce" } }.count
        #expect(gaveDetails > 0.2, "IQL-type share \(gaveDetails)")
        #expect(asked >= 0.02 && asked <= 0.2, "SQL-type share \(asked)")
        #expect(unsubscribed > 0 && Double(unsubscribed) / n < 0.1)
        #expect(bounced > 0 && Double(bounced) / n < 0.05)
    }

    // MARK: Through the engine

    @Test func theDefaultModelSeesAPlausibleFunnelAndFitDrivesConversion() throws {
        let engine = try Engine(model: Self.defaultModel())
        var stages: [Stage: Int] = [:]
        var good = (leads: 0, sql: 0)  // grade A or B
        var poor = (leads: 0, sql: 0)  // grade C or D
        for s in Self.sample {
            let key = LeadKey(normalizedEmail: s.lead.email)
            let fields = Event(id: EventID("fields-\(s.lead.email)"), lead: key,
                               at: s.lead.createdAt.subtracting(TimeSpan(millis: 1000)),
                               kind: .fieldsUpdate(fields: s.lead.fields, source: "demo"))
            let activities = s.events.map {
                Event.activity(id: $0.id, lead: key, type: $0.type, at: $0.at, properties: $0.properties)
            }
            let state = engine.replay(key, events: [fields] + activities).state
            stages[state.stage, default: 0] += 1
            if state.grade >= .b {
                good.leads += 1
                if state.stage == .sql { good.sql += 1 }
            } else {
                poor.leads += 1
                if state.stage == .sql { poor.sql += 1 }
            }
        }
        let n = Double(Self.sample.count)
        #expect(stages[.iql, default: 0] > 0 && stages[.mql, default: 0] > 0 && stages[.sql, default: 0] > 0, "\(stages)")
        let sqlShare = Double(stages[.sql, default: 0]) / n
        #expect(sqlShare >= 0.02 && sqlShare <= 0.2, "SQL share \(sqlShare)")
        #expect(stages[.new, default: 0] > stages[.iql, default: 0], "most leads never give details: \(stages)")
        let goodRate = Double(good.sql) / Double(max(1, good.leads))
        let poorRate = Double(poor.sql) / Double(max(1, poor.leads))
        #expect(goodRate > 2 * poorRate, "SQL rate A/B \(goodRate), C/D \(poorRate)")
    }

    // MARK: Edges and internals

    @Test func zeroEventsPerLeadGivesLeadsWithoutEvents() {
        let g = DemoGenerator(seed: 1, leads: 10, start: Self.start, end: Self.end, eventsPerLead: 0)
        #expect((0..<10).allSatisfy { g.events(forLead: $0).isEmpty })
    }

    @Test func aWindowShorterThanAWeekCreatesLeadsAtStartAndKeepsEventsInside() {
        let end = Self.start.adding(.days(2))
        let g = DemoGenerator(seed: 5, leads: 200, start: Self.start, end: end)
        for i in 0..<g.leads {
            let lead = g.lead(i)
            #expect(lead.createdAt == Self.start)
            let events = g.events(forLead: i)
            #expect(events.allSatisfy { $0.at >= Self.start && $0.at <= end })
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.at < $1.at })
        }
    }

    @Test func companyDomainsAreDistinctAcrossThePool() {
        let g = DemoGenerator(seed: 9, leads: 8 * 5000, start: Self.start, end: Self.end)
        let domains = (0..<g.companies).map { g.domain(of: g.company($0)) }
        #expect(Set(domains).count == domains.count)
        #expect(domains.allSatisfy { (try? EmailAddress.parse("x@" + $0).get()) != nil })
    }

    struct Log: Sendable, CustomTestStringConvertible {
        let x: Double
        let ln: Double
        var testDescription: String { "ln(\(x)) = \(ln)" }
    }

    /// Expected values from Python's math.log.
    @Test(arguments: [
        Log(x: 1, ln: 0), Log(x: 2, ln: 0.6931471805599453), Log(x: 0.5, ln: -0.6931471805599453),
        Log(x: 10, ln: 2.302585092994046), Log(x: 1e-10, ln: -23.025850929940457),
        Log(x: 0.123456, ln: -2.091870461698873), Log(x: 1.4142135623730951, ln: 0.3465735902799727),
        Log(x: 1.5, ln: 0.4054651081081644), Log(x: 3, ln: 1.0986122886681098), Log(x: 1e300, ln: 690.7755278982137),
    ])
    func theLogarithmBehindExponentialDrawsIsAccurate(_ row: Log) {
        #expect(abs(DemoRandom.ln(row.x) - row.ln) <= 4e-16 * max(1, abs(row.ln)), "got \(DemoRandom.ln(row.x))")
    }

    /// The default model (``DefaultModel/yaml``), built by hand: core tests cannot read YAML.
    static func defaultModel() -> QualificationModel {
        let iqlTypes = ["content_download", "webinar_register", "sample_request", "form_submit"]
        let pricing = [PropertyCondition(property: "url", test: .contains("/pricing"))]
        func rule(_ id: String, _ on: String, _ points: Int, once: Bool = false, cap: (Int, Int64)? = nil,
                  _ conditions: [PropertyCondition] = []) -> EngagementRule {
            EngagementRule(id: id, on: on, conditions: conditions, points: points, once: once,
                           cap: cap.map { Cap(points: $0.0, per: .days($0.1)) })
        }
        return QualificationModel(
            name: "default-b2b",
            fit: FitSection(rules: [
                FitRule(id: "decision-maker", when: .field("job_title", .matches(
                    "(?i)\\b(chief|ceo|cto|cfo|coo|cmo|vp|vice president|head|director|owner|founder|partner)\\b")),
                        points: 20),
                FitRule(id: "manager", when: .field("job_title", .matches("(?i)\\b(manager|lead|principal)\\b")), points: 10),
                FitRule(id: "company-size", when: .field("employees", .between(50, 5000)), points: 20),
                FitRule(id: "enterprise", when: .field("employees", .atLeast(5001)), points: 10),
                FitRule(id: "target-industry", when: .field("industry", .oneOf([
                    "software", "saas", "technology", "manufacturing", "financial services", "healthcare", "consulting",
                ])), points: 10),
                FitRule(id: "company-email", when: .email(.company), points: 10),
                FitRule(id: "free-mail", when: .email(.freeProvider), points: -15),
                FitRule(id: "role-address", when: .email(.role), points: -10),
                FitRule(id: "disposable", when: .email(.disposable), points: -40),
            ], grades: GradeThresholds(a: 50, b: 30, c: 10)),
            engagement: EngagementSection(
                groups: [ScoreGroup(id: "main", halfLife: .days(30), temperature: TemperatureThresholds(hot: 60, warm: 25))],
                rules: [
                    rule("visit", "page_view", 1, cap: (10, 7)),
                    rule("pricing-page", "page_view", 10, cap: (20, 7), pricing),
                    rule("email-open", "email_open", 1, cap: (5, 7)),
                    rule("email-click", "email_click", 3, cap: (15, 7)),
                    rule("form", "form_submit", 10),
                    rule("download", "content_download", 15),
                    rule("sample", "sample_request", 15),
                    rule("webinar-register", "webinar_register", 10),
                    rule("webinar-attend", "webinar_attend", 20),
                    rule("trial", "trial_start", 40, once: true),
                    rule("consultation", "consultation_request", 40),
                    rule("demo", "demo_request", 50),
                    rule("contact-sales", "contact_sales", 50),
                    rule("cart", "cart_add", 15),
                    rule("unsubscribed", "unsubscribe", -30, once: true),
                    rule("bounced", "email_bounce", -20),
                ]),
            stages: [
                StageRule(stage: .iql, when: .any(iqlTypes.map { .event($0, []) })),
                StageRule(stage: .mql, when: .any([
                    .all([.count(of: ["content_download", "webinar_register", "webinar_attend", "sample_request",
                                      "form_submit"], atLeast: 2), .grade(atLeast: .c)]),
                    .event("page_view", pricing),
                    .all([.engagement(atLeast: 25, group: "main"), .grade(atLeast: .c)]),
                ])),
                StageRule(stage: .sql, when: .any([
                    .event("demo_request", []), .event("trial_start", []), .event("consultation_request", []),
                    .event("contact_sales", []),
                    .all([.engagement(atLeast: 60, group: "main"), .grade(atLeast: .b)]),
                ])),
            ],
            offers: [
                .new: ["newsletter", "blog_digest"], .iql: ["webinar", "case_study", "spec_sheet", "catalog"],
                .mql: ["free_trial", "consultation", "demo", "estimate", "coupon"], .sql: ["talk_to_sales"],
                .recycled: ["case_study", "webinar"],
            ])
    }
}
