import PostgresNIO
import QualifyCore
import QualifyStore

/// The stored form of events (as in the SQLite store): activities keep their type and properties; fields updates
/// and stage moves are rows of reserved types (`$fields`, `$stage`) whose properties carry their content.
enum PostgresStoredEvent {
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
            kind = .stageMove(action: action, reason: p["reason"] ?? "", by: p["by"] ?? "")
        default:
            kind = .activity(type: type, properties: p)
        }
        return Event(id: EventID(id), lead: lead, at: Timestamp(millis: at), kind: kind)
    }

    /// All events of one lead, in fold order. `COLLATE "C"` orders ids by bytes, as SQLite does.
    static func fetchAll(_ db: PostgresConnection, leadID: Int64, key: LeadKey, logger: Logger) async throws -> [Event] {
        let rows = try await db.query("""
            SELECT id, type, at, properties FROM event WHERE lead_id = \(leadID) ORDER BY at, id COLLATE "C"
            """, logger: logger)
        var out: [Event] = []
        for try await (id, type, at, properties) in rows.decode((String, String, Int64, String).self) {
            out.append(try event(id: id, lead: key, type: type, at: at, properties: properties))
        }
        return out
    }

    /// Appends one event; false if its id is already used (the row is left as it was).
    static func insert(_ db: PostgresConnection, id: EventID, leadID: Int64, type: String, at: Timestamp, properties: String,
                       receivedAt: Timestamp, logger: Logger) async throws -> Bool {
        let rows = try await db.query("""
            INSERT INTO event(id, lead_id, type, at, properties, received_at)
            VALUES (\(id.rawValue), \(leadID), \(type), \(at.millis), \(properties), \(receivedAt.millis))
            ON CONFLICT(id) DO NOTHING
            RETURNING seq
            """, logger: logger).collect()
        return !rows.isEmpty
    }
}
