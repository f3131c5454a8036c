/// The hand-off part of a model, agreed by marketing and sales: who sells (`team`), which salesperson gets which lead
/// (`routing`), how fast they must act (`sla`) and the reason codes for sending a lead back (`reasons`).
public struct HandoffSection: Sendable, Hashable, Codable {
    public var team: [Person]
    public var routing: RoutingSection?
    public var sla: [StageSLA]
    /// Reason codes per action (`reject`, `lose`, `disqualify`); an action listed here needs one of its codes.
    public var reasons: [StageAction: [String]]

    public init(team: [Person], routing: RoutingSection?, sla: [StageSLA], reasons: [StageAction: [String]]) {
        self.team = team
        self.routing = routing
        self.sla = sla
        self.reasons = reasons
    }

    public func person(_ id: String) -> Person? { team.first { $0.id == id } }
}

public struct Person: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var email: String?
    /// The person escalations go to (another person's id).
    public var manager: String?
    /// How many open leads (routed, not yet won, lost or sent back) they can hold; nil: no limit.
    public var capacity: Int?
    /// When they work; nil: around the clock (an SLA runs in plain time).
    public var calendar: WorkingCalendar?
    /// Away (holiday, leave): skipped by routing until set back.
    public var away: Bool

    public init(id: String, name: String, email: String? = nil, manager: String? = nil, capacity: Int? = nil,
                calendar: WorkingCalendar? = nil, away: Bool = false) {
        self.id = id
        self.name = name
        self.email = email
        self.manager = manager
        self.capacity = capacity
        self.calendar = calendar
        self.away = away
    }
}

public enum RoutingMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// each member in turn
    case roundRobin = "round_robin"
    /// the member with the fewest open leads against their capacity
    case leastLoaded = "least_loaded"
    /// in turn, each member as often as their weight
    case weighted
}

/// A group of people a rule can send leads to, and how it picks one.
public struct Pool: Sendable, Hashable, Codable {
    public var id: String
    public var members: [String]
    public var method: RoutingMethod
    /// Per member, for ``RoutingMethod/weighted`` (1 when absent).
    public var weights: [String: Int]

    public init(id: String, members: [String], method: RoutingMethod, weights: [String: Int] = [:]) {
        self.id = id
        self.members = members
        self.method = method
        self.weights = weights
    }

    /// The order of turns, one cycle: each member once (round robin), or as often as their weight, spread out
    /// (smooth weighted round robin: weights 3, 1 give a a b a, not a a a b).
    public var turns: [String] {
        guard method == .weighted else { return members }
        let weight = members.map { max(1, weights[$0] ?? 1) }
        let total = weight.reduce(0, +)
        var current = Array(repeating: 0, count: members.count)
        var out: [String] = []
        out.reserveCapacity(total)
        for _ in 0..<total {
            for i in members.indices { current[i] += weight[i] }
            let pick = current.indices.max { current[$0] < current[$1] || (current[$0] == current[$1] && $0 > $1) }!
            current[pick] -= total
            out.append(members[pick])
        }
        return out
    }
}

public struct RoutingRule: Sendable, Hashable, Codable {
    public var id: RuleID
    /// A condition on who the lead is, as in fit rules; nil: any lead.
    public var when: FieldCondition?
    /// Only leads of these grades; nil: any grade.
    public var grades: [Grade]?
    /// A person's id or a pool's id.
    public var to: String

    public init(id: RuleID, when: FieldCondition?, grades: [Grade]?, to: String) {
        self.id = id
        self.when = when
        self.grades = grades
        self.to = to
    }
}

public struct RoutingSection: Sendable, Hashable, Codable {
    /// The stage whose entry routes a lead (default SQL).
    public var on: Stage
    /// A lead whose account already has an owner goes to that owner (if they can take it).
    public var stickyAccount: Bool
    public var pools: [Pool]
    /// Tried in order; the first that matches and finds someone decides.
    public var rules: [RoutingRule]
    /// A person or pool for a lead no rule places (or whose rule's people are all full or away).
    public var fallback: String

    public init(on: Stage = .sql, stickyAccount: Bool = false, pools: [Pool], rules: [RoutingRule], fallback: String) {
        self.on = on
        self.stickyAccount = stickyAccount
        self.pools = pools
        self.rules = rules
        self.fallback = fallback
    }

    public func pool(_ id: String) -> Pool? { pools.first { $0.id == id } }

    /// Whether routing can give a lead to this person (a rule's or the fallback's person, or a pool's member).
    public func canReceive(_ person: String) -> Bool {
        fallback == person || rules.contains { $0.to == person } || pools.contains { $0.members.contains(person) }
    }
}

/// How fast a lead in a stage must be acted on, and what happens when it is not.
public struct StageSLA: Sendable, Hashable, Codable {
    public var stage: Stage
    /// Working time (in the owner's calendar) from routing to the first touch (accept, reject or a logged activity).
    public var within: TimeSpan
    /// Each step fires once, this long (working time) after the due time.
    public var escalate: [EscalationStep]

    public init(stage: Stage, within: TimeSpan, escalate: [EscalationStep]) {
        self.stage = stage
        self.within = within
        self.escalate = escalate
    }
}

public struct EscalationStep: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// remind the owner
        case remind
        /// tell the owner's manager
        case tellManager = "tell_manager"
        /// give the lead to someone else, decided as routing decides (the late owner taken as away)
        case reassign
    }
    public var after: TimeSpan
    public var action: Action

    public init(after: TimeSpan, action: Action) {
        self.after = after
        self.action = action
    }
}
