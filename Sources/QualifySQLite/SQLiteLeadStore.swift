import Foundation
import GRDB
import QualifyCore
import QualifyStore

/// The embedded default store: one SQLite file (WAL) through GRDB. Migrates on open.
public struct SQLiteLeadStore: LeadStore {
    let writer: any DatabaseWriter
    public let lists: EmailLists
    public let engines = EngineCache()
    /// Every write (and, on an in-memory queue, every read) goes through it: see ``WriteGate``.
    let gate = WriteGate()
    /// Where use-case transactions run (``WriterExecutor``).
    let writerExecutor = WriterExecutor(label: "qualify.sqlite.transactions")
    /// An in-memory `DatabaseQueue` has one connection for reads and writes, so reads wait for the gate too.
    let readsShareWriter: Bool

    /// Opens (creating and migrating if needed) the database at `path`.
    public init(path: String, lists: EmailLists = .builtIn) throws {
        self.init(writer: try Self.open(path: path, lists: lists, migrations: .applyPending).store.writer, lists: lists)
    }

    /// Opens the database at `path` (creating the file if there is none) and applies the migrations `policy` allows;
    /// returns the store and the names of the migrations it applied. Throws ``StoreError/schemaBehind(pending:)`` or
    /// ``StoreError/schemaAhead(unknown:)`` when the policy refuses the schema it finds.
    public static func open(path: String, lists: EmailLists = .builtIn,
                            migrations policy: MigrationPolicy) throws -> (store: SQLiteLeadStore, applied: [String]) {
        let pool = try DatabasePool(path: path, configuration: configuration())
        let applied = try migrate(pool, policy: policy)
        return (SQLiteLeadStore(writer: pool, lists: lists), applied)
    }

