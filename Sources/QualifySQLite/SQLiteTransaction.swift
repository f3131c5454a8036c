import Foundation
import GRDB
import QualifyCore
import QualifyStore

/// The storage verbs inside one write transaction on SQLite. ``SQLiteLeadStore/transaction(_:)`` holds the store's
/// ``WriteGate`` until it commits or rolls back, so nothing else writes between the verbs; the first verb begins the
/// transaction (`BEGIN IMMEDIATE`).
///
/// The transaction runs on the store's ``WriterExecutor`` (its own serial queue), and each verb runs synchronously
/// there: GRDB's writer queue is idle while the gate is held, so a synchronous access runs in place, with no thread
/// switch. (An awaited hop onto GRDB's queue per verb — a thread switch there and one back — cost 61 % of
/// single-event `POST /events` throughput in `bench/api.py`; a transaction handed the gate while both cooperative
/// threads were busy cost another third.)
struct SQLiteTransaction: LeadTransaction {
    let writer: any DatabaseWriter

    private func access<T>(_ work: (Database) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in
            if !db.isInsideTransaction { try db.beginTransaction(.immediate) }
            return try work(db)
        }
    }

    func activeModelVersion() async throws -> Int {
        try access { db in
            guard let version = try Int.fetchOne(try db.cachedStatement(sql: "SELECT MAX(version) FROM model_version")) else {
                throw StoreError.noActiveModel
            }
            return version
        }
    }

    func modelVersion(_ version: Int) async throws -> ModelVersion {
        try access { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version, model, source, activated_at, activated_by FROM model_version WHERE version = ?",
                                             arguments: [version]) else {
                throw StoreError.corrupt("model version \(version) is not recorded")
            }
            return try SQLiteLeadStore.modelVersion(row)
        }
    }

    func lockLeads(_ keys: Set<LeadKey>) async throws -> [LeadKey: StoredLead] {
        guard !keys.isEmpty else { return [:] }
        return try access { db in try LeadRows.load(db, keys: keys) }
    }

    func insertLead(_ key: LeadKey, accountDomain: String?, company: String?, at: Timestamp, modelVersion: Int) async throws -> StoredLead {
        try access { db in
            try LeadRows.insert(db, key: key, accountDomain: accountDomain, company: company, at: at, modelVersion: modelVersion)
        }
    }

    func appendEvents(_ events: [EventRow], receivedAt: Timestamp) async throws -> Set<EventID> {
        guard !events.isEmpty else { return [] }
        return try access { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO event(id, lead_id, type, at, properties, received_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO NOTHING
                """)
            var inserted: Set<EventID> = []
            inserted.reserveCapacity(events.count)
            for row in events {
                try insert.execute(arguments: [row.event.id.rawValue, row.leadID, row.type, row.event.at.millis, row.properties, receivedAt.millis])
                if db.changesCount > 0 { inserted.insert(row.event.id) }
            }
            return inserted
        }
    }

    func eventLog(of lead: StoredLead) async throws -> [Event] {
        try access { db in try StoredEvent.fetchAll(db, leadID: lead.id, key: lead.key) }
    }

    func writeLeads(_ writes: [LeadWrite], modelVersion: Int, at: Timestamp) async throws -> Set<Int64> {
        guard !writes.isEmpty else { return [] }
        return try access { db in
            var notWritten: Set<Int64> = []
            for write in writes {
                let projection = LeadRows.Projection(write.projection, modelVersion: modelVersion, at: at)
                if let expected = write.ifUnchanged {
                    guard try LeadRows.write(db, id: write.lead.id, projection: projection, ifStill: expected.stateBytes,
                                             modelVersion: expected.modelVersion) else {
                        notWritten.insert(write.lead.id)
                        continue
                    }
                } else {
                    try LeadRows.write(db, id: write.lead.id, projection: projection)
                }
                if !write.changes.isEmpty || !write.messages.isEmpty {
                    try LeadRows.recordStageChanges(db, leadID: write.lead.id, changes: write.changes, messages: write.messages,
                                                    modelVersion: modelVersion, now: at)
                }
            }
            return notWritten
        }
    }

    func recordMerge(leadID: Int64, at: Timestamp, origin: String, changes: String) async throws {
        try access { db in
            try db.cachedStatement(sql: "INSERT INTO lead_merge(lead_id, at, origin, changes) VALUES (?, ?, ?, ?)")
                .execute(arguments: [leadID, at.millis, origin, changes])
        }
    }

    func routingLoad(pools: [String], people: [String], openStages: [Stage]) async throws -> RoutingLoad {
        try access { db in
            var load = RoutingLoad()
            if !pools.isEmpty {
                let marks = Array(repeating: "?", count: pools.count).joined(separator: ", ")
                for row in try Row.fetchAll(db, sql: "SELECT pool, next FROM routing_turn WHERE pool IN (\(marks))",
                                            arguments: StatementArguments(pools)) {
                    load.nextTurn[row["pool"]] = row["next"]
                }
            }
            if !people.isEmpty, !openStages.isEmpty {
                let who = Array(repeating: "?", count: people.count).joined(separator: ", ")
                let stages = Array(repeating: "?", count: openStages.count).joined(separator: ", ")
                // through the owner index (its NOCASE comparison; the exact one keeps the count to these names): the
                // planner would otherwise read every open lead through the stage index
                for row in try Row.fetchAll(db, sql: """
                    SELECT owner, COUNT(*) AS n FROM lead INDEXED BY lead_owner WHERE owner COLLATE NOCASE IN (\(who)) AND owner IN (\(who)) AND stage IN (\(stages))
                    GROUP BY owner
                    """, arguments: StatementArguments(people + people + openStages.map(\.rawValue))) {
                    load.openLeads[row["owner"]] = row["n"]
                }
            }
            return load
        }
    }

    func setRoutingTurn(pool: String, next: Int) async throws {
        try access { db in
            try db.cachedStatement(sql: "INSERT INTO routing_turn(pool, next) VALUES (?, ?) ON CONFLICT(pool) DO UPDATE SET next = excluded.next")
                .execute(arguments: [pool, next])
        }
    }

    func accountOwner(of lead: StoredLead) async throws -> String? {
        try access { db in
            try String.fetchOne(db.cachedStatement(sql: """
                SELECT other.owner FROM lead AS this JOIN lead AS other ON other.account_id = this.account_id AND other.id <> this.id
                WHERE this.id = ? AND other.owner IS NOT NULL AND other.owner <> '' ORDER BY other.updated_at DESC, other.id DESC LIMIT 1
                """), arguments: [lead.id])
        }
    }
}

extension SQLiteLeadStore {
    /// Two: while one batch is written (SQLite has one writer), the next is scored on a read snapshot
    /// (``storedLeads(_:)``), so an import keeps both cores busy.
    public var ingestWriters: Int { 2 }
    public var scoresAhead: Bool { true }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any LeadTransaction) async throws -> Result) async throws -> Result {
        let writer = self.writer
        return try await withTaskExecutorPreference(writerExecutor) { try await gate.run {
            do {
                let result = try await body(SQLiteTransaction(writer: writer))
                try Self.commit(writer)
                return result
            } catch {
                // Synchronously, like every step here (the async form also gives up on a cancelled task, which would
                // leave the transaction open).
                Self.rollback(writer)
                throw error
            }
        } }
    }

    /// Commits the transaction the body's verbs opened, if any.
    private static func commit(_ writer: any DatabaseWriter) throws {
        try writer.writeWithoutTransaction { db in if db.isInsideTransaction { try db.commit() } }
    }

    /// Rolls back the transaction left open on the writer, if any.
    private static func rollback(_ writer: any DatabaseWriter) {
        try? writer.writeWithoutTransaction { db in if db.isInsideTransaction { try db.rollback() } }
    }

    public func storedLeads(_ keys: Set<LeadKey>) async throws -> (modelVersion: Int, leads: [LeadKey: StoredLead]) {
        try await read { db in
            guard let version = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_version") else { throw StoreError.noActiveModel }
            return (version, try LeadRows.load(db, keys: keys))
        }
    }
}
