import PostgresNIO
import QualifyCore
import QualifyStore

/// Events as PostgreSQL rows (the stored form itself is ``StoredEventCodec``, shared with the SQLite store).
enum PostgresStoredEvent {
    static func properties(of event: Event) -> String { StoredEventCodec.properties(of: event) }

    static func event(id: String, lead: LeadKey, type: String, at: Int64, properties: String) throws -> Event {
        try StoredEventCodec.event(id: id, lead: lead, type: type, at: at, properties: properties)
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
