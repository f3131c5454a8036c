#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the engine knows about one lead under one model: a fold of its events (see ``Engine``).
public struct LeadState: Sendable, Hashable, Codable {
    public var key: LeadKey
    public var fields: [String: String]
    /// Fit points held per matching fit rule; their sum is ``fitPoints``.
    public var fitMatches: [RuleID: Int]
    public var fitPoints: Int
    public var grade: Grade
    /// Engagement per score group, exact: the value at the group's last change.
    public var groups: [String: GroupScore]
    /// Engagement earned since the last recycle, per group: what stage criteria look at, so a recycled lead must
    /// show new interest before the model qualifies it again (its score and temperature still count everything).
    public var cycleGroups: [String: GroupScore]
    public var onceFired: Set<RuleID>
    public var capWindows: [RuleID: CapWindow]
    /// Events per activity type since the last recycle (stage criteria count these).
    public var typeCounts: [String: Int]
    /// Indexes of the model's `event` criteria that some event satisfied since the last recycle.
    public var satisfiedEventCriteria: Set<Int>
    public var stage: Stage
    /// Follow-ups and offers (``Nurture``).
    public var nurture = NurtureState()
    public var stageHistory: [StageChange]
    public var last: EventOrder?
    public var eventCount: Int
    public var firstSeen: Timestamp?
    /// The time of the latest activity (not field updates or stage moves).
    public var lastActivity: Timestamp?
    /// Whether fit has been evaluated yet (on the first event of any kind).
    public var fitEvaluated: Bool
    /// When the lead was last given to its owner (an assignment event: routing or a person); the SLA clock runs from
    /// here (``SLAClock``).
    public var assignedAt: Timestamp?
    /// The owner's first touch since then: a logged sales activity or a person's stage move. Stops the SLA clock.
    public var touchedAt: Timestamp?
    /// How many escalation steps have fired since the current assignment.
    public var escalations: Int = 0

    public init(key: LeadKey) {
        self.key = key
        fields = [:]
        fitMatches = [:]
        fitPoints = 0
        grade = .d
        groups = [:]
        cycleGroups = [:]
        onceFired = []
        capWindows = [:]
        typeCounts = [:]
        satisfiedEventCriteria = []
        stage = .new
        stageHistory = []
        last = nil
        eventCount = 0
        firstSeen = nil
        lastActivity = nil
        fitEvaluated = false
    }

    /// Engagement of a group at `now`, decayed from its last change.
    public func engagement(_ group: String = EngagementSection.mainGroup, at now: Timestamp, halfLife: TimeSpan) -> Double {
        guard let score = groups[group] else { return 0 }
        return score.value(at: now, halfLife: halfLife)
    }
}

/// A group's engagement: `value` points at time `at`, halving every half-life after it.
public struct GroupScore: Sendable, Hashable, Codable {
    public var value: Double
    public var at: Timestamp
    public init(value: Double, at: Timestamp) {
        self.value = value
        self.at = at
    }

    public func value(at now: Timestamp, halfLife: TimeSpan) -> Double {
        Decay.factor(from: at, to: now, halfLife: halfLife) * value
    }

    /// The amplitude relative to ``Decay/epoch``: ordering leads by it orders them by engagement at any common time.
    public func amplitude(halfLife: TimeSpan) -> Double {
        value * Decay.factor(from: Decay.epoch, to: at, halfLife: halfLife).reciprocal
    }
}

public struct CapWindow: Sendable, Hashable, Codable {
    public var start: Timestamp
    public var used: Int
    public init(start: Timestamp, used: Int) {
        self.start = start
        self.used = used
    }
}

/// Exponential decay by half-life, and the amplitude idea: with a shared epoch `t0`, a score `s` at time `t` has
/// amplitude `s·2^((t−t0)/h)`; the score at `now` is `A·2^(−(now−t0)/h)`. Every lead shares `t0`, so ordering by
/// amplitude is ordering by current engagement, in an index, with no batch job.
public enum Decay {
    /// 2024-01-01T00:00:00Z. With a half-life of a day, amplitudes stay finite for ~2.7 years either side; with 30 days
    /// for ~80 years (a `Double` holds 2^1023).
    public static let epoch = Timestamp(millis: 1_704_067_200_000)

    /// `2^(−(to−from)/h)`: what one point at `from` is worth at `to`.
    public static func factor(from: Timestamp, to: Timestamp, halfLife: TimeSpan) -> Double {
        if from == to { return 1 }
        return exp2(-Double(to.millis - from.millis) / Double(halfLife.millis))
    }
}

extension Double {
    var reciprocal: Double { 1 / self }
}

