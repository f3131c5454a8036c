import QualifyCore

/// The stored form of events, shared by every store: activities keep their type and properties; fields updates, stage
/// moves and assignments are rows of reserved types (`$fields`, `$stage`, `$assign`) whose properties carry their
/// content.
public enum StoredEventCodec {
    public static func properties(of event: Event) -> String {
        switch event.kind {
        case .activity(_, let properties): return FlatJSON.encode(properties)
        case .fieldsUpdate(let fields, let source):
            var p = fields
            p["$source"] = source
            return FlatJSON.encode(p)
        case .stageMove(let action, let reason, let by, let code):
            var p = ["action": action.rawValue, "reason": reason, "by": by]
            if let code { p["code"] = code }
            return FlatJSON.encode(p)
        case .assignment(let owner, let reason, let by):
            return FlatJSON.encode(["owner": owner, "reason": reason, "by": by])
        case .escalation(let step, let action, let note, let assigned):
            return FlatJSON.encode(["step": String(step), "action": action.rawValue, "note": note, "assigned": String(assigned.millis)])
        }
    }

    public static func event(id: String, lead: LeadKey, type: String, at: Int64, properties: String) throws -> Event {
        guard var p = FlatJSON.decode(properties) else {
            throw StoreError.corrupt("properties of event '\(id)' are not a JSON object of text")
        }
        let kind: Event.Kind
        switch type {
        case Event.fieldsUpdateType:
            let source = p.removeValue(forKey: "$source") ?? ""
            kind = .fieldsUpdate(fields: p, source: source)
        case Event.stageMoveType:
            guard let action = p["action"].flatMap(StageAction.init(rawValue:)) else {
                throw StoreError.corrupt("stage move '\(id)' has no valid action")
            }
            kind = .stageMove(action: action, reason: p["reason"] ?? "", by: p["by"] ?? "", code: p["code"])
        case Event.escalationType:
            guard let step = p["step"].flatMap({ Int($0) }), (0..<1_000).contains(step),
                  let action = p["action"].flatMap(EscalationStep.Action.init(rawValue:)),
                  let assigned = p["assigned"].flatMap({ Int64($0) }) else {
                throw StoreError.corrupt("escalation '\(id)' has no valid step, action or assignment time")
            }
            kind = .escalation(step: step, action: action, note: p["note"] ?? "", assigned: Timestamp(millis: assigned))
        case Event.assignmentType:
            guard let owner = p["owner"], !owner.isEmpty else { throw StoreError.corrupt("assignment '\(id)' names no owner") }
            kind = .assignment(owner: owner, reason: p["reason"] ?? "", by: p["by"] ?? "")
        default:
            kind = .activity(type: type, properties: p)
        }
        return Event(id: EventID(id), lead: lead, at: Timestamp(millis: at), kind: kind)
    }

    /// The checks of incoming events that need no database: limits and the email's syntax. An outcome where an event
    /// is already rejected, a key where it may go on.
    public static func precheck(_ events: [IncomingEvent], now: Timestamp) -> (outcomes: [IngestOutcome?], keys: [LeadKey?]) {
        var outcomes = [IngestOutcome?](repeating: nil, count: events.count)
        var keys = [LeadKey?](repeating: nil, count: events.count)
        for (i, e) in events.enumerated() {
            if let problem = EventLimits.check(id: e.id.rawValue, type: e.type, at: e.at, properties: e.properties, now: now) {
                outcomes[i] = .rejected(problem)
                continue
            }
            switch EmailAddress.identity(e.email) {
            case .success(let key): keys[i] = key
            case .failure(let problem): outcomes[i] = .rejected(.invalidEmail(e.email, reason: problem.description))
            }
        }
        return (outcomes, keys)
    }
}
