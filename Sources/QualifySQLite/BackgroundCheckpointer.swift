import Foundation
import GRDB

/// Copies the write-ahead log into the database file from a connection of its own, beside the writer, so that no
/// commit pays for a checkpoint. A commit that crosses SQLite's `wal_autocheckpoint` checkpoints in place: it copies
/// the log's pages into the file and syncs it while every request queued behind it waits — for a batch over leads spread
/// across a large database, tens of thousands of pages after every commit. A PASSIVE checkpoint here copies what the
/// log holds without waiting for the writer or any reader (SQLite lets one checkpointer run beside one writer). It does
/// hold up the commits beside it while it copies and syncs (the file system's doing), so small checkpoints often beat
/// large ones rarely (see `CheckpointService` in QualifyApp).
///
/// The writer starts the log over only when its next transaction finds everything copied and no reader on an older
/// snapshot, which a writer that never pauses (thousands of single events a second) does not give this checkpointer:
/// the log then grows until the writer's own checkpoint at ``SQLiteLeadStore/bulkCheckpointPages``, which finds all
/// but the last few pages copied, so it is short, and the writer starts over after it. (A RESTART checkpoint here,
/// tried for that, waits for a moment with no writer and made single-event p99 2-6 times worse.)
public final class BackgroundCheckpointer: Sendable {
    private let connection: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(0.2)  // opening only: a PASSIVE checkpoint never waits
        configuration.label = "qualify.checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// One PASSIVE checkpoint: the log's size and how much of it is in the file, in pages. Another checkpoint running
    /// at the moment (the writer's own) is not an error: nothing is done and nil is returned.
    @discardableResult
    public func checkpoint() async throws -> (logPages: Int, copiedPages: Int)? {
        try await connection.writeWithoutTransaction { db in
            guard let result = try Self.unlessBusy({ try db.checkpoint(.passive) }) else { return nil }
            return (result.walFrameCount, result.checkpointedFrameCount)
        }
    }

    private static func unlessBusy<T>(_ checkpoint: () throws -> T) throws -> T? {
        do { return try checkpoint() } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return nil
        }
    }
}
