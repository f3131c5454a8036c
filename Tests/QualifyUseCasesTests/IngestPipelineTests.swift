import Foundation
import QualifyCore
import QualifySQLite
import QualifyStore
@testable import QualifyUseCases
import Testing

/// A request's events split into batches with two in flight (``IngestPipeline``) end as every event sent alone:
/// the same outcome per event in the order sent (a duplicate id across batches included), the same leads, the same
/// stage moves announced once.
@Suite struct IngestPipelineTests {
    @Test func eventsSplitIntoBatchesInFlightEndAsEveryEventAlone() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-pipeline-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let piped = try await ScoredAheadTests.open(dir, "piped.sqlite"), single = try await ScoredAheadTests.open(dir, "single.sqlite")
        let options = IngestOptions(createLeads: true)
        // both batches of the scored-ahead case as one request, plus an id sent again far from its first use
        var events = ScoredAheadTests.batches.flatMap { $0 }
        events.append(events[5])
        let pipeline = IngestPipeline(store: piped, options: options, now: ScoredAheadTests.now, batchSize: 64)
        #expect(piped.ingestWriters > 1 && events.count > 2 * pipeline.batchSize, "several batches, two in flight")
        let outcomes = try await pipeline.ingest(events)
        var expected: [IngestOutcome] = []
        for event in events { expected += try await single.ingest([event], options: options, now: ScoredAheadTests.now) }
        #expect(outcomes == expected)
        #expect(outcomes.last == .duplicate && outcomes.filter { $0 == .duplicate }.count == 3)
        for lead in Array(0..<40) + [900] {
            let a = try await piped.lead(ScoredAheadTests.key(lead)), b = try await single.lead(ScoredAheadTests.key(lead))
            #expect(a != nil && a?.state == b?.state, "lead \(lead)")
        }
        func messages(_ store: SQLiteLeadStore) async throws -> [String] {
            try await store.outboxMessages(after: 0, limit: 1000).map(\.payload).sorted()
        }
        let got = try await messages(piped), want = try await messages(single)
        #expect(!got.isEmpty && got == want)
    }

    @Test func aLeadsLaterEventsWaitBehindOneThatWaits() {
        func event(_ id: String, _ email: String) -> IncomingEvent {
            IncomingEvent(id: EventID(id), email: email, type: "page_view", at: Timestamp(millis: 0))
        }
        let pending = EventBatch(events: [event("busy", "a@x.io"), event("e2", "A@X.io"), event("e3", "b@x.io")], origins: [2, 3, 4])
        let (go, wait) = IngestPipeline.split(pending, busyLeads: [], busyIDs: [EventID("busy")])
        #expect(go.origins == [4] && wait.origins == [2, 3], "a@x.io's second event may not overtake its first")
    }
}
