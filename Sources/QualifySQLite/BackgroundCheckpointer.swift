import Foundation
import GRDB

/// Copies the write-ahead log into the database file from a connection of its own, beside the writer, so that no
/// commit pays for a checkpoint. A commit that crosses SQLite's `wal_autocheckpoint` checkpoints in place: it copies
/// the log's pages into the file and syncs it while every request queued behind it waits — for a batch over leads spread
/// across a large database, tens of thousands of pages after every commit. A PASSIVE checkpoint here copies what the
/// log holds without waiting for the writer or any reader (SQLite lets one checkpointer run beside one writer), and
/// the writer starts the log over once everything in it has been copied. (It does hold up the commits beside it while
/// it copies and syncs — the file system's doing —, so small checkpoints often beat large ones rarely: see
/// `CheckpointService` in QualifyApp.) `qualify serve` runs one
/// (``SQLiteLeadStore/backgroundCheckpointer()``) and leaves the writer's own checkpoints at
/// ``SQLiteLeadStore/bulkCheckpointPages``, a bound on the log should this one fall behind.
public final class BackgroundCheckpointer: Sendable {
    private let connection: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "qualify.checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// One PASSIVE checkpoint: the log's size and how much of it is now in the file, in pages.
    @discardableResult
    public func checkpoint() async throws -> (logPages: Int, copiedPages: Int) {
        try await connection.writeWithoutTransaction { db in
            let (log, copied) = try db.checkpoint(.passive)
            return (log, copied)
        }
    }
}
