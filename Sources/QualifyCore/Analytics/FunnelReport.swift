/// How leads move through the funnel in a window: how many entered each stage, how many of those went further, how
/// long they stayed, who is stuck, why leads left (recycled, rejected, lost, disqualified, with reason codes), how
/// each month's arrivals fared within 30/60/90 days, and the same rates side by side per group with 95 % intervals.
public struct FunnelReport: Sendable, Hashable, Codable {
    public var from: Timestamp?
    public var to: Timestamp
    /// Leads that arrived in the window.
    public var arrivals: Int
    public var stages: [StageRow]
    public var exits: [ExitRow]
    public var cohorts: [CohortRow]
    public var horizons: [Int]
    /// What `groups` is grouped by (nil: not grouped).
    public var groupedBy: String?
    public var groups: [GroupRow]

    public struct StageRow: Sendable, Hashable, Codable {
        public var stage: Stage
        /// Leads that entered the stage in the window (each lead once, at its first entry there).
        public var entered: Int
        /// Of those, the share that later reached a further stage (skipping counts: new → SQL advances new).
        public var advanced: Proportion
        /// Stays that began in the window and ended (the lead moved on, back or out): how long, in days.
        public var finishedStays: Int
        public var medianDays: Double?
        public var p90Days: Double?
        /// Stays that began in the window and had not ended at `to` …
        public var stillThere: Int
        /// … of which longer than the p90 of the finished ones: stalled.
        public var stalled: Int
    }

    /// Leads sent out of the funnel in the window, by the person's action and reason code.
    public struct ExitRow: Sendable, Hashable, Codable {
        /// recycled or disqualified
        public var to: Stage
        /// The action recorded (`lose`, `reject`, `recycle`, `disqualify`), or `other` (an import, an older record).
        public var action: String
        public var code: String?
        public var count: Int
    }

    /// The leads that arrived in one month (UTC), and the share that reached SQL and customer within each horizon.
    /// A horizon that has not fully passed for the month's last arrivals at `to` has no share yet.
    public struct CohortRow: Sendable, Hashable, Codable {
        public var month: String
        public var arrivals: Int
        /// One per horizon, in order.
        public var reachedSQL: [Proportion?]
        public var reachedCustomer: [Proportion?]
    }

    /// The leads of one group value that arrived in the window, and the share that reached each stage since.
    public struct GroupRow: Sendable, Hashable, Codable {
        public var value: String
        public var arrivals: Int
        /// IQL, MQL, SQL, opportunity, customer — in that order.
        public var reached: [StageShare]
    }

    public struct StageShare: Sendable, Hashable, Codable {
        public var stage: Stage
        public var share: Proportion
    }
}

/// Builds a ``FunnelReport`` one lead at a time (the store pages through its leads): counts, plus one duration per
/// stay for the medians and p90s.
public struct FunnelTally: Sendable {
    public let options: FunnelOptions
    public let groupedBy: String?
    private var arrivals = 0
    private var entered = [Int](repeating: 0, count: Stage.funnel.count)
    private var advanced = [Int](repeating: 0, count: Stage.funnel.count)
    private var stays = [[Double]](repeating: [], count: Stage.funnel.count)
    private var open = [[Double]](repeating: [], count: Stage.funnel.count)
    private var exits: [FunnelReport.ExitRow] = []
    private var exitIndex: [String: Int] = [:]
    private var cohorts: [String: Cohort] = [:]
    private var groups: [String: [Int]] = [:]  // arrivals, then reached per stage after new

    struct Cohort: Sendable {
        var arrivals = 0
        var sql: [Int]
        var customer: [Int]
    }

    public init(options: FunnelOptions, groupedBy: String? = nil) {
        self.options = options
        self.groupedBy = groupedBy
    }

    static func rank(_ stage: Stage) -> Int? { Stage.funnel.firstIndex(of: stage) }
    static let day = 86_400_000.0

