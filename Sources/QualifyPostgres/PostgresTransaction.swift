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
                                      _ body: (GuardedConnection) async throws -> Result) async throws -> Result {
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

    /// A connection from the pool and a transaction on it, failing as ``StoreError/unavailable(_:)`` when no
    /// connection is handed over within `wait`: the pool retries a database it cannot reach without end, so without this every request
    /// would hang for as long as the database is down. Once the body runs, it runs to its end as before. The pool's
    /// wait for a connection ends when its task is cancelled, which is how the timer stops it.
    private static func leased<Result: Sendable>(_ client: PostgresClient, logger: Logger, wait: Duration,
                                                 _ body: (GuardedConnection) async throws -> Result) async throws -> Result {
        try await withoutActuallyEscaping(body) { body in
            // the body runs in a child task while this task waits for the group: never concurrently with its caller
            let work = UncheckedSendable(body)
            let started = StartFlag()
            return try await withThrowingTaskGroup(of: Outcome<Result>.self) { group in
                group.addTask {
                    .done(try await client.withConnection { connection in
                        started.set()
                        return try await GuardedConnection(connection).withTransaction(logger: logger) { db in try await work.value(db) }
                    })
                }
                group.addTask {
                    try await Task.sleep(for: wait)
                    guard started.isSet else {
                        throw StoreError.unavailable("the PostgreSQL database gave no connection within \(wait.components.seconds) s (is it running and reachable?); try again shortly")
                    }
                    return .waited
                }
                while let outcome = try await group.next() {
                    if case .done(let result) = outcome {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
        }
    }

    private enum Outcome<Result: Sendable>: Sendable {
        case done(Result)
        case waited
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
/// Set once a transaction's body has started (its connection leased): read by the timer that gives up waiting.
private final class StartFlag: Sendable {
    private let started = Mutex(false)
    func set() { started.withLock { $0 = true } }
    var isSet: Bool { started.withLock { $0 } }
}

/// A value handed to a child task the caller waits for (``PostgresTransaction``'s body, never run concurrently with
/// the task that owns it).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
#endif
