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
    /// The account's engagement now under the rule, and the contacts it counted (most engaged first, at most
    /// ``AccountTally/engagedShown``).
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
        /// How many contacts hold the role, and who (all on a card; the first few in the account queue).
        public var count: Int
        public var contacts: [String]
        public var present: Bool { count > 0 }
    }

    public var presentRoles: [String] { roles.filter(\.present).map(\.role) }

    /// Where the fit came from, in words: "best contact ada@acme.io", "the account's fields: company-size", "no contacts".
    public var fitSourceWords: String {
        switch fitSource {
        case AccountTally.fieldsSource: return "the account's fields" + (fitRules.isEmpty ? "" : ": " + fitRules.joined(separator: ", "))
        case AccountTally.noContactsSource: return fitSource
        default: return "best contact \(fitSource)"
        }
    }
    public var missingRoles: [String] { roles.filter { !$0.present }.map(\.role) }

    /// The account's place in the account queue: its (grade, temperature) band like a lead's, then engagement.
    public var band: Int { QueueOrder.position(grade: grade, temperature: temperature) }

    /// Scores `account` at `order`'s time under `model` (its `accounts:` section, or ``AccountRules/standard``).
    /// `fitPoints` applies the model's fit rules to fields (``Engine/fitPoints(of:)``); only `fit: fields` calls it.
    public static func score(_ account: AccountContacts, model: QualificationModel, order: QueueOrder,
                             fitPoints: ([String: String]) -> (points: Int, rules: [String])) -> AccountScore {
        var tally = AccountTally(domain: account.domain, name: account.name, rules: model.accounts ?? .standard, roleContactsKept: nil)
        for contact in account.contacts { tally.add(contact) }
        return tally.score(model: model, order: order, fitPoints: fitPoints)
    }

    /// The account's fields: for each field, the value most contacts give (ignoring case and surrounding spaces;
    /// a tie goes to the value of the earliest contact). Personal fields (names, `titleField`, phone) are left out.
    public static func accountFields(_ contacts: [AccountContact], titleField: String) -> [String: String] {
        var tally = AccountTally(domain: "", name: nil, rules: AccountRules(engagement: .sum, fit: .fields, temperature: nil,
                                                                            titleField: titleField, roles: []), roleContactsKept: 0)
        for contact in contacts { tally.add(contact) }
        return tally.fields
    }

    static let personalFields: Set<String> = ["first_name", "last_name", "name", "job_title", "phone", "mobile", "email"]

    /// The account queue's order: band, then engagement (highest first), then domain.
    public static func precedes(_ x: AccountScore, _ y: AccountScore) -> Bool {
        if x.band != y.band { return x.band < y.band }
        if x.engagement != y.engagement { return x.engagement > y.engagement }
        return x.domain < y.domain
    }
}
