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
        /// Assignments an SLA applied to (the owner's SLA for the routing stage).
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
    public static func build(_ events: [Event], handoff: HandoffSection?, zone: (String) -> (any ZoneRules)?) -> SLAReport {
        let stage = handoff?.routing?.on ?? .sql
        let sla = handoff?.sla.first { $0.stage == stage }
        var byLead: [LeadKey: [Event]] = [:]
        for event in events { byLead[event.lead, default: []].append(event) }
        var tallies: [String: Tally] = [:]
        for (_, log) in byLead {
            var current: (owner: String, at: Timestamp, touched: Bool)?
            for event in log.sorted(by: { $0.order < $1.order }) {
                switch event.kind {
                case .assignment(let owner, _, _):
                    current = (owner, event.at, false)
                    tallies[owner, default: Tally()].assigned += 1
                case .escalation:
                    if let c = current { tallies[c.owner, default: Tally()].escalations += 1 }
                case .stageMove, .activity:
                    guard let c = current, !c.touched, event.at >= c.at else { continue }
                    current?.touched = true
                    var t = tallies[c.owner, default: Tally()]
                    t.touched += 1
                    t.hours.append(Double(event.at.millis - c.at.millis) / 3_600_000)
                    if let sla {
                        let calendar = handoff?.person(c.owner)?.calendar
                        let due = calendar.flatMap { cal in zone(cal.zone).map { cal.adding(sla.within, to: c.at, zone: $0) } }
                            ?? c.at.adding(sla.within)
                        if event.at <= due { t.within += 1 }
                    }
                    tallies[c.owner] = t
                case .fieldsUpdate:
                    continue
                }
            }
        }
        // every assignment counts against the SLA, touched or not
        for (owner, _) in tallies where sla != nil {
            tallies[owner]!.withSLA = tallies[owner]!.assigned
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
        func quantile(_ q: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let i = min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))
            return (sorted[i] * 100).rounded() / 100
        }
        return Row(who: who, assigned: t.assigned, touched: t.touched, withinSLA: t.within, withSLA: t.withSLA,
                   medianHoursToTouch: quantile(0.5), p90HoursToTouch: quantile(0.9), escalations: t.escalations)
    }
}
