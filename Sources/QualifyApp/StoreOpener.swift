import Foundation
import Logging
import QualifyCore
import QualifyModelFile
import QualifyPostgres
import QualifySQLite
import QualifyStore

/// The composition root for the CLI: opens the store named by the database option and makes sure a model is active
/// (the built-in default on first use).
public enum StoreOpener {
    public static let defaultPath = "qualify.sqlite"
    public static let environmentVariable = "QUALIFY_DATABASE"

    /// Opens the database at `location`: a SQLite path or `sqlite:PATH` (created and migrated if needed), or a
    /// `postgres://user[:password]@host[:port]/database` URL (migrated if needed).
    public static func open(_ location: String, now: Timestamp) async throws -> any LeadStore {
        var path = location
        if path.hasPrefix("sqlite://") { path = String(path.dropFirst("sqlite://".count)) }
        else if path.hasPrefix("sqlite:") { path = String(path.dropFirst("sqlite:".count)) }
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
            // a server: migrated by connect (under an advisory lock, so instances starting together migrate once)
            // PostgresNIO warns when the first query races the pool's start (harmless: the query waits); keep commands'
            // standard error for errors
            var logger = Logger(label: "qualify.postgres")
            logger.logLevel = .error
            let store = try await PostgresLeadStore.connect(url: path, lists: try lists(forDatabase: location), logger: logger)
            if try await store.activeModel() == nil {
                _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: now)
            }
            return store
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw OpenError.unsupported("directory '\(directory)' for database '\(path)' does not exist")
        }
        let store = try SQLiteLeadStore(path: path, lists: try lists(forDatabase: location))
        if try await store.activeModel() == nil {
            _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: now)
        }
        return store
    }

    /// The full hygiene lists (bundled, or updated copies beside the database): they classify free and disposable mail.
    public static func lists(forDatabase location: String) throws -> EmailLists {
        do {
            return try HygieneListLoader.load(overrideDirectory: HygieneListLoader.overrideDirectory(forDatabase: location)).emailLists
        } catch {
            throw OpenError.unsupported("cannot load the email lists: \(error) (fix or remove the file, or run 'qualify lists reset')")
        }
    }

    public enum OpenError: Error, CustomStringConvertible {
        case unsupported(String)
        public var description: String {
            switch self { case .unsupported(let s): return s }
        }
    }
}

extension Timestamp {
    /// The wall clock, read only at the program's edge.
    public static func now() -> Timestamp { Timestamp(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded())) }
}
