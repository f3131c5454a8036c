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
                throw PostgresFailure.from(error)
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
    ///   graceful stop, for ever. A result that arrives within the grace period is kept; when the connection died
    ///   during COMMIT the outcome is unknown to us, and the 503 asks for the request again (ingest is idempotent).
    ///   A network cut that neither resets nor closes the connection is not seen here: TCP decides when it fails.
    /// The body runs in a task of its own for that reason; a caller's cancellation is passed on to it.
    private static func leased<Result: Sendable>(_ client: PostgresClient, logger: Logger, wait: Duration,
                                                 _ body: @escaping @Sendable (GuardedConnection) async throws -> Result) async throws -> Result {
        let race = TransactionRace<Result>()
        let task = Task {
            try await client.withConnection { connection in
                // the lease and the timer decide once: a connection handed over after the timer fired is not used
                guard race.start() else { throw CancellationError() }
                let watch = ClosedConnections.shared.watch(connection) {
                    Task {
                        try? await Task.sleep(for: .milliseconds(200))
                        race.finish(.failure(GuardedConnection.lost))
                    }
                }
                defer { ClosedConnections.shared.unwatch(connection, watch) }
                return try await GuardedConnection(connection).withTransaction(logger: logger) { db in try await body(db) }
            }
        }
        let timer = Task {
            try await Task.sleep(for: wait)
            guard race.timeOut() else { return }
            task.cancel()
            race.finish(.failure(StoreError.unavailable(
                "the PostgreSQL database gave no connection within \(wait.components.seconds) s (is it running and reachable?); try again shortly")))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                race.attach(continuation)
                Task { race.finish(await task.result) }
            }
        } onCancel: {
            task.cancel()
        }
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState] ?? (error as? PostgresFailure)?.sqlState
    }

    static func isRetryable(_ error: any Error) -> Bool {
        sqlState(error) == "40P01" || sqlState(error) == "40001"
    }

    /// 23505: a unique constraint refused a row.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        sqlState(error) == "23505"
    }
}
/// A PostgreSQL error as the rest of the program sees it: its SQLSTATE and the server's message, never the
/// statement's bound values or the server's detail line (`Key (email)=(…)`), which `String(reflecting:)` of a
/// `PSQLError` prints and a log must not carry. A data exception (SQLSTATE class 22: a value the column cannot hold)
/// is the request's fault and says so (``StoreError/invalidValue(_:)``); anything else stays ours and passing.
struct PostgresFailure: Error, CustomStringConvertible {
    var code: String
    var sqlState: String?
    var message: String?

    var description: String {
        "PostgreSQL \(code)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "") + (message.map { ": \($0)" } ?? "")
    }

    static func from(_ error: any Error) -> any Error {
        guard let psql = error as? PSQLError else { return error }
        let state = psql.serverInfo?[.sqlState]
        let message = psql.serverInfo?[.message]
        if let state, state.hasPrefix("22") {
            return StoreError.invalidValue("PostgreSQL refused a value: \(message ?? "data exception") (SQLSTATE \(state))")
        }
        return PostgresFailure(code: "\(psql.code)", sqlState: state, message: message)
    }
}

/// One close callback per connection, whatever number of transactions ran on it: `closeFuture.whenComplete`
/// cannot be undone, so a callback per transaction would pile up on a pooled connection that lives for hours. The
/// callbacks of the transactions running on a connection when it closes are called once.
final class ClosedConnections: Sendable {
    static let shared = ClosedConnections()

    private struct Entry {
        var callbacks: [UInt64: @Sendable () -> Void] = [:]
    }
    private let state = Mutex<(next: UInt64, entries: [ObjectIdentifier: Entry])>((0, [:]))

    /// Calls `onClose` when `connection` closes (at once if it has), until ``unwatch(_:_:)``.
    func watch(_ connection: PostgresConnection, onClose: @escaping @Sendable () -> Void) -> UInt64 {
        let id = ObjectIdentifier(connection)
        let (token, first) = state.withLock { s -> (UInt64, Bool) in
            s.next += 1
            let first = s.entries[id] == nil
            s.entries[id, default: Entry()].callbacks[s.next] = onClose
            return (s.next, first)
        }
        if first {
            connection.closeFuture.whenComplete { [self] _ in
                let callbacks = state.withLock { s in s.entries.removeValue(forKey: id)?.callbacks.values.map { $0 } ?? [] }
                callbacks.forEach { $0() }
            }
        }
        return token
    }

    func unwatch(_ connection: PostgresConnection, _ token: UInt64) {
        state.withLock { s in _ = s.entries[ObjectIdentifier(connection)]?.callbacks.removeValue(forKey: token) }
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
        var timedOut = false
    }
    private let state = Mutex(State())

    /// The transaction may begin: false when the timer already gave up on it.
    func start() -> Bool {
        state.withLock { s in
            guard !s.timedOut else { return false }
            s.started = true
            return true
        }
    }

    /// The timer gives up: false when the transaction already began (it is then waited for).
    func timeOut() -> Bool {
        state.withLock { s in
            guard !s.started else { return false }
            s.timedOut = true
            return true
        }
    }

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
