import Foundation
import QualifyApp
import QualifyCore
import QualifySQLite
import Testing

/// What `qualify serve` opens: the same store, whose writer checkpoints only as a bound (the server checkpoints
/// beside it, ``BackgroundCheckpointer``).
struct StoreOpenerServingTests {
    @Test func aStoreOpenedForServingLeavesCheckpointsToTheBackground() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-opener-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("q.sqlite").path
        let now = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        let plain = try #require(try await StoreOpener.open(path, now: now) as? SQLiteLeadStore)
        #expect(try await plain.checkpointInterval() == 1000)
        let serving = try #require(try await StoreOpener.openForServing(path, now: now) as? SQLiteLeadStore)
        #expect(try await serving.checkpointInterval() == SQLiteLeadStore.bulkCheckpointPages)
        #expect(try await serving.activeModel() != nil)
    }
}
