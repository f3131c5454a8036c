import Foundation
import GRDB
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
    /// of it into the file, and the writer then starts the log over instead of growing it. A reader holding an old
    /// snapshot keeps the log growing; once it has gone the log starts over.
    @Test func theBackgroundCheckpointerCopiesTheLogAndTheWriterStartsItOver() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-ckpt-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("q.sqlite").path
        let store = try SQLiteLeadStore(path: path)
        let now = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: now)
        func write(_ round: Int) async throws {
            _ = try await store.upsertLeads((0..<300).map {
                LeadUpsert(key: try! EmailAddress.parse("lead\($0)@firm\($0).io").get(), fields: ["job_title": "CTO round \(round)"], origin: "t")
            }, source: "t", at: now)
        }
        let checkpointer = try #require(try await store.movingCheckpointsBesideTheWriter())
        #expect(try await store.checkpointInterval() == SQLiteLeadStore.bulkCheckpointPages, "the writer's own: only a bound")
        try await write(1)
        let first = try #require(try await checkpointer.checkpoint())
        #expect(first.logPages > 50 && first.copiedPages == first.logPages, "the whole log copied: \(first)")
        #expect(try await checkpointer.checkpoint()! == first, "nothing new: the same log, all copied")
        try await write(2)
        let second = try #require(try await checkpointer.checkpoint())
        #expect(second.copiedPages == second.logPages && second.logPages < first.logPages + 10,
                "the second round's pages written over the start of the log, not after the first's: \(first) then \(second)")

        // a reader on an old snapshot keeps the writer from starting over: the log grows
        var readerConfiguration = Configuration()
        readerConfiguration.allowsUnsafeTransactions = true  // the read transaction stays open between accesses
        let reader = try DatabaseQueue(path: path, configuration: readerConfiguration)
        try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM lead")  // the snapshot is held until COMMIT
        }
        for round in 3...6 { try await write(round) }
        let grown = try #require(try await checkpointer.checkpoint())
        #expect(grown.logPages > 2 * second.logPages, "grown while the reader held its snapshot: \(grown)")
        try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        _ = try await checkpointer.checkpoint()  // the reader has gone: the rest is copied
        try await write(7)
        let after = try #require(try await checkpointer.checkpoint())
        #expect(after.logPages < grown.logPages / 2, "started over: \(grown) then \(after)")
        #expect(try await SQLiteLeadStore.inMemory().movingCheckpointsBesideTheWriter() == nil, "an in-memory store has no log")
    }
}
