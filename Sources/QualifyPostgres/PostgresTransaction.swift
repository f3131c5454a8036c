#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyStore

/// One store operation as one transaction, with PostgresNIO's `withTransaction` (BEGIN, COMMIT, or ROLLBACK when the
/// body throws). The body's own error comes out as itself, not wrapped, so callers see a ``StoreError``.
/// A transaction the server aborted to break a deadlock (40P01) or a serialization failure (40001) is run again
/// from the start: its work is idempotent and nothing of it was kept.
enum PostgresTransaction {
    static let attempts = 5

    static func run<Result: Sendable>(_ client: PostgresClient, logger: Logger,
                                      _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as PostgresTransactionError {
                let cause = error.closureError ?? error.commitError ?? error.beginError ?? error
                if attempt < attempts, isRetryable(cause) {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
                    continue
                }
                throw cause
            }
        }
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    static func isRetryable(_ error: any Error) -> Bool {
        sqlState(error) == "40P01" || sqlState(error) == "40001"
    }

    /// 23505: a unique constraint refused a row.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        sqlState(error) == "23505"
    }
}
#endif
