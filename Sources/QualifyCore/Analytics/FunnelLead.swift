/// One lead as the funnel sees it: when it arrived (its first event), the stage moves the event log gave it, and the
/// value of the attribute the report groups by. Built by the store from its stage history, which replays rewrite —
/// so the funnel of a changed model agrees with a replay.
public struct FunnelLead: Sendable, Hashable {
    public var arrivedAt: Timestamp
    /// Every stage move, oldest first.
    public var moves: [Move]
    /// The value `--by` groups on (a field, the owner, the grade; nil when the lead has none).
    public var group: String?

    public struct Move: Sendable, Hashable {
        public var from: Stage
        public var to: Stage
        public var at: Timestamp
        /// As the stage history records it: `lose [price]: went with a competitor` for a person's move, the rule for
        /// the model's.
        public var reason: String

        public init(from: Stage, to: Stage, at: Timestamp, reason: String) {
            self.from = from
            self.to = to
            self.at = at
            self.reason = reason
        }
    }

    public init(arrivedAt: Timestamp, moves: [Move], group: String? = nil) {
        self.arrivedAt = arrivedAt
        self.moves = moves
        self.group = group
    }
}

/// How a funnel report is cut: the window of arrivals and stage entries it counts, what it groups by, the cohort
/// horizons.
public struct FunnelOptions: Sendable, Hashable {
    /// Stage entries (and arrivals) from this time on count; nil: from the first.
    public var from: Timestamp?
    /// The report's "now": moves at or after it are not seen (as if the report ran then).
    public var to: Timestamp
    /// Days after arrival within which a cohort's leads are counted as reaching SQL and customer.
    public var horizons: [Int]

    public init(from: Timestamp? = nil, to: Timestamp, horizons: [Int] = [30, 60, 90]) {
        self.from = from
        self.to = to
        self.horizons = horizons
    }

    func inWindow(_ t: Timestamp) -> Bool { (from.map { t >= $0 } ?? true) && t < to }

    /// The end of a report run now: everything up to and including this millisecond is seen.
    public static func end(now: Timestamp) -> Timestamp { Timestamp(millis: now.millis + 1) }
}

extension Stage {
    /// The funnel's stages in order: where a lead can stand on the way to becoming a customer.
    public static let funnel: [Stage] = [.new, .iql, .mql, .sql, .opportunity, .customer]
}

/// A share with its 95 % Wilson score interval: how sure a rate of `successes / trials` is.
public struct Proportion: Sendable, Hashable, Codable {
    public var successes: Int
    public var trials: Int
    public var rate: Double?
    public var low: Double?
    public var high: Double?

    public init(_ successes: Int, of trials: Int) {
        self.successes = successes
        self.trials = trials
        guard trials > 0 else { return }
        let n = Double(trials), p = Double(successes) / n, z = 1.959963984540054
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / denominator
        rate = p
        low = max(0, centre - half)
        high = min(1, centre + half)
    }

    /// `12.5 % (9.1–16.8)` or `—` with no trials.
    public var text: String {
        guard let rate, let low, let high else { return "—" }
        return "\((rate * 100).formatted(1)) % (\((low * 100).formatted(1))–\((high * 100).formatted(1)))"
    }
}

/// What a funnel report puts side by side: a lead field (`lead_source`, `industry`, any field imported or posted),
/// the owner, the grade, or the month the lead arrived.
public enum FunnelGroup: Sendable, Hashable {
    case field(String)
    case owner
    case grade
    case month

    /// `lead_source`, `grade`, `owner`, `month` or any field name; nil for an empty name or one with a quote or a
    /// backslash (no field is named so).
    public init?(text: String) {
        let name = text.trimmingSpaces
        switch name.lowercased() {
        case "owner": self = .owner
        case "grade": self = .grade
        case "month": self = .month
        default:
            guard !name.isEmpty, !name.contains("\""), !name.contains("\\") else { return nil }
            self = .field(name)
        }
    }

    public var name: String {
        switch self {
        case .field(let name): return name
        case .owner: return "owner"
        case .grade: return "grade"
        case .month: return "month"
        }
    }
}
