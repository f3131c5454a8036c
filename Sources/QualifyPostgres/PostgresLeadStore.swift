#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

/// The PostgreSQL store: the same ``LeadStore`` as the embedded SQLite store, for several servers on one database.
/// Every write method is one transaction; the lead rows it changes are locked (`SELECT … FOR UPDATE`), so two
/// processes writing to one lead go one after the other and neither loses the other's update.
///
/// Its ``PostgresClient`` (a connection pool) runs either as a service of `qualify serve`'s service group
/// (``open(client:url:lists:logger:migrations:)``), or, for a one-off command, in a task the store owns: ``close()``
/// stops it, and so does dropping the last copy of the store.
public struct PostgresLeadStore: LeadStore {
    let client: PostgresClient
    /// The task running the client when the store started it itself; nil when the caller runs the client.
    let runner: ClientRunner?
    public let lists: EmailLists
    let logger: Logger
    /// How long an operation waits for a connection before it fails as unavailable (the URL's `connect_timeout`).
    let connectionWait: Duration
    public let engines = EngineCache()

    /// Connects to the database at `url` (`postgres://user:password@host:5432/database`, optionally `?sslmode=disable`,
    /// `prefer` (the default) or `require`) and applies the migrations it is missing.
    public static func connect(url: String, lists: EmailLists = .builtIn, maximumConnections: Int = 20,
                               logger: Logger = Logger(label: "qualify.postgres")) async throws -> PostgresLeadStore {
        try await open(url: url, lists: lists, maximumConnections: maximumConnections, logger: logger, migrations: .applyPending).store
    }

    /// Connects like ``connect(url:lists:maximumConnections:logger:)`` and applies the migrations `policy` allows
    /// (under the advisory lock); returns the store and the names of the migrations it applied. Throws
    /// ``StoreError/schemaBehind(pending:)`` or ``StoreError/schemaAhead(unknown:)`` when the policy refuses the schema.
    public static func open(url: String, lists: EmailLists = .builtIn, maximumConnections: Int = 20,
                            logger: Logger = Logger(label: "qualify.postgres"),
                            migrations policy: MigrationPolicy) async throws -> (store: PostgresLeadStore, applied: [String]) {
        let client = try await client(url: url, maximumConnections: maximumConnections, logger: logger)
        return try await open(client: client, runner: ClientRunner(Task { await client.run() }), address: try PostgresURL(url),
                              lists: lists, logger: logger, migrations: policy)
    }