    /// Pages of write-ahead log after which a commit copies the log into the database file and syncs it
    /// (SQLite's `wal_autocheckpoint`, 1,000 by default). The commit that does it holds the one writer for the
    /// length of that sync, so every request queued behind it waits: a server checkpoints beside the writer instead
    /// (``BackgroundCheckpointer``), a bulk import rarely (``bulkCheckpointPages``).
    public func setCheckpointInterval(pages: Int) async throws {
        let pages = max(1, pages)
        try await writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)") }
    }

    /// The writer's interval for a bulk import (`qualify import`, ``StoreOpener``) and, as a bound, for a server that
    /// checkpoints beside the writer (``movingCheckpointsBesideTheWriter()``): a batch over leads spread
    /// across a large database writes tens of thousands of pages, so at SQLite's 1,000 every commit was followed by a
    /// checkpoint that wrote them all again and synced the file; at this interval a page changed by several batches is
    /// copied once. The log may grow to about this many pages of 4 KiB (200 MiB) before a checkpoint empties it.
    public static let bulkCheckpointPages = 50_000

    /// Checkpoints moved beside the writer, for a long-running server: a checkpointer on a connection of its own
    /// (nil for an in-memory store), and the writer's own checkpoints raised to ``bulkCheckpointPages``, a bound should
    /// the checkpointer fall behind. The caller runs the checkpointer from now on (`qualify serve`'s `CheckpointService`).
    public func movingCheckpointsBesideTheWriter() async throws -> BackgroundCheckpointer? {
        guard let pool = writer as? DatabasePool else { return nil }
        let checkpointer = try BackgroundCheckpointer(path: pool.path)
        try await setCheckpointInterval(pages: Self.bulkCheckpointPages)
        return checkpointer
    }

    /// Moves everything in the write-ahead log into the database file and empties the log (a TRUNCATE checkpoint):
    /// after it, the one `.sqlite` file holds every committed write — what a server does as it stops, so a copy of
    /// the file is whole.
    public func checkpointForShutdown() async throws {
        try await writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// Copies what it can of the write-ahead log into the database file without waiting for readers or another
    /// process's writer (a PASSIVE checkpoint): the end of a bulk import, which a server may be running beside.
    public func checkpointBesideOthers() async throws {
        try await writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
    }

    /// A consistent copy of the whole database at `path` (SQLite's `VACUUM INTO`: one read transaction, so writers
    /// beside it — a running server — go on and the copy holds every write committed before it began). The path must
    /// not exist yet.
    public func backup(to path: String) async throws {
        try await writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
    }

    public func checkpointInterval() async throws -> Int {
        try await writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 0 }
    }

    /// The connection settings every store's database is opened with.
    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        // A use case's transaction spans several accesses (see SQLiteTransaction); the store's WriteGate keeps every
        // other write out until it ends.
        config.allowsUnsafeTransactions = true
        // another process writing (a server beside a CLI command): wait for its lock up to 5 s, then fail
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // up to 64 MiB of pages per connection, allocated as used (SQLite's default, 2 MiB, made a 100,000-lead
            // import read its index pages back from the file over and over)
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        return config
    }

    /// A private in-memory database, for tests.
    public static func inMemory(lists: EmailLists = .builtIn) throws -> SQLiteLeadStore {
        let queue = try DatabaseQueue(configuration: configuration())
        try Migrations.migrator.migrate(queue)
        return SQLiteLeadStore(writer: queue, lists: lists)
    }

    init(writer: any DatabaseWriter, lists: EmailLists) {
        self.writer = writer
        self.lists = lists
        readsShareWriter = writer is DatabaseQueue
        precondition(writer.configuration.allowsUnsafeTransactions,
                     "open the database with SQLiteLeadStore.configuration(): use-case transactions span several accesses")
    }

    /// One write transaction, after any use-case transaction in progress.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let writer = self.writer
        return try await gate.run { try await writer.write(updates) }
    }

    /// One access outside a transaction (pragmas), after any use-case transaction in progress.
    func writeWithoutTransaction<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let writer = self.writer
        return try await gate.run { try await writer.writeWithoutTransaction(updates) }
    }

    /// One read from a snapshot (a reader connection of the WAL pool; on an in-memory queue, after the gate).
    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let writer = self.writer
        if readsShareWriter { return try await gate.run { try await writer.read(value) } }
        return try await writer.read(value)
    }

    /// The names of the applied migrations and the latest this version knows.
    public func schema() async throws -> (applied: [String], latest: String) {
        let applied = try await read { db in try Migrations.migrator.appliedMigrations(db) }
        return (applied, Migrations.latest)
    }

    // MARK: models

    public func activeModel() async throws -> ModelVersion? {
        try await read { db in try Self.activeModel(db) }
    }

    static func activeModel(_ db: Database) throws -> ModelVersion? {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, model, source, activated_at, activated_by FROM model_version ORDER BY version DESC LIMIT 1") else {
            return nil
        }
        return try modelVersion(row)
    }

    static func modelVersion(_ row: Row) throws -> ModelVersion {
        let json: String = row[1]
        let model: QualificationModel
        do { model = try JSONDecoder().decode(QualificationModel.self, from: Data(json.utf8)) } catch {
            throw StoreError.corrupt("model version \(row[0] as Int) does not decode: \(error)")
        }
        return ModelVersion(version: row[0], model: model, source: row[2], activatedAt: Timestamp(millis: row[3]), activatedBy: row[4])
    }

    static func requireModel(_ db: Database) throws -> ModelVersion {
        guard let mv = try activeModel(db) else { throw StoreError.noActiveModel }
        return mv
    }

    public func modelVersions() async throws -> [ModelVersion] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT version, model, source, activated_at, activated_by FROM model_version ORDER BY version")
                .map(Self.modelVersion)
        }
    }

    public func activate(_ model: QualificationModel, source: String, at: Timestamp, by: String?) async throws -> (ModelVersion, RescoreReport) {
        let lists = self.lists
        return try await write { db in
            let previous = try Self.activeModel(db)
            let version = (previous?.version ?? 0) + 1
            let json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
            try db.execute(
                sql: "INSERT INTO model_version(version, name, model, source, activated_at, activated_by) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [version, model.name, json, source, at.millis, by])
            let mv = ModelVersion(version: version, model: model, source: source, activatedAt: at, activatedBy: by)
            let report = try Rescorer.run(db, model: mv, previous: previous?.model ?? model, lists: lists, now: at,
                                          apply: true, examples: 10)
            return (mv, report)
        }
    }

    public func dryRun(_ model: QualificationModel, now: Timestamp, examples: Int) async throws -> RescoreReport {
        let lists = self.lists
        return try await read { db in
            let current = try Self.requireModel(db)
            let candidate = ModelVersion(version: current.version + 1, model: model, source: "", activatedAt: now)
            return try Rescorer.run(db, model: candidate, previous: current.model, lists: lists, now: now,
                                    apply: false, examples: examples)
        }
    }

    // MARK: reading

    public func fieldNamesCarried() async throws -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT j.key FROM event, json_each(event.properties) AS j WHERE event.type = '$fields' AND j.key <> '$source'
                """))
        }
    }

    public func leadIndex(afterID: Int64, limit: Int) async throws -> [LeadIndexEntry] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT id, email, stage, updated_at FROM lead WHERE id > ? ORDER BY id LIMIT ?"),
                             arguments: [afterID, limit]).map { row in
                LeadIndexEntry(id: row[0], key: LeadKey(normalizedEmail: row[1]), stage: Stage(rawValue: row[2]) ?? .new,
                               updatedAt: Timestamp(millis: row[3]))
            }
        }
    }

    public func handoffEvents(after: Int64, limit: Int) async throws -> [(position: Int64, event: Event)] {
        try await read { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT e.seq, e.id, l.email, e.type, e.at, e.properties FROM event e JOIN lead l ON l.id = e.lead_id
                WHERE e.seq > ? AND (e.type IN ('$assign', '$sla', '$stage') OR e.type LIKE 'sales.%')
                ORDER BY e.seq LIMIT ?
                """), arguments: [after, limit])
            var out: [(position: Int64, event: Event)] = []
            while let row = try rows.next() {
                out.append((row[0], try StoredEventCodec.event(id: row[1], lead: LeadKey(normalizedEmail: row[2]), type: row[3], at: row[4],
                                                              properties: row[5])))
            }
            return out
        }
    }

    public func leadsToEscalate(at now: Timestamp, limit: Int) async throws -> [LeadKey] {
        try await read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT email FROM lead WHERE escalate_at <= ? ORDER BY escalate_at, id LIMIT ?"),
                                arguments: [now.millis, limit]).map(LeadKey.init(normalizedEmail:))
        }
    }

    public func lead(_ key: LeadKey) async throws -> LeadRecord? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT l.id, l.state, l.model_version, a.domain, a.name,
                       (SELECT COUNT(*) FROM lead WHERE account_id = l.account_id)
                FROM lead l LEFT JOIN account a ON a.id = l.account_id WHERE l.email = ?
                """, arguments: [key.email]) else { return nil }
            let id: Int64 = row[0]
            let state = try LeadRows.decodeState(row[1], key: key)
            let account = (row[3] as String?).map { Account(domain: $0, name: row[4], leads: row[5]) }
            let events = try StoredEvent.fetchAll(db, leadID: id, key: key)
            let merges = try Row.fetchAll(db, sql: "SELECT at, origin, changes FROM lead_merge WHERE lead_id = ? ORDER BY id", arguments: [id])
                .map { MergeRecord(at: Timestamp(millis: $0[0]), origin: $0[1], changes: FlatJSON.decode($0[2]) ?? [:]) }
            return LeadRecord(key: key, account: account, state: state, modelVersion: row[2], events: events, merges: merges)
        }
    }

    public func statistics() async throws -> StoreStatistics {
        try await read { db in
            StoreStatistics(
                leads: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lead") ?? 0,
                accounts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0,
                stageChanges: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stage_change") ?? 0,
                modelVersion: try Int.fetchOne(db, sql: "SELECT MAX(version) FROM model_version"),
                ownEvents: try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM event WHERE substr(id, 1, 7) = '$route:' OR substr(id, 1, 5) = '$sla:' OR substr(id, 1, 10) = '$followup:'
                    """) ?? 0)
        }
    }

    public func quarantine(_ rows: [QuarantinedLead]) async throws -> Int {
        try await write { db in
            var added = 0
            let insert = try db.cachedStatement(sql: """
                INSERT INTO quarantine(email, reason, source, line, fields, at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(email, source) DO NOTHING
                """)
            for row in rows {
                try insert.execute(arguments: [row.email, row.reason, row.source, row.line, FlatJSON.encode(row.fields), row.at.millis])
                added += db.changesCount
            }
            return added
        }
    }

    public func quarantined(limit: Int) async throws -> [QuarantinedLead] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT email, reason, source, line, fields, at FROM quarantine ORDER BY id DESC LIMIT ?",
                             arguments: [limit])
                .map { QuarantinedLead(email: $0[0], reason: $0[1], source: $0[2], line: $0[3], fields: FlatJSON.decode($0[4]) ?? [:],
                                       at: Timestamp(millis: $0[5])) }
        }
    }

    public func pendingOutbox(limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, payload, created_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?",
                             arguments: [limit])
                .map { OutboxMessage(id: $0[0], kind: $0[1], payload: $0[2], createdAt: Timestamp(millis: $0[3])) }
        }
    }

    public func outboxMessages(after id: Int64, limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, payload, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit])
                .map { OutboxMessage(id: $0[0], kind: $0[1], payload: $0[2], createdAt: Timestamp(millis: $0[3])) }
        }
    }

    public func latestOutboxID() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM outbox") ?? 0 }
    }
}
