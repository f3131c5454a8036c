import GRDB

/// One writer at a time, across suspension points. A use case's transaction (``SQLiteTransaction``) spans several
/// hops onto GRDB's writer connection with awaits between them, so every other write — and, on an in-memory
/// `DatabaseQueue`, every read, which shares the one connection — waits here until that transaction has committed or
/// rolled back. First come, first served.
actor WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

extension WriteGate {
    /// Runs `body` holding the gate.
    nonisolated func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
