import Dispatch

/// Where a use case's transaction on SQLite runs: one serial queue of its own, preferred by the transaction's task
/// (`withTaskExecutorPreference`) while it holds or waits for the ``WriteGate``.
///
/// Why: SQLite has one writer, so transactions run one after another. On the shared cooperative pool, a transaction
/// handed the gate waits for a free thread before it can start, and the writer sits idle meanwhile (two threads here,
/// both busy decoding and answering other requests); single-event `POST /events` lost a third of its throughput to
/// that. On their own serial queue, waiting transactions run back to back, as GRDB's writer queue ran them when each
/// request was one closure. The rest of a request (decoding, answering) stays on the cooperative pool.
final class WriterExecutor: TaskExecutor, Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
