/// An account's score built up one contact at a time: the one place the `accounts:` rules are applied, for an
/// account's card (its contacts read together) and for the account queue (every lead read once, in any order, each
/// added to its account's tally — the queue never holds every contact).
public struct AccountTally: Sendable {
    public let domain: String
    public let name: String?
    let rules: AccountRules
    /// How many holders of each role to name (nil: all); each role's count is exact either way.
    let roleContactsKept: Int?
    /// Each role's phrases split into words once (a title is split once per contact).
    let rolePhrases: [[[String]]]

    var contacts = 0
    var amplitudeSum = 0.0
    /// The most engaged contacts so far, most engaged first (amplitude, arrival, email): as many as the rule counts
    /// or ``engagedShown``, whichever is more.
    var best: [(amplitude: Double, arrival: Int, email: String)] = []
    var bestFit: (points: Int, email: String)?
    var fieldCounts: [String: [(key: String, value: String, count: Int, first: Int)]] = [:]
    var roleCounts: [Int]
    var roleHolders: [[String]]
    var furthest: Stage?
    var owners: [String] = []
    var lastActivity: Timestamp?

    /// ``AccountScore/fitSource`` when the fit came from the account's fields, or when there was no contact.
    public static let fieldsSource = "account fields"
    public static let noContactsSource = "no contacts"

    /// The most contacts an account's score names as counted.
    public static let engagedShown = 5

    public init(domain: String, name: String?, rules: AccountRules, roleContactsKept: Int?) {
        self.init(domain: domain, name: name, rules: rules, phrases: Self.phrases(rules), roleContactsKept: roleContactsKept)
    }

    /// With the roles' phrases split once for every tally (``phrases(_:)``): the account queue makes one per account.
    public init(domain: String, name: String?, rules: AccountRules, phrases: [[[String]]], roleContactsKept: Int?) {
        self.domain = domain
        self.name = name
        self.rules = rules
        self.roleContactsKept = roleContactsKept
        rolePhrases = phrases
        roleCounts = Array(repeating: 0, count: rules.roles.count)
        roleHolders = Array(repeating: [], count: rules.roles.count)
    }

    /// The indexes of the roles a job title holds, given the roles' phrases as words (``phrases(_:)``).
    public static func roles(ofTitle title: String, phrases: [[[String]]]) -> [Int] {
        guard !phrases.isEmpty, !title.isEmpty else { return [] }
        let words = BuyingRole.words(title)
        return phrases.indices.filter { BuyingRole.matches(words: words, phrases: phrases[$0]) }
    }

    /// Each role's phrases as words.
    public static func phrases(_ rules: AccountRules) -> [[[String]]] { rules.roles.map { $0.titles.map(BuyingRole.words) } }

    var kept: Int {
        switch rules.engagement {
        case .sumOfTop(let n): return max(n, Self.engagedShown)
        case .sum, .max: return Self.engagedShown
        }
    }

    public mutating func add(_ c: AccountContact) {
        let arrival = contacts
        contacts += 1
        amplitudeSum += c.amplitude
        if best.count < kept || c.amplitude > best[best.count - 1].amplitude {
            let at = best.firstIndex { c.amplitude > $0.amplitude } ?? best.count
            best.insert((c.amplitude, arrival, c.email), at: at)
            if best.count > kept { best.removeLast() }
        }
        if bestFit == nil || c.fitPoints > bestFit!.points { bestFit = (c.fitPoints, c.email) }
        if rules.fit == .fields {
            for (name, value) in c.fields where !AccountScore.personalFields.contains(name) && name != rules.titleField {
                let key = value.trimmingSpaces.lowercased()
                guard !key.isEmpty else { continue }
                if let j = fieldCounts[name]?.firstIndex(where: { $0.key == key }) {
                    fieldCounts[name]![j].count += 1
                } else {
                    fieldCounts[name, default: []].append((key, value, 1, arrival))
                }
            }
        }
        if let title = c.fields[rules.titleField] {
            for i in Self.roles(ofTitle: title, phrases: rolePhrases) {
                roleCounts[i] += 1
                if roleContactsKept.map({ roleHolders[i].count < $0 }) ?? true { roleHolders[i].append(c.email) }
            }
        }
        if furthest.map({ (c.stage.forwardRank ?? 0) > ($0.forwardRank ?? 0) }) ?? true { furthest = c.stage }
        if let owner = c.owner, !owners.contains(owner) { owners.append(owner) }
        if let t = c.lastActivity, lastActivity.map({ t > $0 }) ?? true { lastActivity = t }
    }

    /// The account's fields (``AccountScore/accountFields(_:titleField:)``), for `fit: fields`.
    var fields: [String: String] {
        fieldCounts.mapValues { options in options.max { $0.count != $1.count ? $0.count < $1.count : $0.first > $1.first }!.value }
    }

    public func score(model: QualificationModel, order: QueueOrder,
                      fitPoints: ([String: String]) -> (points: Int, rules: [String])) -> AccountScore {
        let amplitude: Double
        let counted: ArraySlice<(amplitude: Double, arrival: Int, email: String)>
        switch rules.engagement {
        case .sumOfTop(let n):
            counted = best.prefix(n)
            amplitude = counted.reduce(0) { $0 + $1.amplitude }
        case .sum:
            counted = best[...]
            amplitude = amplitudeSum
        case .max:
            counted = best.prefix(1)
            amplitude = counted.first?.amplitude ?? 0
        }
        // summed as amplitudes (one decay factor for all), then brought to now: the same rounding as a lead's
        let engagement = order.engagement(amplitude: amplitude)
        let thresholds = rules.temperature ?? model.engagement.main.temperature
        var fit = 0, source = Self.noContactsSource, fitRules: [String] = []
        switch rules.fit {
        case .bestContact:
            if let bestFit { (fit, source) = (bestFit.points, bestFit.email) }
        case .fields:
            (fit, fitRules) = fitPoints(fields)
            source = Self.fieldsSource
        }
        let roles = rules.roles.enumerated().map { i, role in
            AccountScore.RolePresence(role: role.id, count: roleCounts[i], contacts: roleHolders[i])
        }
        let stage = furthest ?? .new
        return AccountScore(
            domain: domain, name: name, contacts: contacts, engagement: engagement, engagementRule: rules.engagement.words,
            engagedContacts: counted.filter { $0.amplitude > 0 }.prefix(Self.engagedShown).map(\.email),
            temperature: thresholds.temperature(for: engagement), fitPoints: fit, grade: model.fit.grades.grade(for: fit),
            fitSource: source, fitRules: fitRules, roles: roles, stage: stage == .disqualified ? .new : stage, owners: owners,
            lastActivity: lastActivity)
    }
}
