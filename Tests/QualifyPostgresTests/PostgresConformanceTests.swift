import Foundation
import QualifyPostgres
import QualifyStore
import QualifyStoreConformance
import Testing

@Suite struct PostgresConformanceTests {
    @Test(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"),
          arguments: StoreConformance.cases.map(\.name))
    func postgresStorePassesConformance(_ name: String) async throws {
        try await TestDatabase.withStore { store in try await StoreConformance.run(name, on: store) }
    }

    @Test func continuousIntegrationAlwaysRunsThePostgreSQLTests() {
        if ProcessInfo.processInfo.environment["CI"] == "true", postgresTestURL == nil {
            Issue.record("CI=true but QUALIFY_TEST_POSTGRES_URL is not set: the PostgreSQL store would go untested (.ci/run starts a server and sets it)")
        }
    }
}
