import Foundation
import QualifySQLite
import QualifyStore
import QualifyStoreConformance
import Testing

@Suite struct SQLiteConformanceTests {
    @Test(arguments: StoreConformance.cases.map(\.name))
    func inMemoryStorePassesConformance(_ name: String) async throws {
        try await StoreConformance.run(name, on: try SQLiteLeadStore.inMemory())
    }

    @Test(arguments: StoreConformance.cases.map(\.name))
    func fileStorePassesConformance(_ name: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-test-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await StoreConformance.run(name, on: try SQLiteLeadStore(path: dir.appendingPathComponent("q.sqlite").path))
    }
}
