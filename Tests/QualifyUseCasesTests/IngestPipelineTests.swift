import Foundation
import QualifyCore
import QualifySQLite
import QualifyStore
@testable import QualifyUseCases
import Testing

/// A request's events split into batches with two in flight (``IngestPipeline``) end as the request written in one
/// batch (what `POST /events/batch` did before): the same outcome per event in the order sent (a duplicate id across
/// batches included), the same stage moves announced once — each lead's events stay in one batch, so a late event
/// among them is folded in time order as one batch folds it — and the same leads as every event sent alone.
@Suite struct IngestPipelineTests {
    @Test func eventsSplitIntoBatchesInFlightEndAsTheRequestInOneBatch() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-pipeline-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let piped = try await ScoredAheadTests.open(dir, "piped.sqlite"), whole = try await ScoredAheadTests.open(dir, "whole.sqlite")
        let single = try await ScoredAheadTests.open(dir, "single.sqlite")
        let options = IngestOptions(createLeads: true)
        // both batches of the scored-ahead case as one request, plus an id sent again far from its first use (for the
        // same lead, so in the same batch: an id sent for two leads keeps the request in one batch, leadGroups' test)
        var events = ScoredAheadTests.batches.flatMap { $0 }
        events.append(events[5])
        let pipeline = IngestPipeline(store: piped, options: options, now: ScoredAheadTests.now, batchSize: 100)
        let groups = IngestPipeline.leadGroups(events, count: 2)
        #expect(piped.ingestWriters > 1 && groups.count == 2, "two batches, in flight together")
        #expect(groups.allSatisfy { $0.count >= ScoredAhead.minimumEvents }, "each large enough to be scored ahead: \(groups.map(\.count))")
        let outcomes = try await pipeline.ingest(events)
        let expected = try await whole.ingest(events, options: options, now: ScoredAheadTests.now)
        #expect(outcomes == expected)
        #expect(outcomes.last == .duplicate && outcomes.filter { $0 == .duplicate }.count == 3)
        for event in events { _ = try await single.ingest([event], options: options, now: ScoredAheadTests.now) }
        for lead in Array(0..<40) + [900] {
            let a = try await piped.lead(ScoredAheadTests.key(lead)), b = try await whole.lead(ScoredAheadTests.key(lead))
            let c = try await single.lead(ScoredAheadTests.key(lead))
            #expect(a != nil && a?.state == b?.state && a?.state == c?.state, "lead \(lead)")
        }
        func messages(_ store: SQLiteLeadStore) async throws -> [String] {
            try await store.outboxMessages(after: 0, limit: 1000).map(\.payload).sorted()
        }
        let got = try await messages(piped), want = try await messages(whole)
        #expect(!got.isEmpty && got == want, "\(Set(got).symmetricDifference(Set(want)).sorted())")
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

extension IngestPipelineTests {
    static func event(_ id: String, _ email: String) -> IncomingEvent {
        IncomingEvent(id: EventID(id), email: email, type: "page_view", at: Timestamp(millis: 0))
    }

    @Test func aRequestIsCutByLeadSoNoBatchWaitsForAnother() {
        let emails = ["a@x.io", "b@x.io", "A@X.io", "c@x.io", "d@x.io", "b@x.io", "c@x.io", "a@x.io"]
        let events = emails.enumerated().map { Self.event("e\($0.offset)", $0.element) }
        let groups = IngestPipeline.leadGroups(events, count: 2)
        #expect(groups.count == 2 && groups.flatMap { $0 }.sorted() == Array(events.indices), "every event once")
        #expect(groups.allSatisfy { $0 == $0.sorted() }, "in the order sent")
        let leads = groups.map { Set($0.map { IngestPipeline.leadIdentity(events[$0].email) }) }
        #expect(leads[0].isDisjoint(with: leads[1]), "a lead's events in one group: \(groups)")
        #expect(groups[0].count == 4 && groups[1].count == 4, "balanced: \(groups)")
        // one lead only, or an id sent for two leads: one group
        #expect(IngestPipeline.leadGroups((0..<6).map { Self.event("s\($0)", "solo@x.io") }, count: 3).count == 1)
        #expect(IngestPipeline.leadGroups([Self.event("same", "a@x.io"), Self.event("same", "b@x.io")], count: 2).count == 1)
    }
}
