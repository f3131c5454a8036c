#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyStore

/// A PostgresNIO connection that refuses a query once the connection is closed, instead of sending it.
///
/// Why: in PostgresNIO 1.33.2 a query or COPY issued on a connection whose channel has already closed (the database
/// stopped or the network cut in the middle of a transaction, between two of its statements) is written to the
/// channel with no promise; NIO drops it, so the awaiting call never returns. Seen here by stopping PostgreSQL
/// (`pg_ctl -m immediate stop`) under single-event load: every request in flight at that moment hung for good,
/// and `qualify serve` could not stop on SIGTERM since it waits for requests in flight. Checking before each
/// statement turns that into ``QualifyStore/StoreError/unavailable(_:)`` (a 503 with Retry-After; the transaction
/// was never committed, and ingest may be sent again). Only a close that lands within the instant between the check
/// and the write is left to the driver.
struct GuardedConnection: Sendable {
    let connection: PostgresConnection

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }

    static let lost = StoreError.unavailable("the connection to PostgreSQL was lost (database stopped or unreachable); try again shortly")

    private func ensureOpen() throws {
        if connection.isClosed { throw Self.lost }
    }

    @discardableResult
    func query(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try ensureOpen()
        return try await connection.query(query, logger: logger, file: file, line: line)
    }

    func copyFrom(table: String, columns: [String], logger: Logger, file: String = #fileID, line: Int = #line,
                  writeData: (PostgresCopyFromWriter) async throws -> Void) async throws {
        try ensureOpen()
        try await connection.copyFrom(table: table, columns: columns, logger: logger, file: file, line: line, writeData: writeData)
    }

    /// BEGIN, the body, COMMIT — or ROLLBACK when the body throws, unless the connection is gone (the server rolls
    /// back on its own then). PostgresNIO's own `withTransaction` is not used: it sends ROLLBACK on a closed
    /// connection, which hangs as above. Errors come out as themselves (no wrapper): the body's, or COMMIT's when the
    /// outcome is unknown — the caller answers 503 and ingest may be sent again.
    func withTransaction<Result>(logger: Logger, _ body: (GuardedConnection) async throws -> Result) async throws -> Result {
        try await query("BEGIN;", logger: logger)
        let value: Result
        do {
            value = try await body(self)
        } catch {
            if !connection.isClosed { _ = try? await query("ROLLBACK;", logger: logger) }
            throw error
        }
        try await query("COMMIT;", logger: logger)
        return value
    }
}
#endif
