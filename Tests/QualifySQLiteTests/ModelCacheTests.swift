import Foundation
import QualifyCore
import QualifyModelFile
import QualifySQLite
import QualifyStore
import QualifyUseCases
import Testing

/// The store keeps the compiled active model between transactions; a model activated through another store on the
/// same file (another process or server instance) must still be the one the next event is scored with.
@Suite struct ModelCacheTests {
    @Test func aModelActivatedByAnotherStoreOnTheSameFileScoresTheNextEvent() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-cache-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("q.sqlite").path
        let first = try SQLiteLeadStore(path: path), second = try SQLiteLeadStore(path: path)
        let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        _ = try await first.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: t0)
        let key = try EmailAddress.parse("ada@acme.io").get()
        _ = try await first.upsertLeads([LeadUpsert(key: key, fields: ["job_title": "CTO"], origin: "t")], source: "t", at: t0)
        let now = t0.adding(.days(3))
        _ = try await first.ingest([IncomingEvent(id: EventID("a1"), email: key.email, type: "content_download", at: t0.adding(.days(1)))],
                                   options: IngestOptions(), now: now)
        #expect(try await first.lead(key)?.state.stage == .iql, "the default model: a download makes an IQL")

        var noDownloads = ModelFile.defaultModel()
        noDownloads.name = "no-downloads"
        noDownloads.stages = noDownloads.stages.map { $0.stage == .iql ? StageRule(stage: .iql, when: .event("webinar_register", [])) : $0 }
        _ = try await second.activate(noDownloads, source: "no-downloads", at: now)

        let other = try EmailAddress.parse("bo@acme.io").get()
        _ = try await first.upsertLeads([LeadUpsert(key: other, fields: ["job_title": "CTO"], origin: "t")], source: "t", at: now)
        _ = try await first.ingest([IncomingEvent(id: EventID("b1"), email: other.email, type: "content_download", at: now)],
                                   options: IngestOptions(), now: now)
        let lead = try await first.lead(other)
        #expect(lead?.modelVersion == 2 && lead?.state.stage == .new, "scored under version 2: \(String(describing: lead?.state.stage))")
    }
}

/// SQLite's WAL checkpoints: the writer's interval (a commit that runs one holds the writer while it syncs), and the
/// checkpointer `qualify serve` runs beside the writer instead.
@Suite struct CheckpointIntervalTests {
    @Test func theWritersCheckpointIntervalIsSetAndReadBack() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-ckpt-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteLeadStore(path: dir.appendingPathComponent("q.sqlite").path)
        #expect(try await store.checkpointInterval() == 1000, "SQLite's default")
        try await store.setCheckpointInterval(pages: SQLiteLeadStore.bulkCheckpointPages)
        #expect(try await store.checkpointInterval() == 50_000)
        try await store.setCheckpointInterval(pages: 0)
        #expect(try await store.checkpointInterval() == 1, "never off: an unbounded log would grow without end")
    }

    /// Writes stay in the log while the writer's own checkpoints are far off; the background checkpointer copies all
    /// of it into the file, and the writer then starts the log over instead of growing it.
    @Test func theBackgroundCheckpointerCopiesTheLogAndTheWriterStartsItOver() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-ckpt-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteLeadStore(path: dir.appendingPathComponent("q.sqlite").path)
        try await store.setCheckpointInterval(pages: SQLiteLeadStore.bulkCheckpointPages)
        let now = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: now)
        func write(_ round: Int) async throws {
            _ = try await store.upsertLeads((0..<300).map {
                LeadUpsert(key: try! EmailAddress.parse("lead\($0)@firm\($0).io").get(), fields: ["job_title": "CTO round \(round)"], origin: "t")
            }, source: "t", at: now)
        }
        try await write(1)
        let checkpointer = try #require(try store.backgroundCheckpointer())
        let first = try await checkpointer.checkpoint()
        #expect(first.logPages > 50 && first.copiedPages == first.logPages, "the whole log copied: \(first)")
        #expect(try await checkpointer.checkpoint().copiedPages == first.logPages, "nothing new: the same log, all copied")
        try await write(2)
        let second = try await checkpointer.checkpoint()
        #expect(second.copiedPages == second.logPages && second.logPages < first.logPages + 10,
                "the second round's pages written over the start of the log, not after the first's: \(first) then \(second)")
        #expect(try SQLiteLeadStore.inMemory().backgroundCheckpointer() == nil, "an in-memory store has no log")
    }
}
