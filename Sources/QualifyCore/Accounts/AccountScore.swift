/// One contact of an account as a store reads it: the lead's projection row and its fields.
public struct AccountContact: Sendable, Hashable {
    public var email: String
    public var name: String?
    public var grade: Grade
    public var fitPoints: Int
    public var stage: Stage
    /// The stored engagement amplitude (``QueueOrder/engagement(amplitude:)`` gives the engagement now).
    public var amplitude: Double
    public var owner: String?
    public var lastActivity: Timestamp?
    public var fields: [String: String]
    public init(email: String, name: String?, grade: Grade, fitPoints: Int, stage: Stage, amplitude: Double, owner: String?,
                lastActivity: Timestamp?, fields: [String: String]) {
        self.email = email
        self.name = name
        self.grade = grade
        self.fitPoints = fitPoints
        self.stage = stage
        self.amplitude = amplitude
        self.owner = owner
        self.lastActivity = lastActivity
        self.fields = fields
    }
}

/// An account and its contacts, as a store reads them (contacts in the order they were created).
public struct AccountContacts: Sendable, Hashable {
    public var domain: String
    public var name: String?
    public var contacts: [AccountContact]
    public init(domain: String, name: String?, contacts: [AccountContact]) {
        self.domain = domain
        self.name = name
        self.contacts = contacts
    }
}

/// An account scored from its contacts under the model's ``AccountRules``: computed when read from the contacts' lead
/// rows, so it moves with every contact's event and a replay gives the same account (there is no account state).
public struct AccountScore: Sendable, Hashable, Codable {
    public var domain: String
    public var name: String?
    public var contacts: Int
    /// The account's engagement now under the rule, and the contacts it counted (most engaged first).
    public var engagement: Double
    public var engagementRule: String
    public var engagedContacts: [String]
    public var temperature: Temperature
    public var fitPoints: Int
    public var grade: Grade
    /// Where the fit came from: the best contact's email, or `account fields`.
    public var fitSource: String
    /// The fit rules that matched the account's fields (only with `fit: fields`).
    public var fitRules: [String]
    /// The buying committee's roles present (with the contacts holding them) and missing, in the model's order.
    public var roles: [RolePresence]
    /// The furthest stage any contact reached (a disqualified contact counts as new).
    public var stage: Stage
    /// The contacts' owners, by name, each once.
    public var owners: [String]
    public var lastActivity: Timestamp?

    public struct RolePresence: Sendable, Hashable, Codable {
        public var role: String
        public var contacts: [String]
        public var present: Bool { !contacts.isEmpty }
    }

    public var presentRoles: [String] { roles.filter(\.present).map(\.role) }
    public var missingRoles: [String] { roles.filter { !$0.present }.map(\.role) }

    /// The account's place in the account queue: its (grade, temperature) band like a lead's, then engagement.
    public var band: Int { QueueOrder.position(grade: grade, temperature: temperature) }

    /// Scores `account` at `order`'s time under `model` (its `accounts:` section, or ``AccountRules/standard``).
    /// `fitPoints` applies the model's fit rules to fields (``Engine/fitPoints(of:)``); only `fit: fields` calls it.
    public static func score(_ account: AccountContacts, model: QualificationModel, order: QueueOrder,
                             fitPoints: ([String: String]) -> (points: Int, rules: [String])) -> AccountScore {
        let rules = model.accounts ?? .standard
        let ranked = account.contacts.enumerated().sorted { x, y in
            x.element.amplitude != y.element.amplitude ? x.element.amplitude > y.element.amplitude : x.offset < y.offset
        }.map(\.element)
        let counted: [AccountContact]
        switch rules.engagement {
        case .sumOfTop(let n): counted = Array(ranked.prefix(n))
        case .sum: counted = ranked
        case .max: counted = Array(ranked.prefix(1))
        }
        // summed as amplitudes (one decay factor for all), then brought to now: the same rounding as a lead's
        let engagement = order.engagement(amplitude: counted.reduce(0) { $0 + $1.amplitude })
        let thresholds = rules.temperature ?? model.engagement.main.temperature

        var fit = 0, source = "no contacts", fitRules: [String] = []
        switch rules.fit {
        case .bestContact:
            if let best = account.contacts.enumerated().max(by: { x, y in
                x.element.fitPoints != y.element.fitPoints ? x.element.fitPoints < y.element.fitPoints : x.offset > y.offset
            })?.element {
                fit = best.fitPoints
                source = best.email
            }
        case .fields:
            (fit, fitRules) = fitPoints(accountFields(account.contacts, titleField: rules.titleField))
            source = "account fields"
        }

        var roles: [RolePresence] = rules.roles.map { RolePresence(role: $0.id, contacts: []) }
        for contact in account.contacts {
            guard let title = contact.fields[rules.titleField], !title.isEmpty else { continue }
            for (i, role) in rules.roles.enumerated() where role.matches(title) { roles[i].contacts.append(contact.email) }
        }
        let stage = account.contacts.map(\.stage).max { ($0.forwardRank ?? 0) < ($1.forwardRank ?? 0) } ?? .new
        var owners: [String] = []
        for owner in account.contacts.compactMap(\.owner) where !owners.contains(owner) { owners.append(owner) }
        return AccountScore(
            domain: account.domain, name: account.name, contacts: account.contacts.count, engagement: engagement,
            engagementRule: rules.engagement.words, engagedContacts: counted.filter { $0.amplitude > 0 }.map(\.email),
            temperature: thresholds.temperature(for: engagement), fitPoints: fit, grade: model.fit.grades.grade(for: fit),
            fitSource: source, fitRules: fitRules, roles: roles, stage: stage == .disqualified ? .new : stage, owners: owners,
            lastActivity: account.contacts.compactMap(\.lastActivity).max())
    }

    /// The account's fields: for each field, the value most contacts give (ignoring case and surrounding spaces;
    /// a tie goes to the value of the earliest contact). Personal fields (names, `titleField`, phone) are left out.
    public static func accountFields(_ contacts: [AccountContact], titleField: String) -> [String: String] {
        var tallies: [String: [(key: String, value: String, count: Int, first: Int)]] = [:]
        for (i, contact) in contacts.enumerated() {
            for (name, value) in contact.fields where !personalFields.contains(name) && name != titleField {
                let key = value.trimmingSpaces.lowercased()
                guard !key.isEmpty else { continue }
                if let j = tallies[name]?.firstIndex(where: { $0.key == key }) {
                    tallies[name]![j].count += 1
                } else {
                    tallies[name, default: []].append((key, value, 1, i))
                }
            }
        }
        return tallies.mapValues { options in
            options.max { $0.count != $1.count ? $0.count < $1.count : $0.first > $1.first }!.value
        }
    }

    static let personalFields: Set<String> = ["first_name", "last_name", "name", "job_title", "phone", "mobile", "email"]

    /// The account queue's order: band, then engagement (highest first), then domain.
    public static func precedes(_ x: AccountScore, _ y: AccountScore) -> Bool {
        if x.band != y.band { return x.band < y.band }
        if x.engagement != y.engagement { return x.engagement > y.engagement }
        return x.domain < y.domain
    }
}
