#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

/// The storage verbs inside one write transaction on PostgreSQL, on the transaction's connection. Leads are locked
/// (`FOR UPDATE`) in email order when read, so two processes writing to one lead go one after the other.
struct PostgresLeadTransaction: LeadTransaction {
    let db: PostgresConnection
    let logger: Logger

    func activeModelVersion() async throws -> Int {
        let rows = try await db.query("SELECT MAX(version) FROM model_version", logger: logger).collect()
        guard let version = try rows.first?.decode(Int?.self) else { throw StoreError.noActiveModel }
        return version
    }

    func modelVersion(_ version: Int) async throws -> ModelVersion {
        let rows = try await db.query("SELECT version, model, source, activated_at FROM model_version WHERE version = \(version)",
                                      logger: logger).collect()
        guard let row = rows.first else { throw StoreError.corrupt("model version \(version) is not recorded") }
        return try PostgresLeadStore.modelVersion(row)
    }

    func lockLeads(_ keys: Set<LeadKey>) async throws -> [LeadKey: StoredLead] {
        try await PostgresLeadRows.loadAll(db, keys: keys, logger: logger)
    }

    func insertLead(_ key: LeadKey, accountDomain: String?, company: String?, at: Timestamp, modelVersion: Int) async throws -> StoredLead {
        try await PostgresLeadRows.insert(db, key: key, accountDomain: accountDomain, company: company, at: at, modelVersion: modelVersion,
                                          logger: logger)
    }

    func appendEvents(_ events: [EventRow], receivedAt: Timestamp) async throws -> Set<EventID> {
        let inserted = try await PostgresStoredEvent.insertAll(db, events.map { row in
            PostgresStoredEvent.Row(id: row.event.id.rawValue, leadID: row.leadID, type: row.type, at: row.event.at.millis,
                                    properties: row.properties)
        }, receivedAt: receivedAt, logger: logger)
        return Set(inserted.map(EventID.init))
    }

    func eventLog(of lead: StoredLead) async throws -> [Event] {
        try await PostgresStoredEvent.fetchAll(db, leadID: lead.id, key: lead.key, logger: logger)
    }

    func writeLeads(_ writes: [LeadWrite], modelVersion: Int, at: Timestamp) async throws -> Set<Int64> {
        // a guarded write (a lead scored ahead; this store does not score ahead, but honours the verb) is checked on
        // the row, locked here, before the batch is written
        var notWritten: Set<Int64> = []
        let guarded = writes.filter { $0.ifUnchanged != nil }
        if !guarded.isEmpty {
            let held = try await PostgresLeadRows.loadAll(db, keys: Set(guarded.map(\.lead.key)), logger: logger)
            for write in guarded {
                let now = held[write.lead.key], expected = write.ifUnchanged!
                if now?.stateBytes != expected.stateBytes || now?.modelVersion != expected.modelVersion { notWritten.insert(write.lead.id) }
            }
        }
        try await PostgresLeadRows.writeAll(db, writes.filter { !notWritten.contains($0.lead.id) }, modelVersion: modelVersion, at: at,
                                            logger: logger)
        return notWritten
    }

    func recordMerge(leadID: Int64, at: Timestamp, origin: String, changes: [String: String]) async throws {
        try await db.query("""
            INSERT INTO lead_merge(lead_id, at, origin, changes)
            VALUES (\(leadID), \(at.millis), \(origin), \(FlatJSON.encode(changes)))
            """, logger: logger)
    }
}

extension PostgresLeadStore {
    /// Two batches in flight: while the server works on one, the client parses and scores the other. Leads are locked
    /// in one order, so two batches touching a lead go one after the other.
    public var ingestWriters: Int { 2 }

    public func transaction<Result: Sendable>(_ body: (any LeadTransaction) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await write { db in try await body(PostgresLeadTransaction(db: db, logger: logger)) }
    }

    public func storedLeads(_ keys: Set<LeadKey>) async throws -> (modelVersion: Int, leads: [LeadKey: StoredLead]) {
        let logger = self.logger
        return try await read { db in
            let version = try await PostgresLeadTransaction(db: db, logger: logger).activeModelVersion()
            return (version, try await PostgresLeadRows.loadAll(db, keys: keys, lock: false, logger: logger))
        }
    }
}
#endif
