/// The agreed qualification rules: fit rules and grades, engagement rules with decay and temperature, stage
/// criteria and offers. Written as one YAML file (see ``ModelParser``); every change is a new version.
public struct QualificationModel: Sendable, Hashable, Codable {
    public var name: String
    public var fit: FitSection
    public var engagement: EngagementSection
    public var stages: [StageRule]
    public var offers: [Stage: [String]]
    /// The qualification checklist (nil when the model has none; older stored models decode without it).
    public var checklist: Checklist?
    /// Team, routing, SLA and reason codes (nil when the model has none; older stored models decode without it).
    public var handoff: HandoffSection?
    /// How imported CRM stages (lifecycle stage, lead status) map to stages (nil: they stay fields).
    public var imports: ImportSection?
    /// How accounts are scored from their contacts (nil: ``AccountRules/standard``; older stored models decode without it).
    public var accounts: AccountRules?
    /// The offer catalogue (`offers:` as a list); nil when the model lists offer names per stage (``offers``).
    public var catalogue: [Offer]?
    /// Spaced follow-ups per stage (nil: none).
    public var followUp: FollowUpSection?

    public init(name: String, fit: FitSection, engagement: EngagementSection, stages: [StageRule], offers: [Stage: [String]],
                checklist: Checklist? = nil, handoff: HandoffSection? = nil, imports: ImportSection? = nil, accounts: AccountRules? = nil,
                catalogue: [Offer]? = nil, followUp: FollowUpSection? = nil) {
        self.catalogue = catalogue
        self.followUp = followUp
        self.imports = imports
        self.accounts = accounts
        self.name = name
        self.fit = fit
        self.engagement = engagement
        self.stages = stages
        self.offers = offers
        self.checklist = checklist
        self.handoff = handoff
    }
}

extension QualificationModel {
    /// The offers: the catalogue, or one offer per name of the per-stage lists (ranked in list order, nothing marking
    /// them taken).
    public var offerCatalogue: [Offer] { catalogue ?? Offer.catalogue(byStage: offers) }
}

// MARK: Fit

public struct FitSection: Sendable, Hashable, Codable {
    public var rules: [FitRule]
    public var grades: GradeThresholds
    public init(rules: [FitRule], grades: GradeThresholds) {
        self.rules = rules
        self.grades = grades
    }
}

public struct FitRule: Sendable, Hashable, Codable {
    public var id: RuleID
    public var when: FieldCondition
    public var points: Int
    public init(id: RuleID, when: FieldCondition, points: Int) {
        self.id = id
        self.when = when
        self.points = points
    }
}

/// A condition on who the lead is.
public indirect enum FieldCondition: Sendable, Hashable, Codable {
    case field(String, ValueTest)
    case email(EmailKind)
    case any([FieldCondition])
    case all([FieldCondition])
    case not(FieldCondition)
}

/// A test on one text value (a lead field or an event property). Text comparisons ignore case.
public enum ValueTest: Sendable, Hashable, Codable {
    case equals(String)
    case oneOf([String])
    case contains(String)
    case matches(String)
    case between(Double, Double)
    case atLeast(Double)
    case exists(Bool)
}

/// Fit points at or above `a` grade A, above `b` B, above `c` C; below `c` is D.
public struct GradeThresholds: Sendable, Hashable, Codable {
    public var a: Int
    public var b: Int
    public var c: Int
    public init(a: Int, b: Int, c: Int) {
        self.a = a
        self.b = b
        self.c = c
    }
    public func grade(for points: Int) -> Grade {
        points >= a ? .a : points >= b ? .b : points >= c ? .c : .d
    }
}

public enum Grade: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// A grade as people type it, in any case (`a`, `B`); nil otherwise.
    public init?(text: String) { self.init(rawValue: text.uppercased()) }

    case a = "A", b = "B", c = "C", d = "D"
    /// 0 for A … 3 for D: lower is better.
    public var rank: Int {
        switch self {
        case .a: return 0
        case .b: return 1
        case .c: return 2
        case .d: return 3
        }
    }
    /// A is the greatest grade.
    public static func < (lhs: Grade, rhs: Grade) -> Bool { lhs.rank > rhs.rank }
}

// MARK: Engagement

public struct EngagementSection: Sendable, Hashable, Codable {
    /// Score groups: `main` always exists and drives temperature and priority; others run in parallel
    /// (e.g. one per product line), each with its own half-life and thresholds.
    public var groups: [ScoreGroup]
    public var rules: [EngagementRule]

    public init(groups: [ScoreGroup], rules: [EngagementRule]) {
        self.groups = groups
        self.rules = rules
    }

