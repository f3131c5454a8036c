#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import Synchronization
import QualifyStore

/// One store operation as one transaction (``GuardedConnection/withTransaction(logger:_:)``: BEGIN, COMMIT, or
/// ROLLBACK when the body throws). The body's own error comes out as itself, not wrapped, so callers see a ``StoreError``.
/// A transaction the server aborted to break a deadlock (40P01) or a serialization failure (40001) is run again
/// from the start: its work is idempotent and nothing of it was kept.
enum PostgresTransaction {
    static let attempts = 5

    static func run<Result: Sendable>(_ client: PostgresClient, logger: Logger, wait: Duration,
                                      _ body: @escaping @Sendable (GuardedConnection) async throws -> Result) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await leased(client, logger: logger, wait: wait, body)
            } catch {
                if attempt < attempts, isRetryable(error) {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
                    continue
                }
                throw error
            }
        }
    }

    /// A connection from the pool and a transaction on it, answered as soon as one of these happens:
    /// - the transaction ends: its result or error;
    /// - no connection was handed over within `wait`: ``StoreError/unavailable(_:)`` (the pool retries a database it
    ///   cannot reach without end; its wait is cancelled);
    /// - the connection closed while the transaction ran and no result came within 0.2 s: ``GuardedConnection/lost``.
    ///   PostgresNIO 1.33.2 can leave a statement that was in flight when its connection died waiting for ever (a write
    ///   to the closed channel is dropped; ``GuardedConnection`` closes most of that window but not all of it, 1 in
    ///   15–20 hard stops under load in reliability/'s pg_outage). The stuck task is left behind, suspended — a few
    ///   kilobytes; its connection is gone from the pool — instead of holding the request, and with it the server's
    ///   graceful stop, for ever. The transaction it ran was never committed (a commit is its last statement, and a
    ///   result that arrives within the grace period is kept).
    /// The body runs in a task of its own for that reason; a caller's cancellation is passed on to it.
    private static func leased<Result: Sendable>(_ client: PostgresClient, logger: Logger, wait: Duration,
                                                 _ body: @escaping @Sendable (GuardedConnection) async throws -> Result) async throws -> Result {
        let race = TransactionRace<Result>()
        let task = Task {
            try await client.withConnection { connection in
                race.started()
                connection.closeFuture.whenComplete { _ in
                    Task {
                        try? await Task.sleep(for: .milliseconds(200))
                        race.finish(.failure(GuardedConnection.lost))
                    }
                }
                return try await GuardedConnection(connection).withTransaction(logger: logger) { db in try await body(db) }
            }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                race.attach(continuation)
                Task { race.finish(await task.result) }
                Task {
                    try? await Task.sleep(for: wait)
                    guard !race.hasStarted else { return }
                    task.cancel()
                    race.finish(.failure(StoreError.unavailable(
                        "the PostgreSQL database gave no connection within \(wait.components.seconds) s (is it running and reachable?); try again shortly")))
                }
            }
        } onCancel: {
            task.cancel()
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
/// Who answers a transaction first (see ``PostgresTransaction``): its result, the lease timer or its connection's
/// close. The first result is kept (also when it comes before the caller waits) and given once.
private final class TransactionRace<Result: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result, any Error>?
        var result: Swift.Result<Result, any Error>?
        var delivered = false
        var started = false
    }
    private let state = Mutex(State())

    func started() { state.withLock { $0.started = true } }
    var hasStarted: Bool { state.withLock { $0.started } }

    func attach(_ continuation: CheckedContinuation<Result, any Error>) {
        let ready = state.withLock { s -> (CheckedContinuation<Result, any Error>, Swift.Result<Result, any Error>)? in
            guard !s.delivered else { return nil }
            if let result = s.result {
                s.delivered = true
                return (continuation, result)
            }
            s.continuation = continuation
            return nil
        }
        if let (c, r) = ready { c.resume(with: r) }
    }

    func finish(_ result: Swift.Result<Result, any Error>) {
        let ready = state.withLock { s -> CheckedContinuation<Result, any Error>? in
            guard !s.delivered, s.result == nil else { return nil }
            guard let c = s.continuation else {
                s.result = result
                return nil
            }
            s.delivered = true
            s.continuation = nil
            return c
        }
        ready?.resume(with: result)
    }
}
#endif
