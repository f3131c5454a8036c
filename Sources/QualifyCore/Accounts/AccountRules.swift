/// How a model scores an account (the organisation behind a company email domain) from its contacts: the model's
/// `accounts:` section. Without one, ``standard`` applies: engagement is the sum of the three most engaged contacts,
/// fit is the best contact's, temperature uses the leads' thresholds and the buying committee has the four usual roles.
public struct AccountRules: Sendable, Hashable, Codable {
    /// How contacts' engagement adds up to the account's.
    public enum Engagement: Sendable, Hashable, Codable {
        /// The sum of the `n` most engaged contacts (a big account is not hot because it has many lukewarm people).
        case sumOfTop(Int)
        /// Every contact's engagement added up (Mautic's users ask for this: mautic/mautic#7076).
        case sum
        /// The most engaged contact's.
        case max

        /// As the model writes it: `sum_top` (with `top: N`), `sum` or `max`.
        public var name: String {
            switch self {
            case .sumOfTop: return "sum_top"
            case .sum: return "sum"
            case .max: return "max"
            }
        }
        /// In words, for cards and reports.
        public var words: String {
            switch self {
            case .sumOfTop(let n): return n == 1 ? "the most engaged contact" : "the sum of the \(n) most engaged contacts"
            case .sum: return "the sum of every contact"
            case .max: return "the most engaged contact"
            }
        }
    }

    /// Where the account's fit comes from.
    public enum Fit: String, Sendable, Hashable, Codable, CaseIterable {
        /// The highest fit among its contacts.
        case bestContact = "best_contact"
        /// The model's fit rules applied to the account's fields: for each field, the value most of its contacts
        /// give (company-level fields such as industry, employees or country agree across contacts).
        case fields
    }

    public var engagement: Engagement
    public var fit: Fit
    /// Thresholds on the account's engagement; nil: the leads' (`engagement.temperature`).
    public var temperature: TemperatureThresholds?
    /// The lead field that holds a contact's job title.
    public var titleField: String
    /// The buying committee: the roles a deal needs, each recognised by words in a contact's job title.
    public var roles: [BuyingRole]

    public init(engagement: Engagement, fit: Fit, temperature: TemperatureThresholds?, titleField: String, roles: [BuyingRole]) {
        self.engagement = engagement
        self.fit = fit
        self.temperature = temperature
        self.titleField = titleField
        self.roles = roles
    }

    public static let standard = AccountRules(engagement: .sumOfTop(3), fit: .bestContact, temperature: nil, titleField: "job_title",
                                              roles: BuyingRole.standard)
}

/// A role in the buying committee (decision maker, champion, technical, finance …) and the job-title words that mark
/// it. A title has the role when it contains one of the phrases as whole words, ignoring case and punctuation
/// (`vp` matches "VP Sales" but not "MVP"; `head of` matches "Head of IT"). A contact can hold several roles.
public struct BuyingRole: Sendable, Hashable, Codable {
    public var id: String
    public var titles: [String]
    public init(id: String, titles: [String]) {
        self.id = id
        self.titles = titles
    }

    /// The roles when a model names none (the default model lists the same).
    public static let standard: [BuyingRole] = [
        BuyingRole(id: "decision_maker", titles: ["ceo", "chief", "founder", "owner", "president", "vp", "vice president", "director", "head of",
                                                  "partner", "general manager", "managing director", "coo", "cmo", "cro"]),
        BuyingRole(id: "champion", titles: ["manager", "team lead", "product owner", "specialist", "coordinator", "consultant"]),
        BuyingRole(id: "technical", titles: ["cto", "cio", "engineer", "engineering", "developer", "architect", "it", "devops", "technical",
                                             "system administrator", "data"]),
        BuyingRole(id: "finance", titles: ["cfo", "finance", "financial", "controller", "accountant", "accounting", "procurement",
                                           "purchasing", "buyer"]),
    ]

    /// Whether `title` has this role.
    public func matches(_ title: String) -> Bool {
        Self.matches(words: Self.words(title), phrases: titles.map(Self.words))
    }

    /// Whether a title's words (``words(_:)``) contain one of the phrases' words as a run.
    static func matches(words: [String], phrases: [[String]]) -> Bool {
        guard !words.isEmpty else { return false }
        return phrases.contains { want in
            guard !want.isEmpty, want.count <= words.count else { return false }
            return (0...(words.count - want.count)).contains { start in
                zip(want, words[start...]).allSatisfy { $0 == $1 }
            }
        }
    }

    /// Lowercased letters-and-digits words: "Co-Founder & CEO" → ["co", "founder", "ceo"]. ASCII is classified by
    /// value (the account queue splits a title per lead: Unicode property lookups took a third of its time).
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var word = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                if (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) {
                    word.append(scalar)
                    continue
                }
                if (0x41...0x5A).contains(v) {
                    word.append(Unicode.Scalar(v + 0x20)!)
                    continue
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                word.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                continue
            }
            if !word.isEmpty {
                out.append(String(word))
                word = String.UnicodeScalarView()
            }
        }
        if !word.isEmpty { out.append(String(word)) }
        return out
    }
}
