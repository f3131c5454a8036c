import Foundation
import Logging
import QualifyCore
import QualifyModelFile
#if Postgres
import PostgresNIO
import QualifyPostgres
#endif
import QualifySQLite
import QualifyStore

/// The composition root for the CLI: opens the store named by the database option and makes sure a model is active
/// (the built-in default on first use).
public enum StoreOpener {
    public static let defaultPath = "qualify.sqlite"
    public static let environmentVariable = "QUALIFY_DATABASE"
    /// The migrations this build knows, in order (the same names on both stores).
    public static var knownMigrations: [String] { SQLiteLeadStore.migrationNames }

    /// Opens the database at `location`: a SQLite path or `sqlite:PATH`, or a
    /// `postgres://user[:password]@host[:port]/database` URL. A new database is created with every migration and the
    /// built-in model active; an existing one whose schema is behind this build (or ahead of it) is refused with a
    /// message naming the migrations and the command that fixes it (`qualify migrate --database …`).
    /// `lists`: the email lists already loaded for `location` (``hygiene(forDatabase:)``), so a command that also needs
    /// the verifier loads them once; nil: loaded here.
    public static func open(_ location: String, now: Timestamp, lists: EmailLists? = nil) async throws -> any QualifyStorage {
        try await activatingDefault(try await openStore(location, migrations: .createIfNew, lists: lists).store, now: now)
    }

    /// Runs `work`, a bulk import into `store`: on SQLite with WAL checkpoints only every
    /// ``SQLiteLeadStore/bulkCheckpointPages`` pages, then one that copies what it can of the log into the file without
    /// waiting for anyone (a server beside the import goes on; SQLite folds the rest in when the last connection
    /// closes). A batch whose leads are spread over a large database dirties a page per lead and index entry;
    /// checkpointing after every such commit wrote each page twice and synced the file each time. The command's own
    /// result or error is what it returns: the last checkpoint is a courtesy.
    public static func bulkLoading<T>(_ store: any QualifyStorage, _ work: () async throws -> T) async throws -> T {
        guard let sqlite = store as? SQLiteLeadStore else { return try await work() }
        try await sqlite.setCheckpointInterval(pages: SQLiteLeadStore.bulkCheckpointPages)
        let result: Result<T, any Error>
        do { result = .success(try await work()) } catch { result = .failure(error) }
        try? await sqlite.checkpointBesideOthers()
        return try result.get()
    }

    #if Postgres
    /// Opens the PostgreSQL store at `location` on a client the caller runs (`qualify serve`'s service group), as
    /// ``open(_:now:)`` does.
    public static func openForServing(_ location: String, now: Timestamp, lists: EmailLists? = nil, postgresClient: PostgresClient,
                                      logger: Logger) async throws -> any QualifyStorage {
        guard case .postgres(let url) = DatabaseLocation(location) else { return try await open(location, now: now, lists: lists) }
        let store: PostgresLeadStore
        do {
            store = try await PostgresLeadStore.open(client: postgresClient, url: url, lists: try lists ?? Self.lists(forDatabase: location),
                                                     logger: logger, migrations: .createIfNew).store
        } catch StoreError.schemaBehind(let pending) {
            throw OpenError.schemaBehind(DatabaseLocation(location), pending: pending)
        } catch StoreError.schemaAhead(let unknown) {
            throw OpenError.schemaAhead(DatabaseLocation(location), unknown: unknown)
        }
        return try await activatingDefault(store, now: now)
    }
    #endif