    /// A connection pool for the database at `url`, checked by one connection first (so a wrong address, password or
    /// database is reported at once, by name). The caller runs it: `qualify serve` as a service of its group.
    public static func client(url: String, maximumConnections: Int = 20, logger: Logger) async throws -> PostgresClient {
        let address = try PostgresURL(url)
        try await address.probe(logger: logger)
        var configuration = address.configuration
        configuration.options.maximumConnections = max(1, maximumConnections)
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Opens the store on a client the caller runs (``client(url:maximumConnections:logger:)``; its queries wait
    /// until it runs) and applies the migrations `policy` allows, as ``open(url:lists:maximumConnections:logger:migrations:)``.
    public static func open(client: PostgresClient, url: String, lists: EmailLists, logger: Logger,
                            migrations policy: MigrationPolicy) async throws -> (store: PostgresLeadStore, applied: [String]) {
        try await open(client: client, runner: nil, address: try PostgresURL(url), lists: lists, logger: logger, migrations: policy)
    }

    private static func open(client: PostgresClient, runner: ClientRunner?, address: PostgresURL, lists: EmailLists, logger: Logger,
                             migrations policy: MigrationPolicy) async throws -> (store: PostgresLeadStore, applied: [String]) {
        let store = PostgresLeadStore(client: client, runner: runner, lists: lists, logger: logger,
                                      connectionWait: .seconds(address.connectTimeout))
        do {
            return (store, try await client.withConnection { db in try await migrate(GuardedConnection(db), policy: policy, logger: logger) })
        } catch let error as StoreError {
            await store.close()
            throw error
        } catch {
            await store.close()
            throw PostgresConnectError(address: address, underlying: error, action: "migrate")
        }
    }

    /// Decides and migrates on one connection holding the advisory lock for the whole time, so an instance starting
    /// while another creates the database waits and then finds it complete (never half-made, so never "behind").
    static func migrate(_ db: GuardedConnection, policy: MigrationPolicy, logger: Logger) async throws -> [String] {
        if policy == .inspectOnly { return [] }
        try await db.query("SELECT pg_advisory_lock(\(PostgresMigrations.lockKey))", logger: logger)
        do {
            let status = SchemaStatus(applied: try await PostgresMigrations.applied(db, logger: logger), known: PostgresMigrations.names)
            let toRun = try status.migrationsToRun(policy).get()
            let applied = toRun.isEmpty ? [] : try await PostgresMigrations.migrate(db, logger: logger)
            try await db.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: logger)
            return applied
        } catch {
            _ = try? await db.query("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))", logger: logger)
            throw error
        }
    }

    /// Stops the connection pool the store runs itself (a client run by the caller stops with the caller's group).
    /// The store cannot be used afterwards.
    public func close() async {
        guard let runner else { return }
        runner.task.cancel()
        await runner.task.value
    }

    /// The names of the applied migrations and the latest this version knows.
    public func schema() async throws -> (applied: [String], latest: String) {
        (try await PostgresMigrations.applied(client, logger: logger), PostgresMigrations.latest)
    }

    /// Where the schema stands against this build's migrations.
    public func schemaStatus() async throws -> SchemaStatus {
        SchemaStatus(applied: try await PostgresMigrations.applied(client, logger: logger), known: PostgresMigrations.names)
    }

    /// One write as one transaction (retried whole if the server aborts it to break a deadlock).
    func write<Result: Sendable>(_ body: @escaping @Sendable (GuardedConnection) async throws -> Result) async throws -> Result {
        try await PostgresTransaction.run(client, logger: logger, wait: connectionWait, body)
    }

    /// Reads from one consistent snapshot (a read-only, repeatable-read transaction).
    func read<Result: Sendable>(_ body: @escaping @Sendable (GuardedConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await PostgresTransaction.run(client, logger: logger, wait: connectionWait) { db in
            try await db.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(db)
        }
    }

    // MARK: models

    public func activeModel() async throws -> ModelVersion? {
        let logger = self.logger
        return try await read { db in try await Self.activeModel(db, logger: logger) }
    }

    static func activeModel(_ db: GuardedConnection, logger: Logger) async throws -> ModelVersion? {
        let rows = try await db.query("SELECT version, model, source, activated_at, activated_by FROM model_version ORDER BY version DESC LIMIT 1",
                                      logger: logger).collect()
        return try rows.first.map(modelVersion)
    }

    static func modelVersion(_ row: PostgresRow) throws -> ModelVersion {
        let (version, json, source, activatedAt, activatedBy) = try row.decode((Int, String, String, Int64, String?).self)
        let model: QualificationModel
        do { model = try JSONDecoder().decode(QualificationModel.self, from: Data(json.utf8)) } catch {
            throw StoreError.corrupt("model version \(version) does not decode: \(error)")
        }
        return ModelVersion(version: version, model: model, source: source, activatedAt: Timestamp(millis: activatedAt), activatedBy: activatedBy)
    }

    static func requireModel(_ db: GuardedConnection, logger: Logger) async throws -> ModelVersion {
        guard let mv = try await activeModel(db, logger: logger) else { throw StoreError.noActiveModel }
        return mv
    }

    public func modelVersions() async throws -> [ModelVersion] {
        let logger = self.logger
        return try await read { db in
            try await db.query("SELECT version, model, source, activated_at, activated_by FROM model_version ORDER BY version", logger: logger)
                .collect().map(Self.modelVersion)
        }
    }

    public func activate(_ model: QualificationModel, source: String, at: Timestamp, by: String?) async throws -> (ModelVersion, RescoreReport) {
        let (lists, logger) = (self.lists, self.logger)
        let json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        return try await write { db in
            // One activation at a time: the next version number is read under the lock.
            try await db.query("LOCK TABLE model_version IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            let previous = try await Self.activeModel(db, logger: logger)
            let version = (previous?.version ?? 0) + 1
            try await db.query("""
                INSERT INTO model_version(version, name, model, source, activated_at, activated_by)
                VALUES (\(version), \(model.name), \(json), \(source), \(at.millis), \(by))
                """, logger: logger)
            let mv = ModelVersion(version: version, model: model, source: source, activatedAt: at, activatedBy: by)
            let report = try await PostgresRescorer.run(db, model: mv, previous: previous?.model ?? model, lists: lists, now: at,
                                                        apply: true, examples: 10, logger: logger)
            return (mv, report)
        }
    }

    public func dryRun(_ model: QualificationModel, now: Timestamp, examples: Int) async throws -> RescoreReport {
        let (lists, logger) = (self.lists, self.logger)
        return try await read { db in
            let current = try await Self.requireModel(db, logger: logger)
            let candidate = ModelVersion(version: current.version + 1, model: model, source: "", activatedAt: now)
            return try await PostgresRescorer.run(db, model: candidate, previous: current.model, lists: lists, now: now,
                                                  apply: false, examples: examples, logger: logger)
        }
    }
}

/// The task running a ``PostgresClient``; cancelled when the last store holding it goes away.
final class ClientRunner: Sendable {
    let task: Task<Void, Never>
    init(_ task: Task<Void, Never>) { self.task = task }
    deinit { task.cancel() }
}

/// The database at a URL could not be opened (or migrated); says where and why, never with the password.
public struct PostgresConnectError: Error, CustomStringConvertible {
    public var description: String

    init(address: PostgresURL, underlying: any Error, action: String = "open") {
        let reason: String
        if let error = underlying as? PSQLError {
            if let message = error.serverInfo?[.message] {
                reason = "the server said: \(message)"
            } else if let cause = error.underlying {
                reason = "\(error.code): \(cause)"
            } else {
                reason = "\(error.code)"
            }
        } else {
            reason = "\(underlying)"
        }
        description = "could not \(action) PostgreSQL database '\(address.database)' at \(address.host):\(address.port) as '\(address.user)' (\(reason)); check that the server runs and the URL is right"
    }
}
#endif
