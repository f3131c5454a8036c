import Foundation
import QualifyApp
import QualifyCore
import QualifySQLite
import Testing

/// What `qualify serve` opens: the same store (it moves SQLite's checkpoints beside the writer as it starts, which
/// `CheckpointIntervalTests` covers).
struct StoreOpenerServingTests {
    @Test func aStoreOpenedForServingIsTheStoreWithTheModelActive() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-opener-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("q.sqlite").path
        let now = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        let plain = try #require(try await StoreOpener.open(path, now: now) as? SQLiteLeadStore)
        #expect(try await plain.checkpointInterval() == 1000)
        let serving = try #require(try await StoreOpener.open(path, now: now) as? SQLiteLeadStore)
        #expect(try await serving.checkpointInterval() == 1000, "the writer's checkpoints move only when the checkpointer starts")
        #expect(try await serving.activeModel() != nil)
    }
}
