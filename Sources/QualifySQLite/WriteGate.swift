import Synchronization

/// One writer at a time, across suspension points. A use case's transaction (``SQLiteTransaction``) spans several
/// storage verbs with awaits between them, so every other write — and, on an in-memory `DatabaseQueue`, every read,
/// which shares the one connection — waits here until that transaction has committed or rolled back. First come,
/// first served.
///
/// A lock rather than an actor: taking a free gate and giving it back costs no suspension and no executor switch; a
/// caller that finds it taken waits on a continuation, resumed in order by ``release()`` (on the caller's preferred
/// executor: a transaction's is the ``WriterExecutor``).
final class WriteGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var next = 0   // index of the first waiter still waiting

        mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
            guard next < waiting.count else {
                waiting.removeAll(keepingCapacity: true)
                next = 0
                return nil
            }
            defer {
                next += 1
                if next >= 64, next * 2 >= waiting.count {
                    waiting.removeFirst(next)
                    next = 0
                }
            }
            return waiting[next]
        }
    }

    private let state = Mutex(State())

    init() {}

    func acquire() async {
        let taken = state.withLock { s in
            if s.busy { return false }
            s.busy = true
            return true
        }
        if taken { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let takenNow = state.withLock { s in
                if !s.busy {
                    s.busy = true
                    return true
                }
                s.waiting.append(waiter)
                return false
            }
            if takenNow { waiter.resume() }
        }
    }

    /// Hands the gate to the longest waiter, or frees it.
    func release() {
        let waiter = state.withLock { s in
            let next = s.takeWaiter()
            if next == nil { s.busy = false }
            return next
        }
        waiter?.resume()
    }
}

extension WriteGate {
    /// Runs `body` holding the gate.
    func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        await acquire()
        defer { release() }
        return try await body()
    }
}
