import GRDB
import QualifyCore
import QualifyStore

/// Events as SQLite rows (the stored form itself is ``StoredEventCodec``, shared with the PostgreSQL store).
enum StoredEvent {
    static func properties(of event: Event) -> String { StoredEventCodec.properties(of: event) }

    static func event(id: String, lead: LeadKey, type: String, at: Int64, properties: String) throws -> Event {
        try StoredEventCodec.event(id: id, lead: lead, type: type, at: at, properties: properties)
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
