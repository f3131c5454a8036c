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
/// snapshot: under writes that never pause, the log would only grow. Past ``restartPages`` a RESTART checkpoint waits
/// (at most ``restartWait``) for a moment with no writer, copies the rest and makes the next writer start over; the
/// writer's own checkpoints stay on at ``SQLiteLeadStore/bulkCheckpointPages`` as the last bound.
public final class BackgroundCheckpointer: Sendable {
    private let connection: DatabaseQueue
    /// Log pages (4 KiB) past which a checkpoint makes the writer start the log over.
    public let restartPages: Int
    /// 40 MiB of log: a few batches of the largest kind, well under the writer's own bound.
    public static let defaultRestartPages = 10_000
    /// How long a RESTART checkpoint waits for the writer and readers before it gives up until the next one.
    public static let restartWait: TimeInterval = 0.2

    init(path: String, restartPages: Int) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.restartWait)
        configuration.label = "qualify.checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.restartPages = restartPages
    }

    /// One PASSIVE checkpoint — and a RESTART one when the log has grown past ``restartPages`` —: the log's size and
    /// how much of it is in the file, in pages. Another checkpoint running at the moment (the writer's own) is not an
    /// error: nothing is done and nil is returned; a RESTART that cannot have its moment gives the PASSIVE's figures.
    @discardableResult
    public func checkpoint() async throws -> (logPages: Int, copiedPages: Int)? {
        let restartPages = self.restartPages
        return try await connection.writeWithoutTransaction { db in
            guard var result = try Self.unlessBusy({ try db.checkpoint(.passive) }) else { return nil }
            // a writer or reader that does not let go within restartWait: the next pass tries again
            if result.walFrameCount >= restartPages, let restarted = try Self.unlessBusy({ try db.checkpoint(.restart) }) {
                result = restarted
            }
            return (result.walFrameCount, result.checkpointedFrameCount)
        }
    }

    private static func unlessBusy<T>(_ checkpoint: () throws -> T) throws -> T? {
        do { return try checkpoint() } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return nil
        }
    }
}
