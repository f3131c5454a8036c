import GRDB
import QualifyCore
import QualifyStore

/// The stored form of events: activities keep their type and properties; fields updates and stage moves are rows of
/// reserved types (`$fields`, `$stage`) whose properties carry their content.
enum StoredEvent {
    static func properties(of event: Event) -> String {
        switch event.kind {
        case .activity(_, let properties): return FlatJSON.encode(properties)
        case .fieldsUpdate(let fields, let source):
            var p = fields
            p["$source"] = source
            return FlatJSON.encode(p)
        case .stageMove(let action, let reason, let by):
            return FlatJSON.encode(["action": action.rawValue, "reason": reason, "by": by])
        }
    }

    static func event(id: String, lead: LeadKey, type: String, at: Int64, properties: String) throws -> Event {
        guard var p = FlatJSON.decode(properties) else {
            throw StoreErrorText.corrupt("properties of event '\(id)' are not a JSON object of text")
        }
        let kind: Event.Kind
        switch type {
        case Event.fieldsUpdateType:
            let source = p.removeValue(forKey: "$source") ?? ""
            kind = .fieldsUpdate(fields: p, source: source)
        case Event.stageMoveType:
            guard let action = p["action"].flatMap(StageAction.init(rawValue:)) else {
                throw StoreErrorText.corrupt("stage move '\(id)' has no valid action")
            }
            kind = .stageMove(action: action, reason: p["reason"] ?? "", by: p["by"] ?? "")
        default:
            kind = .activity(type: type, properties: p)
        }
        return Event(id: EventID(id), lead: lead, at: Timestamp(millis: at), kind: kind)
    }

    /// All events of one lead, in fold order.
    static func fetchAll(_ db: Database, leadID: Int64, key: LeadKey) throws -> [Event] {
        let rows = try Row.fetchCursor(try db.cachedStatement(sql: "SELECT id, type, at, properties FROM event WHERE lead_id = ? ORDER BY at, id"), arguments: [leadID])
        var out: [Event] = []
        while let row = try rows.next() {
            out.append(try event(id: row[0], lead: key, type: row[1], at: row[2], properties: row[3]))
        }
        return out
    }
}

enum StoreErrorText {
    static func corrupt(_ s: String) -> Error { StoreError.corrupt(s) }
}
