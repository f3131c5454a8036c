import Foundation
import QualifyCore
import QualifyModelFile
@testable import QualifySQLite
import QualifyStore
import QualifyUseCases
import Testing

/// Activating a model rescores every lead, a page at a time with the scoring of one page beside the reading and
/// writing of the next (``Rescorer``): over several pages every lead must end as a replay of its own events says,
/// and every stage move must be reported and sent to the outbox once.
@Suite struct RescoreTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!

    @Test func everyLeadOverSeveralPagesEndsAsItsReplay() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-rescore-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteLeadStore(path: dir.appendingPathComponent("q.sqlite").path)
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: Self.t0)
        let count = Rescorer.pageSize * 2 + 77
        let keys = (0..<count).map { try! EmailAddress.parse("lead\($0)@firm\($0 % 13).io").get() }
        _ = try await store.upsertLeads(keys.enumerated().map { i, key in
            LeadUpsert(key: key, fields: ["job_title": i % 3 == 0 ? "CTO" : "Analyst"], origin: "\(i)")
        }, source: "crm", at: Self.t0)
        let types = ["content_download", "webinar_register", "page_view", "demo_request"]
        var events: [IncomingEvent] = []
        for (i, key) in keys.enumerated() where i % 5 != 4 {  // every fifth lead has no event at all
            for n in 0..<(1 + i % 3) {
                events.append(IncomingEvent(id: EventID("e\(i)-\(n)"), email: key.email, type: types[(i + n) % (i % 7 == 0 ? 4 : 3)],
                                            at: Self.t0.adding(.days(Int64(1 + n))), properties: ["url": "/pricing"]))
            }
        }
        let now = Self.t0.adding(.days(10))
        _ = try await store.ingest(events, options: IngestOptions(), now: now)
        let outboxBefore = try await store.latestOutboxID()

        var changed = ModelFile.defaultModel()
        changed.name = "webinars-only"
        changed.stages = changed.stages.map { $0.stage == .iql ? StageRule(stage: .iql, when: .event("webinar_register", [])) : $0 }
        let (version, report) = try await store.activate(changed, source: "webinars-only", at: now)
        #expect(report.leads == count)
        #expect(report.stageChanged > 0 && report.stageChanged < count, "\(report.stageChanged)")

        let engine = try Engine(model: changed, lists: .builtIn)
        for key in keys {
            let record = try #require(try await store.lead(key))
            let replay = engine.replay(key, events: record.events)
            #expect(record.state == replay.state && record.modelVersion == version.version, "\(key.email)")
        }
        let moves = try await store.outboxMessages(after: outboxBefore, limit: count + 1)
        #expect(moves.count == report.stageChanged)
        #expect(Set(moves.map(\.payload)).count == moves.count, "one message per moved lead")
    }
}
