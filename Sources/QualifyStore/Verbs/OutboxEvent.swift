import QualifyCore

/// What an outbox message announces, as a typed value: encoded to the stored `kind` and `payload` here and only
/// here, and decoded back by whoever reads the outbox (metrics, delivery).
public enum OutboxEvent: Sendable, Hashable {
    /// A lead moved from one stage to another (automatically or by a person), with the reason; `outcome` is set when
    /// the move records a deal's outcome (a person's `win`: true, `lose`: false).
    case stageChanged(lead: String, change: StageChange, outcome: Bool?)
    /// A lead given to a salesperson (by routing, or a person reassigning it), with why; `event` is the assignment
    /// event in the lead's log.
    case assigned(lead: String, owner: String, reason: String, by: String, at: Timestamp, event: EventID)
    /// The owner did not act by the SLA's due time: escalation step `step` fired (`action`: remind, tell_manager or
    /// reassign), with the person it tells (the owner, or their manager).
    case slaBreached(lead: String, owner: String, step: Int, action: String, due: Timestamp, notify: String?, at: Timestamp)
    /// Step `step` (from 1) of `steps` of the lead's follow-up cadence in `stage` fell due at `due`: its channel, the
    /// offer to make (if any) and the lead's owner (if any).
    case followUpDue(lead: String, stage: Stage, step: Int, steps: Int, channel: String, offer: String?, owner: String?, due: Timestamp,
                     at: Timestamp)

    /// The lead the message is about.
    public var lead: String {
        switch self {
        case .stageChanged(let lead, _, _), .assigned(let lead, _, _, _, _, _), .slaBreached(let lead, _, _, _, _, _, _),
             .followUpDue(let lead, _, _, _, _, _, _, _, _): return lead
        }
    }

    /// The stored `kind` column.
    public var kind: String {
        switch self {
        case .stageChanged: return "stage_changed"
        case .assigned: return "lead_assigned"
        case .slaBreached: return "sla_breached"
        case .followUpDue: return "followup_due"
        }
    }

    /// The stored payload: a flat JSON object of text.
    public var payload: String {
        switch self {
        case .stageChanged(let lead, let change, let outcome):
            var fields = [
                "lead": lead, "from": change.from.rawValue, "to": change.to.rawValue, "at": change.at.iso8601,
                "reason": change.reason, "by": change.by, "event": change.eventID.rawValue,
            ]
            if let outcome { fields["outcome"] = outcome ? "won" : "lost" }
            return FlatJSON.encode(fields)
        case .assigned(let lead, let owner, let reason, let by, let at, let event):
            return FlatJSON.encode(["lead": lead, "owner": owner, "reason": reason, "by": by, "at": at.iso8601, "event": event.rawValue])
        case .slaBreached(let lead, let owner, let step, let action, let due, let notify, let at):
            var p = ["lead": lead, "owner": owner, "step": String(step), "action": action, "due": due.iso8601, "at": at.iso8601]
            if let notify { p["notify"] = notify }
            return FlatJSON.encode(p)
        case .followUpDue(let lead, let stage, let step, let steps, let channel, let offer, let owner, let due, let at):
            var p = ["lead": lead, "stage": stage.rawValue, "step": String(step), "steps": String(steps), "channel": channel,
                     "due": due.iso8601, "at": at.iso8601]
            if let offer { p["offer"] = offer }
            if let owner { p["owner"] = owner }
            return FlatJSON.encode(p)
        }
    }

    /// The event a stored message holds; nil for a kind this build does not know or a payload it cannot read.
    public init?(kind: String, payload: String) {
        guard let p = FlatJSON.decode(payload) else { return nil }
        switch kind {
        case "stage_changed":
            guard let lead = p["lead"], let from = p["from"].flatMap(Stage.init(rawValue:)),
                  let to = p["to"].flatMap(Stage.init(rawValue:)), let at = p["at"].flatMap(Timestamp.init(iso8601:)) else { return nil }
            // messages written before the event id was part of the payload have none
            let outcome: Bool? = p["outcome"] == "won" ? true : p["outcome"] == "lost" ? false : nil
            self = .stageChanged(lead: lead, change: StageChange(from: from, to: to, at: at, eventID: EventID(p["event"] ?? ""),
                                                                 reason: p["reason"] ?? "", by: p["by"] ?? ""), outcome: outcome)
        case "sla_breached":
            guard let lead = p["lead"], let owner = p["owner"], let step = p["step"].flatMap({ Int($0) }), let action = p["action"],
                  let due = p["due"].flatMap(Timestamp.init(iso8601:)), let at = p["at"].flatMap(Timestamp.init(iso8601:)) else { return nil }
            self = .slaBreached(lead: lead, owner: owner, step: step, action: action, due: due, notify: p["notify"], at: at)
        case "followup_due":
            guard let lead = p["lead"], let stage = p["stage"].flatMap(Stage.init(rawValue:)), let step = p["step"].flatMap({ Int($0) }),
                  let steps = p["steps"].flatMap({ Int($0) }), let channel = p["channel"], let due = p["due"].flatMap(Timestamp.init(iso8601:)),
                  let at = p["at"].flatMap(Timestamp.init(iso8601:)) else { return nil }
            self = .followUpDue(lead: lead, stage: stage, step: step, steps: steps, channel: channel, offer: p["offer"], owner: p["owner"],
                                due: due, at: at)
        case "lead_assigned":
            guard let lead = p["lead"], let owner = p["owner"], let at = p["at"].flatMap(Timestamp.init(iso8601:)) else { return nil }
            self = .assigned(lead: lead, owner: owner, reason: p["reason"] ?? "", by: p["by"] ?? "", at: at, event: EventID(p["event"] ?? ""))
        default:
            return nil
        }
    }
}

extension OutboxMessage {
    /// The typed event this message announces (nil for a kind this build does not know).
    public var event: OutboxEvent? { OutboxEvent(kind: kind, payload: payload) }
}