    /// A new database gets the built-in model, active.
    static func activatingDefault(_ store: any QualifyStorage, now: Timestamp) async throws -> any QualifyStorage {
        if try await store.activeModel() == nil {
            _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: now)
        }
        return store
    }

    /// Brings the schema of the database at `location` up to date (creating a new database whole); returns the
    /// migrations applied, in order (none when it was up to date). PostgreSQL migrates under an advisory lock, so
    /// instances doing it together apply each migration once.
    public static func migrate(_ location: String) async throws -> [String] {
        try await openStore(location, migrations: .applyPending).applied
    }

    /// Where the schema of the database at `location` stands, changing nothing; nil when there is no SQLite file there.
    public static func schemaStatus(_ location: String) async throws -> SchemaStatus? {
        if case .sqlite(let path) = DatabaseLocation(location), !FileManager.default.fileExists(atPath: path) { return nil }
        return try await openStore(location, migrations: .inspectOnly).store.schemaStatus()
    }

    /// Opens the store at `location` for a copy (``DeploymentCopy``): a new database is created (with no model: the
    /// copy brings the source's), one behind or ahead is refused as by ``open(_:now:)``.
    public static func openForCopy(_ location: String) async throws -> any StoreTransfer {
        try await openStore(location, migrations: .createIfNew).store
    }

    /// Opens the store at `location` under `policy`, with no model activated; a refused schema becomes an
    /// ``OpenError`` that says what to do.
    static func openStore(_ location: String, migrations policy: MigrationPolicy,
                          lists: EmailLists? = nil) async throws -> (store: any StoreTransfer, applied: [String]) {
        let place = DatabaseLocation(location)
        do {
            switch place {
            case .postgres(let url):
                #if Postgres
                // PostgresNIO warns when the first query races the pool's start (harmless: the query waits); keep
                // commands' standard error for errors
                var logger = Logger(label: "qualify.postgres")
                logger.logLevel = .error
                let opened = try await PostgresLeadStore.open(url: url, lists: try lists ?? Self.lists(forDatabase: location), logger: logger,
                                                              migrations: policy)
                return (opened.store, opened.applied)
                #else
                _ = url
                throw OpenError.unsupported("this qualify was built without PostgreSQL (the package trait Postgres was off); rebuild with the Postgres trait (`swift build`, which enables it by default) or use a SQLite file")
                #endif
            case .sqlite(let path):
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                    throw OpenError.unsupported("directory '\(directory)' for database '\(path)' does not exist")
                }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                    if isDirectory.boolValue {
                        throw OpenError.unsupported("'\(path)' is a directory, not a database file; give a file path, e.g. --database \((path as NSString).appendingPathComponent(defaultPath))")
                    }
                    let type = (try? FileManager.default.attributesOfItem(atPath: path)[.type]) as? FileAttributeType
                    if let type, type != .typeRegular, type != .typeSymbolicLink {
                        throw OpenError.unsupported("'\(path)' is not a regular file; give a database file path")
                    }
                    if let handle = FileHandle(forReadingAtPath: path) {
                        let head = (try? handle.read(upToCount: 16)) ?? Data()
                        try? handle.close()
                        // an empty file is a new database; anything else must start with SQLite's header
                        if !head.isEmpty, head != Data("SQLite format 3\0".utf8) {
                            throw OpenError.unsupported("'\(path)' is not a SQLite database (it does not start with SQLite's header); point --database at a qualify database, or at a new path to create one")
                        }
                    }
                }
                let opened = try SQLiteLeadStore.open(path: path, lists: try lists ?? Self.lists(forDatabase: location), migrations: policy)
                return (opened.store, opened.applied)
            }
        } catch StoreError.schemaBehind(let pending) {
            throw OpenError.schemaBehind(place, pending: pending)
        } catch StoreError.schemaAhead(let unknown) {
            throw OpenError.schemaAhead(place, unknown: unknown)
        }
    }

    /// The full hygiene lists (bundled, or updated copies beside the database): they classify free and disposable mail.
    public static func lists(forDatabase location: String) throws -> EmailLists {
        try hygiene(forDatabase: location).emailLists
    }

    /// The hygiene lists installed for `location` (their email lists classify mail; their verifier checks addresses).
    public static func hygiene(forDatabase location: String) throws -> LoadedHygieneLists {
        do {
            return try HygieneListLoader.load(overrideDirectory: HygieneListLoader.overrideDirectory(forDatabase: location))
        } catch {
            throw OpenError.unsupported("cannot load the email lists: \(error) (fix or remove the file, or run 'qualify lists reset')")
        }
    }

    public enum OpenError: Error, CustomStringConvertible {
        case unsupported(String)
        /// An existing database lacks migrations this build needs.
        case schemaBehind(DatabaseLocation, pending: [String])
        /// The database records migrations this build does not know.
        case schemaAhead(DatabaseLocation, unknown: [String])

        public var description: String {
            switch self {
            case .unsupported(let s): return s
            case .schemaBehind(let place, let pending):
                let names = pending.joined(separator: ", "), plural = pending.count == 1 ? "" : "s"
                var text = "the schema of database '\(place)' is behind this qualify: migration\(plural) \(names) "
                    + "\(pending.count == 1 ? "is" : "are") not applied. Back the database up, then run: \(place.migrateCommand)"
                if place.description.contains(":***@") { text += " (with the password in place of ***)" }
                return text
            case .schemaAhead(let place, let unknown):
                let names = unknown.joined(separator: ", "), plural = unknown.count == 1 ? "" : "s"
                return "database '\(place)' was written by a newer qualify: it records migration\(plural) \(names) that this "
                    + "qualify does not know (it knows \(knownMigrations.joined(separator: ", "))); upgrade qualify to open it"
            }
        }
    }
}

extension Timestamp {
    /// The wall clock, read only at the program's edge.
    public static func now() -> Timestamp { Timestamp(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded())) }
}
