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

    /// One row of ``insertAll(_:rows:receivedAt:logger:)``.
    struct Row {
        var id: String
        var leadID: Int64
        var type: String
        var at: Int64
        var properties: String
    }

    /// Appends events in one statement (one round trip for a batch); returns the ids it inserted — an id already
    /// used is left as it was and not returned. The rows' ids must be distinct.
    static func insertAll(_ db: PostgresConnection, _ rows: [Row], receivedAt: Timestamp, logger: Logger) async throws -> Set<String> {
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.id), leads = rows.map(\.leadID), types = rows.map(\.type), ats = rows.map(\.at)
        let properties = rows.map(\.properties)
        let inserted = try await db.query("""
            INSERT INTO event(id, lead_id, type, at, properties, received_at)
            SELECT id, lead_id, type, at, properties, \(receivedAt.millis)
            FROM UNNEST(\(ids)::text[], \(leads)::int8[], \(types)::text[], \(ats)::int8[], \(properties)::text[])
              WITH ORDINALITY AS u(id, lead_id, type, at, properties, n)
            ORDER BY n
            ON CONFLICT(id) DO NOTHING
            RETURNING id
            """, logger: logger)
        var out = Set<String>(minimumCapacity: rows.count)
        for try await id in inserted.decode(String.self) { out.insert(id) }
        return out
    }
}
