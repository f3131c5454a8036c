#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
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
    static func fetchAll(_ db: GuardedConnection, leadID: Int64, key: LeadKey, logger: Logger) async throws -> [Event] {
        let rows = try await db.query("""
            SELECT id, type, at, properties FROM event WHERE lead_id = \(leadID) ORDER BY at, id COLLATE "C"
            """, logger: logger)
        var out: [Event] = []
        for try await (id, type, at, properties) in rows.decode((String, String, Int64, String).self) {
            out.append(try event(id: id, lead: key, type: type, at: at, properties: properties))
        }
        return out
    }

    /// One row of ``insertAll(_:rows:receivedAt:logger:)``.
    struct Row {
        var id: String
        var leadID: Int64
        var type: String
        var at: Int64
        var properties: String
    }

    /// Appends events; returns the ids it inserted — an id already used is left as it was and not returned. The
    /// rows' ids must be distinct.
    ///
    /// The common case (no id already stored) goes by `COPY`, about twice the rate of an `INSERT`; a batch with an id
    /// already stored (a retry, a resent file, another instance's same event) fails that `COPY` with a unique
    /// violation, is rolled back to before it and goes by `INSERT … ON CONFLICT DO NOTHING` instead.
    static func insertAll(_ db: GuardedConnection, _ rows: [Row], receivedAt: Timestamp, logger: Logger) async throws -> Set<String> {
        guard !rows.isEmpty else { return [] }
        try await db.query("SAVEPOINT event_copy", logger: logger)
        do {
            try await db.copyFrom(table: "event", columns: ["id", "lead_id", "type", "at", "properties", "received_at"],
                                  logger: logger) { writer in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(min(rows.count * 128, 1 << 20))
                for row in rows {
                    CopyText.append(row.id, to: &buffer)
                    CopyText.append(row.leadID, to: &buffer)
                    CopyText.append(row.type, to: &buffer)
                    CopyText.append(row.at, to: &buffer)
                    CopyText.append(row.properties, to: &buffer)
                    CopyText.append(receivedAt.millis, to: &buffer, last: true)
                    if buffer.readableBytes >= 1 << 20 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        } catch where PostgresTransaction.isUniqueViolation(error) {
            try await db.query("ROLLBACK TO SAVEPOINT event_copy", logger: logger)
            return try await insertSkippingStored(db, rows, receivedAt: receivedAt, logger: logger)
        }
        try await db.query("RELEASE SAVEPOINT event_copy", logger: logger)
        return Set(rows.map(\.id))
    }

    /// Appends the events whose ids are not stored yet, in one statement; returns the ids it inserted.
    static func insertSkippingStored(_ db: GuardedConnection, _ rows: [Row], receivedAt: Timestamp, logger: Logger) async throws
        -> Set<String>
    {
        let ids = rows.map(\.id), leads = rows.map(\.leadID), types = rows.map(\.type), ats = rows.map(\.at)
        let properties = rows.map(\.properties)
        let inserted = try await db.query("""
            INSERT INTO event(id, lead_id, type, at, properties, received_at)
            SELECT id, lead_id, type, at, properties, \(receivedAt.millis)
            FROM UNNEST(\(ids)::text[], \(leads)::int8[], \(types)::text[], \(ats)::int8[], \(properties)::text[])
              AS u(id, lead_id, type, at, properties)
            ON CONFLICT(id) DO NOTHING
            RETURNING id
            """, logger: logger)
        var out = Set<String>(minimumCapacity: rows.count)
        for try await id in inserted.decode(String.self) { out.insert(id) }
        return out
    }
}

/// Fields in `COPY`'s text format: tab between columns, newline after a row, and a backslash before the characters
/// that would otherwise end a field or a row. Hand-written because PostgresNIO's `copyFrom` takes the bytes as they
/// are and has no row encoder. (NUL cannot be stored in PostgreSQL text at all; events with one are refused before.)
enum CopyText {
    static func append(_ text: String, to buffer: inout ByteBuffer, last: Bool = false) {
        var text = text
        text.withUTF8 { bytes in
            var plain = true
            for b in bytes where b == 0x5C || b == 0x09 || b == 0x0A || b == 0x0D { plain = false; break }
            if plain {
                buffer.writeBytes(bytes)
            } else {
                for b in bytes {
                    switch b {
                    case 0x5C: buffer.writeStaticString("\\\\")
                    case 0x09: buffer.writeStaticString("\\t")
                    case 0x0A: buffer.writeStaticString("\\n")
                    case 0x0D: buffer.writeStaticString("\\r")
                    default: buffer.writeInteger(b)
                    }
                }
            }
        }
        buffer.writeInteger(last ? UInt8(0x0A) : UInt8(0x09))
    }

    static func append(_ number: Int64, to buffer: inout ByteBuffer, last: Bool = false) {
        buffer.writeString(String(number))
        buffer.writeInteger(last ? UInt8(0x0A) : UInt8(0x09))
    }
}

#endif