    public mutating func add(_ lead: FunnelLead) {
        let o = options
        guard lead.arrivedAt < o.to else { return }
        var entries: [(stage: Stage, at: Timestamp)] = [(.new, lead.arrivedAt)]
        for move in lead.moves where move.at < o.to { entries.append((move.to, move.at)) }
        entries.sort { $0.at < $1.at }  // stable: moves at one instant keep their order
        for (s, stage) in Stage.funnel.enumerated() {
            var counted = false
            for (i, entry) in entries.enumerated() where entry.stage == stage && o.inWindow(entry.at) {
                if !counted {
                    counted = true
                    entered[s] += 1
                    if entries[(i + 1)...].contains(where: { (Self.rank($0.stage) ?? -1) > s }) { advanced[s] += 1 }
                }
                if i + 1 < entries.count {
                    stays[s].append(Double(entries[i + 1].at.millis - entry.at.millis) / Self.day)
                } else {
                    open[s].append(Double(o.to.millis - entry.at.millis) / Self.day)
                }
            }
        }
        for move in lead.moves where (move.to == .recycled || move.to == .disqualified) && o.inWindow(move.at) {
            let (action, code) = Self.parse(move.reason)
            let key = "\(move.to.rawValue)|\(action)|\(code ?? "")"
            if let i = exitIndex[key] {
                exits[i].count += 1
            } else {
                exitIndex[key] = exits.count
                exits.append(.init(to: move.to, action: action, code: code, count: 1))
            }
        }
        guard o.inWindow(lead.arrivedAt) else { return }
        arrivals += 1
        // The first time each stage (or a later one) was reached.
        var reachedAt = [Timestamp?](repeating: nil, count: Stage.funnel.count)
        for entry in entries {
            guard let r = Self.rank(entry.stage) else { continue }
            for s in 0...r where reachedAt[s] == nil { reachedAt[s] = entry.at }
        }
        let month = String(lead.arrivedAt.isoDate.prefix(7))
        var cohort = cohorts[month] ?? Cohort(sql: Array(repeating: 0, count: o.horizons.count),
                                             customer: Array(repeating: 0, count: o.horizons.count))
        cohort.arrivals += 1
        for (h, days) in o.horizons.enumerated() {
            let limit = lead.arrivedAt.millis + Int64(days) * 86_400_000
            if let at = reachedAt[3], at.millis <= limit { cohort.sql[h] += 1 }
            if let at = reachedAt[5], at.millis <= limit { cohort.customer[h] += 1 }
        }
        cohorts[month] = cohort
        if groupedBy != nil {
            let value = lead.group.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)"
            var row = groups[value] ?? [Int](repeating: 0, count: Stage.funnel.count)
            row[0] += 1
            for s in 1..<Stage.funnel.count where reachedAt[s] != nil { row[s] += 1 }
            groups[value] = row
        }
    }

    /// `lose [price]: went with a competitor` → (`lose`, `price`); a reason that names no action → `other`.
    static func parse(_ reason: String) -> (action: String, code: String?) {
        for action in StageAction.allCases {
            let name = action.rawValue
            guard reason.hasPrefix(name) else { continue }
            let rest = reason.dropFirst(name.count)
            if rest.hasPrefix(":") { return (name, nil) }
            if rest.hasPrefix(" ["), let close = rest.firstIndex(of: "]") {
                let code = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close])
                return (name, code.isEmpty ? nil : code)
            }
        }
        return ("other", nil)
    }

    public func report() -> FunnelReport {
        let o = options
        var stageRows: [FunnelReport.StageRow] = []
        for (s, stage) in Stage.funnel.enumerated() {
            let finished = stays[s].sorted()
            let p90 = Self.percentile(finished, 0.9)
            stageRows.append(.init(stage: stage, entered: entered[s], advanced: Proportion(advanced[s], of: entered[s]),
                                   finishedStays: finished.count, medianDays: Self.percentile(finished, 0.5), p90Days: p90,
                                   stillThere: open[s].count, stalled: p90.map { p in open[s].filter { $0 > p }.count } ?? 0))
        }
        let cohortRows = cohorts.keys.sorted().map { month -> FunnelReport.CohortRow in
            let c = cohorts[month]!
            let end = Self.monthEnd(month)
            func share(_ counts: [Int]) -> [Proportion?] {
                o.horizons.enumerated().map { h, days in
                    end.millis + Int64(days) * 86_400_000 <= o.to.millis ? Proportion(counts[h], of: c.arrivals) : nil
                }
            }
            return .init(month: month, arrivals: c.arrivals, reachedSQL: share(c.sql), reachedCustomer: share(c.customer))
        }
        let groupRows = groups.sorted { $0.value[0] != $1.value[0] ? $0.value[0] > $1.value[0] : $0.key < $1.key }.map { value, row in
            FunnelReport.GroupRow(value: value, arrivals: row[0], reached: (1..<Stage.funnel.count).map {
                .init(stage: Stage.funnel[$0], share: Proportion(row[$0], of: row[0]))
            })
        }
        return FunnelReport(from: o.from, to: o.to, arrivals: arrivals, stages: stageRows,
                            exits: exits.sorted { $0.count != $1.count ? $0.count > $1.count : ($0.to.rawValue, $0.action, $0.code ?? "") < ($1.to.rawValue, $1.action, $1.code ?? "") },
                            cohorts: cohortRows, horizons: o.horizons, groupedBy: groupedBy, groups: groupRows)
    }

    /// Nearest rank: the smallest value with at least `q` of the values at or below it.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The first instant of the month after `YYYY-MM` (UTC).
    static func monthEnd(_ month: String) -> Timestamp {
        let parts = month.split(separator: "-").compactMap { Int64($0) }
        guard parts.count == 2 else { return Timestamp(millis: 0) }
        let (y, m) = parts[1] == 12 ? (parts[0] + 1, Int64(1)) : (parts[0], parts[1] + 1)
        return Timestamp(millis: Timestamp.days(fromCivil: y, m, 1) * 86_400_000)
    }
}
