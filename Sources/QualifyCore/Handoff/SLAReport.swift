/// How the hand-off went, per salesperson and for the team: leads routed or given to them, how long to the first
/// touch (median and 90th percentile, in hours of plain time), the share touched within the SLA, escalations. Built
/// from the hand-off's events of every lead (assignments, escalations, people's stage moves, sales activities).
public struct SLAReport: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        /// A person's id, or `team`.
        public var who: String
        public var assigned: Int
        public var touched: Int
        /// Touched by the due time (of those with an SLA).
        public var withinSLA: Int
        /// Assignments the SLA has judged: touched, or untouched past their due time (the routing stage's SLA).
        public var withSLA: Int
        public var medianHoursToTouch: Double?
        public var p90HoursToTouch: Double?
        public var escalations: Int

        /// The share touched within the SLA, of the assignments it applied to.
        public var withinShare: Double? { withSLA == 0 ? nil : Double(withinSLA) / Double(withSLA) }
    }

    public var rows: [Row]

    struct Tally {
        var assigned = 0, touched = 0, within = 0, withSLA = 0, escalations = 0
        var hours: [Double] = []
    }

    /// `events`: every lead's hand-off events in log order (any interleaving of leads). The SLA for an assignment is the
    /// model's for its routing stage (SQL unless `routing.on` says otherwise), in the owner's calendar.
    /// An assignment never touched counts against the SLA once its due time has passed by `now` (or another
    /// assignment replaced it); before that it is not counted yet.
    public static func build(_ events: [Event], handoff: HandoffSection?, zone: (String) -> (any ZoneRules)?, now: Timestamp) -> SLAReport {
        let stage = handoff?.routing?.on ?? .sql
        let sla = handoff?.sla.first { $0.stage == stage }
        var byLead: [LeadKey: [Event]] = [:]
        for event in events { byLead[event.lead, default: []].append(event) }
        var tallies: [String: Tally] = [:]
        func due(_ owner: String, _ at: Timestamp) -> Timestamp? {
            sla.map { SLAClock.after($0.within, from: at, owner: owner, handoff: handoff, zone: zone) }
        }
        /// An assignment ending untouched (replaced, or still open): a miss once its due time has passed.
        func closeUntouched(_ c: (owner: String, at: Timestamp, touched: Bool)?, replaced: Bool) {
            guard let c, !c.touched, let due = due(c.owner, c.at) else { return }
            if replaced || due <= now { tallies[c.owner, default: Tally()].withSLA += 1 }
        }
        for (_, log) in byLead {
            var current: (owner: String, at: Timestamp, touched: Bool)?
            for event in log.sorted(by: { $0.order < $1.order }) {
                switch event.kind {
                case .assignment(let owner, _, _):
                    closeUntouched(current, replaced: true)
                    current = (owner, event.at, false)
                    tallies[owner, default: Tally()].assigned += 1
                case .escalation:
                    if let c = current { tallies[c.owner, default: Tally()].escalations += 1 }
                case .activity(let type, _) where SalesActivity(eventType: type) == nil:
                    continue
                case .stageMove, .activity:
                    guard let c = current, !c.touched, event.at >= c.at else { continue }
                    current?.touched = true
                    var t = tallies[c.owner, default: Tally()]
                    t.touched += 1
                    t.hours.append(Double(event.at.millis - c.at.millis) / 3_600_000)
                    if let due = due(c.owner, c.at) {
                        t.withSLA += 1
                        if event.at <= due { t.within += 1 }
                    }
                    tallies[c.owner] = t
                case .fieldsUpdate:
                    continue
                }
            }
            closeUntouched(current, replaced: false)
        }
        var team = Tally()
        var rows: [Row] = []
        for (owner, t) in tallies.sorted(by: { $0.key < $1.key }) {
            rows.append(row(owner, t))
            team.assigned += t.assigned
            team.touched += t.touched
            team.within += t.within
            team.withSLA += t.withSLA
            team.escalations += t.escalations
            team.hours += t.hours
        }
        rows.append(row("team", team))
        return SLAReport(rows: rows)
    }

    static func row(_ who: String, _ t: Tally) -> Row {
        let sorted = t.hours.sorted()
        // nearest rank: the smallest value with at least q of the values at or below it
        func quantile(_ q: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let i = max(0, min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1))
            return (sorted[i] * 100).rounded() / 100
        }
        return Row(who: who, assigned: t.assigned, touched: t.touched, withinSLA: t.within, withSLA: t.withSLA,
                   medianHoursToTouch: quantile(0.5), p90HoursToTouch: quantile(0.9), escalations: t.escalations)
    }
}
