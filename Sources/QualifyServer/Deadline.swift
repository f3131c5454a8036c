import Synchronization

/// Runs an operation for at most a given time without waiting for it past that: the answer for a probe that must
/// come back within its deadline even when the operation is stuck (a database connection that neither answers nor
/// fails). A late operation is cancelled and left to end on its own.
enum Deadline {
    /// The operation's result, or nil when it has not finished within `limit`.
    static func within<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        let task = Task { try await operation() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T?, any Error>) in
                let once = ResumeOnce(continuation)
                Task {
                    let result = await task.result
                    once.resume(with: result.map { Optional($0) })
                }
                Task {
                    try? await Task.sleep(for: limit)
                    task.cancel()
                    once.resume(with: .success(nil))
                }
            }
        } onCancel: {
            task.cancel()
        }
    }
}

/// A continuation resumed by whichever of two racers comes first; the second is ignored.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>
    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }
    func resume(with result: Result<T, any Error>) {
        let taken = continuation.withLock { c -> CheckedContinuation<T, any Error>? in
            defer { c = nil }
            return c
        }
        taken?.resume(with: result)
    }
}
