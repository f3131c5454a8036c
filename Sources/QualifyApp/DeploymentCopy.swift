import Foundation
import QualifyCore
import QualifyStore

/// Moving a deployment from one store to another (`qualify copy`): every table row for row, keys included, into an
/// empty target; then a verification that compares row counts per table and every lead's ``LeadChecksum``.
public enum DeploymentCopy {
    /// How far a copy is: rows of `table` copied so far, of `total`.
    public struct Progress: Sendable {
        public var table: String
        public var copied: Int
        public var total: Int
    }

    public struct TableResult: Sendable, Hashable {
        public var table: String
        public var rows: Int
        public var seconds: Double
    }

    /// Rows per read and per insert transaction.
    public static let pageSize = 10_000

    /// Files that belong to the source's deployment but live beside the database, not in it (updated hygiene lists,
    /// an installed prediction model), with where the target would look for them; only those that exist and whose
    /// place differs. A copy does not move them: the command says so.
    public static func filesBeside(source: String, target: String) -> [(source: String, target: String)] {
        let pairs = [
            (HygieneListLoader.overrideDirectory(forDatabase: source).path, HygieneListLoader.overrideDirectory(forDatabase: target).path),
            (InstalledPrediction.path(forDatabase: source), InstalledPrediction.path(forDatabase: target)),
        ]
        return pairs.filter { FileManager.default.fileExists(atPath: $0.0) && URL(fileURLWithPath: $0.0).standardized != URL(fileURLWithPath: $0.1).standardized }
    }

    /// Refuses a target that holds anything (a copy fills an empty database; it never merges).
    public static func requireEmpty(_ target: some StoreTransfer, named place: DatabaseLocation) async throws {
        var held: [String] = []
        for table in TransferTable.all {
            let n = try await target.transferCount(table)
            if n > 0 { held.append("\(table.name) \(n)") }
        }
        if !held.isEmpty { throw CopyError.targetNotEmpty(place, held: held) }
    }

    /// Refuses a store whose schema is not this build's (``TransferTable/all`` describes this build's tables; tests
    /// compare it with both stores' schemas).
    public static func requireKnownSchema(_ store: some StoreTransfer, named place: DatabaseLocation) async throws {
        let status = try await store.schemaStatus()
        guard status.isCurrent else { throw CopyError.schemaNotCopied(place, applied: status.applied) }
    }

    /// Copies every table of `source` into `target`, in pages of ``pageSize`` rows, one transaction per page.
    public static func copy(from source: some StoreTransfer, to target: some StoreTransfer,
                            progress: (Progress) -> Void = { _ in }) async throws -> [TableResult] {
        var results: [TableResult] = []
        for table in TransferTable.all {
            let started = Date()
            let total = try await source.transferCount(table)
            var copied = 0
            var after: TransferValue?
            progress(Progress(table: table.name, copied: 0, total: total))
            do {
                while true {
                    let rows = try await source.transferRows(table, after: after, limit: pageSize)
                    if rows.isEmpty { break }
                    try await target.insertTransferRows(table, rows)
                    copied += rows.count
                    after = rows[rows.count - 1][table.keyIndex]
                    progress(Progress(table: table.name, copied: copied, total: total))
                    if rows.count < pageSize { break }
                }
            } catch {
                throw CopyError.interrupted(table: table.name, copied: copied, underlying: error)
            }
            results.append(TableResult(table: table.name, rows: copied, seconds: Date().timeIntervalSince(started)))
        }
        try await target.finishTransfer()
        return results
    }

    /// Compares `target` with `source`: rows per table, then every lead's checksum, the ledger replayed with each
    /// side's own model versions and hygiene lists.
    public static func verify(source: some StoreTransfer, sourceLists: EmailLists, target: some StoreTransfer,
                              targetLists: EmailLists, progress: (Int) -> Void = { _ in }) async throws -> TransferVerification {
        var verification = TransferVerification()
        for table in TransferTable.all {
            verification.count(table.name, source: try await source.transferCount(table), target: try await target.transferCount(table))
        }
        var left = try await ChecksumCursor(source, lists: sourceLists)
        var right = try await ChecksumCursor(target, lists: targetLists)
        var a = try await left.next(), b = try await right.next()
        while a != nil || b != nil {
            if let s = a, let t = b, s.id == t.id {
                verification.compare(source: s, target: t)
                a = try await left.next()
                b = try await right.next()
            } else if let s = a, b == nil || s.id < b!.id {
                verification.compare(source: s, target: nil)
                a = try await left.next()
            } else {
                verification.compare(source: nil, target: b)
                b = try await right.next()
            }
            if verification.leadsCompared % 1_000 == 0 { progress(verification.leadsCompared) }
        }
        return verification
    }
}

/// Every lead's checksum of one store, in id order, read a page at a time.
struct ChecksumCursor<Store: StoreTransfer> {
    let store: Store
    let engines: [Int: Engine]
    var page: [LeadChecksum] = []
    var position = 0
    var lastID: Int64 = 0
    var exhausted = false

    init(_ store: Store, lists: EmailLists) async throws {
        self.store = store
        var engines: [Int: Engine] = [:]
        for version in try await store.modelVersions() {
            engines[version.version] = try? Engine(model: version.model, lists: lists)
        }
        self.engines = engines
    }

    mutating func next() async throws -> LeadChecksum? {
        if position == page.count {
            guard !exhausted else { return nil }
            let leads = try await store.leadSnapshots(after: lastID, limit: 1_000)
            exhausted = leads.count < 1_000
            page = leads.map { LeadChecksum($0, engine: engines[$0.modelVersion]) }
            position = 0
            guard let last = leads.last else { return nil }
            lastID = last.id
        }
        defer { position += 1 }
        return page[position]
    }
}

/// Why a copy did not start or did not finish; each says what to do.
public enum CopyError: Error, CustomStringConvertible {
    case sourceMissing(DatabaseLocation)
    case sameDatabase(DatabaseLocation)
    case targetNotEmpty(DatabaseLocation, held: [String])
    case schemaNotCopied(DatabaseLocation, applied: [String])
    case interrupted(table: String, copied: Int, underlying: any Error)

    public var description: String {
        switch self {
        case .sourceMissing(let place):
            return "there is no database at '\(place)' to copy from (--from names an existing SQLite file or PostgreSQL URL)"
        case .sameDatabase(let place):
            return "--from and --to both name '\(place)'; copy to a new, empty database"
        case .targetNotEmpty(let place, let held):
            return "the target '\(place)' is not empty (\(held.joined(separator: ", "))): qualify copy only fills an empty database, "
                + "it never merges; create a new database (or remove the file) and copy again"
        case .schemaNotCopied(let place, let applied):
            return "database '\(place)' has the migrations \(applied.joined(separator: ", ")), not this qualify's "
                + "(\(StoreOpener.knownMigrations.joined(separator: ", "))); run `\(place.migrateCommand)` first"
        case .interrupted(let table, let copied, let underlying):
            return "the copy stopped in table \(table) after \(copied) rows: \(underlying). The target now holds part of the copy: "
                + "empty it (drop and recreate the database, or remove the file) before copying again"
        }
    }
}
