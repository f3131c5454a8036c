#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

/// The storage verbs inside one write transaction on PostgreSQL, on the transaction's connection. Leads are locked
/// (`FOR UPDATE`) in email order when read, so two processes writing to one lead go one after the other.
struct PostgresLeadTransaction: LeadTransaction {
    let db: GuardedConnection
    let logger: Logger

    func activeModelVersion() async throws -> Int {
        let rows = try await db.query("SELECT MAX(version) FROM model_version", logger: logger).collect()
        guard let version = try rows.first?.decode(Int?.self) else { throw StoreError.noActiveModel }
        return version
    }

    func modelVersion(_ version: Int) async throws -> ModelVersion {
        let rows = try await db.query("SELECT version, model, source, activated_at, activated_by FROM model_version WHERE version = \(version)",
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

    func recordMerge(leadID: Int64, at: Timestamp, origin: String, changes: String) async throws {
        try await db.query("""
            INSERT INTO lead_merge(lead_id, at, origin, changes)
            VALUES (\(leadID), \(at.millis), \(origin), \(changes))
            """, logger: logger)
    }

    /// Locks the pools' rows (and one row every routing decision locks, so decisions to a person, outside any pool,
    /// wait their turn too), in name order, then counts open leads: a decision made after another's commit sees it.
    func routingLoad(pools: [String], people: [String], openStages: [Stage]) async throws -> RoutingLoad {
        var load = RoutingLoad()
        let rows = (Set(pools).union([Self.everyDecision])).sorted()
        try await db.query("""
            INSERT INTO routing_turn(pool, next) SELECT pool, 0 FROM unnest(\(rows)::text[]) AS pool ORDER BY pool
            ON CONFLICT (pool) DO NOTHING
            """, logger: logger)
        let turns = try await db.query("""
            SELECT pool, next FROM routing_turn WHERE pool = ANY(\(rows)::text[]) ORDER BY pool FOR UPDATE
            """, logger: logger)
        for try await (pool, next) in turns.decode((String, Int64).self) where pool != Self.everyDecision {
            load.nextTurn[pool] = Int(next)
        }
        if !people.isEmpty, !openStages.isEmpty {
            let counts = try await db.query("""
                SELECT owner, COUNT(*) FROM lead
                WHERE lower(owner) = ANY(\(people.map { $0.lowercased() })::text[]) AND owner = ANY(\(people)::text[]) AND stage = ANY(\(openStages.map(\.rawValue))::text[])
                GROUP BY owner
                """, logger: logger)
            for try await (owner, n) in counts.decode((String, Int64).self) { load.openLeads[owner] = Int(n) }
        }
        return load
    }

    /// The row every routing decision locks (not a pool: a pool id is an identifier, which never starts with '$').
    static let everyDecision = "$routing"

    func setRoutingTurn(pool: String, next: Int) async throws {
        try await db.query("""
            INSERT INTO routing_turn(pool, next) VALUES (\(pool), \(Int64(next))) ON CONFLICT (pool) DO UPDATE SET next = excluded.next
            """, logger: logger)
    }

    func accountOwner(of lead: StoredLead) async throws -> String? {
        let rows = try await db.query("""
            SELECT other.owner FROM lead AS this JOIN lead AS other ON other.account_id = this.account_id AND other.id <> this.id
            WHERE this.id = \(lead.id) AND other.owner IS NOT NULL AND other.owner <> '' ORDER BY other.updated_at DESC, other.id DESC LIMIT 1
            """, logger: logger)
        for try await owner in rows.decode(String.self) { return owner }
        return nil
    }
}

extension PostgresLeadStore {
    /// Two batches in flight: while the server works on one, the client parses and scores the other. Leads are locked
    /// in one order, so two batches touching a lead go one after the other.
    public var ingestWriters: Int { 2 }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any LeadTransaction) async throws -> Result) async throws -> Result {
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