    public static let mainGroup = "main"
    public var main: ScoreGroup { groups.first { $0.id == Self.mainGroup }! }
    public func group(_ id: String) -> ScoreGroup? { groups.first { $0.id == id } }
}

public struct ScoreGroup: Sendable, Hashable, Codable {
    public var id: String
    public var halfLife: TimeSpan
    public var temperature: TemperatureThresholds
    public init(id: String, halfLife: TimeSpan, temperature: TemperatureThresholds) {
        self.id = id
        self.halfLife = halfLife
        self.temperature = temperature
    }
}

/// Engagement at or above `hot` is hot, at or above `warm` warm, else cold.
public struct TemperatureThresholds: Sendable, Hashable, Codable {
    public var hot: Double
    public var warm: Double
    public init(hot: Double, warm: Double) {
        self.hot = hot
        self.warm = warm
    }
    public func temperature(for score: Double) -> Temperature {
        score >= hot ? .hot : score >= warm ? .warm : .cold
    }
}

public enum Temperature: String, Sendable, Hashable, Codable, CaseIterable {
    /// A temperature as screens print it, in any case (`HOT`, `warm`); nil otherwise.
    public init?(text: String) { self.init(rawValue: text.lowercased()) }

    case hot, warm, cold
    public var rank: Int {
        switch self {
        case .hot: return 0
        case .warm: return 1
        case .cold: return 2
        }
    }
}

public struct EngagementRule: Sendable, Hashable, Codable {
    public var id: RuleID
    public var on: String
    public var conditions: [PropertyCondition]
    public var points: Int
    /// Score only the first matching event.
    public var once: Bool
    public var cap: Cap?
    public var group: String

    public init(id: RuleID, on: String, conditions: [PropertyCondition] = [], points: Int, once: Bool = false,
                cap: Cap? = nil, group: String = EngagementSection.mainGroup) {
        self.id = id
        self.on = on
        self.conditions = conditions
        self.points = points
        self.once = once
        self.cap = cap
        self.group = group
    }
}

public struct PropertyCondition: Sendable, Hashable, Codable {
    public var property: String
    public var test: ValueTest
    public init(property: String, test: ValueTest) {
        self.property = property
        self.test = test
    }
}

/// At most `points` (in absolute value) from one rule per window of length `per`. A window opens at the first event
/// the rule scores and lasts `per`; the next scored event after it opens a new one.
public struct Cap: Sendable, Hashable, Codable {
    public var points: Int
    public var per: TimeSpan
    public init(points: Int, per: TimeSpan) {
        self.points = points
        self.per = per
    }
}

// MARK: Stages

public struct StageRule: Sendable, Hashable, Codable {
    public var stage: Stage
    public var when: Criterion
    public init(stage: Stage, when: Criterion) {
        self.stage = stage
        self.when = when
    }
}

/// A stage criterion, built from events, event counts, grade, fit and engagement.
public indirect enum Criterion: Sendable, Hashable, Codable {
    /// the lead did an event of this type (matching the conditions) since its last recycle
    case event(String, [PropertyCondition])
    /// the lead did events of these types at least `atLeast` times in all since its last recycle
    case count(of: [String], atLeast: Int)
    case grade(atLeast: Grade)
    case fit(atLeast: Int)
    case engagement(atLeast: Double, group: String)
    case any([Criterion])
    case all([Criterion])
}

// MARK: Imports

/// A CRM's own stage for a lead — HubSpot's Lifecycle Stage and Lead Status, Salesforce's Lead Status — read from the
/// lead's fields: when one of ``fields`` takes a value the table maps, the lead moves to that stage (an imported stage
/// move, recorded with the field, value and source), as far as ``Stage/allowsImportedMove(to:)`` allows.
public struct ImportSection: Sendable, Hashable, Codable {
    /// The lead fields that carry a CRM stage, e.g. `lifecycle_stage`, `lead_status`.
    public var fields: [String]
    /// CRM value → stage, keyed by ``key(_:)`` (case, spaces and punctuation ignored: `Marketing Qualified Lead` and
    /// HubSpot's internal `marketingqualifiedlead` are one value).
    public var stages: [String: Stage]
    public init(fields: [String], stages: [String: Stage]) {
        self.fields = fields
        self.stages = stages
    }

    /// A CRM value as the table matches it: lowercase letters and digits only.
    public static func key(_ value: String) -> String {
        String(value.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }.map(Character.init))
    }

    /// The stage a CRM value maps to, if any.
    public func stage(for value: String) -> Stage? { stages[Self.key(value)] }
}
