/// When the owner of a lead must have acted: the model's SLA for the lead's stage (`sla: { sql: { within: 2h } }`),
/// counted in the owner's working calendar from the moment the lead was given to them, until their first touch (a
/// logged activity or a stage move). Decided here once, for the queue's due column and the card.
public enum SLAClock {
    public enum Status: Sendable, Hashable, Codable {
        /// Due at this time (overdue once it has passed).
        case due(Timestamp)
        /// Touched in time, or late (by how much).
        case met(at: Timestamp, due: Timestamp)
        case late(at: Timestamp, due: Timestamp)
    }

    /// `span` of the owner's time after `start`: working time in their calendar, plain time when they have none (or
    /// its zone is unknown, or they are not in the team).
    public static func after(_ span: TimeSpan, from start: Timestamp, owner: String, handoff: HandoffSection?,
                             zone: (String) -> (any ZoneRules)?) -> Timestamp {
        if let calendar = handoff?.person(owner)?.calendar, let rules = zone(calendar.zone) {
            return calendar.adding(span, to: start, zone: rules)
        }
        return start.adding(span)
    }

    /// The lead's SLA status, or nil when no clock runs (no assignment or owner, no SLA for its stage). An owner
    /// without a calendar (or not in the team) is counted in plain time; `zone` gives a calendar's zone rules by name
    /// (nil: unknown, plain time).
    public static func status(of state: LeadState, handoff: HandoffSection?, zone: (String) -> (any ZoneRules)?) -> Status? {
        guard let handoff, let assigned = state.assignedAt, let owner = state.fields["owner"],
              let sla = handoff.sla.first(where: { $0.stage == state.stage }) else { return nil }
        let due = after(sla.within, from: assigned, owner: owner, handoff: handoff, zone: zone)
        guard let touched = state.touchedAt else { return .due(due) }
        return touched <= due ? .met(at: touched, due: due) : .late(at: touched, due: due)
    }

    /// The next escalation step that has not fired, and when it fires: `after` its delay (working time in the owner's
    /// calendar) past the due time, while the clock runs untouched. Nil when every step fired or none applies.
    public static func nextEscalation(of state: LeadState, handoff: HandoffSection?, zone: (String) -> (any ZoneRules)?)
        -> (step: Int, escalation: EscalationStep, at: Timestamp)?
    {
        guard case .due(let due)? = status(of: state, handoff: handoff, zone: zone),
              let sla = handoff?.sla.first(where: { $0.stage == state.stage }), state.escalations < sla.escalate.count else { return nil }
        let step = sla.escalate[state.escalations]
        let at = after(step.after, from: due, owner: state.fields["owner"] ?? "", handoff: handoff, zone: zone)
        return (state.escalations, step, at)
    }

    /// The time the queue orders and filters by: the due time while the clock runs, else nil.
    public static func dueAt(_ state: LeadState, handoff: HandoffSection?, zone: (String) -> (any ZoneRules)?) -> Timestamp? {
        if case .due(let at)? = status(of: state, handoff: handoff, zone: zone) { return at }
        return nil
    }
}
