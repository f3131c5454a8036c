import CoreMetrics
import Foundation
import Prometheus
import QualifyCore
import QualifyStore
import Synchronization

/// The Prometheus metrics: Hummingbird's request counters and latencies (by route template, through swift-metrics),
/// events ingested by outcome, and stage transitions by from/to.
///
/// Stage transitions are read from the outbox, where the store records every one in the transaction that caused it:
/// each instance counts the transitions recorded since it started (by any instance), so over several instances on
/// one database take the max, not the sum.
final class ServerMetrics: Sendable {
    /// One registry per process: swift-metrics can be bootstrapped only once.
    static let shared = ServerMetrics()

    let registry: PrometheusCollectorRegistry

    private init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names allow [a-zA-Z0-9_:]; swift-metrics labels use dots (hb.requests → hb_requests)
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.sanitize(name), labels.map { (Self.sanitize($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }

    static func sanitize(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" ? $0 : "_" })
    }

    func ingested(_ outcomes: [IngestOutcome]) {
        var applied = 0, duplicate = 0, rejected = 0
        for o in outcomes {
            switch o {
            case .applied: applied += 1
            case .duplicate: duplicate += 1
            case .rejected: rejected += 1
            }
        }
        for (status, n) in [("applied", applied), ("duplicate", duplicate), ("rejected", rejected)] where n > 0 {
            registry.makeCounter(descriptor: Self.ingestedEvents, labels: [("status", status)]).increment(by: Int64(n))
        }
    }

    func stageTransition(from: Stage, to: Stage) {
        registry.makeCounter(descriptor: Self.stageTransitions, labels: [("from", from.rawValue), ("to", to.rawValue)]).increment()
    }

    // the metrics' names (`qualify_events_ingested_total`, `qualify_stage_transitions_total`) and help lines
    static var ingestedEvents: MetricNameDescriptor { MetricNameDescriptor(namespace: "qualify", metricName: "events_ingested", unitName: "total",
                                                     helpText: "Events posted to the API, by outcome (applied, duplicate, rejected).") }
    static var stageTransitions: MetricNameDescriptor { MetricNameDescriptor(namespace: "qualify", metricName: "stage_transitions", unitName: "total",
                                                       helpText: "Stage changes recorded since the server started, by from and to stage.") }

    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Counts stage transitions for the metrics from one store's outbox, from where it stood when the server started.
final class TransitionCounter: Sendable {
    let store: any LeadStore
    let metrics: ServerMetrics
    private let cursor = Mutex<Int64?>(nil)
    private let reading = Mutex(false)

    init(store: any LeadStore, metrics: ServerMetrics) {
        self.store = store
        self.metrics = metrics
    }

    /// Starts counting from the outbox's current end.
    func start() async throws {
        let latest = try await store.latestOutboxID()
        cursor.withLock { if $0 == nil { $0 = latest } }
    }

    /// Counts the stage transitions (automatic and people's) recorded since the last call; run at each scrape.
    func count() async {
        guard reading.withLock({ busy in defer { busy = true }; return !busy }) else { return }
        defer { reading.withLock { $0 = false } }
        guard var position = cursor.withLock({ $0 }) else { return }
        while let batch = try? await store.outboxMessages(after: position, limit: 5_000), !batch.isEmpty {
            for message in batch {
                switch message.event {
                case .stageChanged(_, let change, _)?: metrics.stageTransition(from: change.from, to: change.to)
                case .assigned?, .slaBreached?, .followUpDue?, nil: continue
                }
            }
            position = batch.last!.id
            cursor.withLock { $0 = position }
        }
    }
}

