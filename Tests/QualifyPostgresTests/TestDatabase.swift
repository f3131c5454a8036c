import Foundation
import PostgresNIO
@testable import QualifyPostgres

/// The server the PostgreSQL tests use (`QUALIFY_TEST_POSTGRES_URL`; .ci/run starts one and sets it), or nil.
let postgresTestURL: String? = ProcessInfo.processInfo.environment["QUALIFY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// A fresh, empty database of its own for one test, dropped afterwards, so tests run in parallel on one server.
enum TestDatabase {
    static func with<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        guard let server = postgresTestURL else { throw TestDatabaseError("QUALIFY_TEST_POSTGRES_URL is not set") }
        let name = "qt_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try await PostgresAdmin.create(database: name, serverURL: server)
        let url = try PostgresAdmin.url(server, database: name)
        do {
            let result = try await body(url)
            try await PostgresAdmin.drop(database: name, serverURL: server)
            return result
        } catch {
            try? await PostgresAdmin.drop(database: name, serverURL: server)
            throw error
        }
    }

    /// Runs `body` on a store connected to a fresh database, and closes it.
    static func withStore<Result>(_ body: (PostgresLeadStore) async throws -> Result) async throws -> Result {
        try await with { url in
            let store = try await PostgresLeadStore.connect(url: url, maximumConnections: 4)
            do {
                let result = try await body(store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }
}

struct TestDatabaseError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension PostgresAdmin {
    /// The first column of every row `query` returns, as text (for tests that look at the schema).
    static func strings(_ url: String, _ query: PostgresQuery) async throws -> [String] {
        let client = PostgresClient(configuration: try PostgresURL(url).configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var values: [String] = []
            for try await value in try await client.query(query).decode(String.self) { values.append(value) }
            return values
        }
    }
}
