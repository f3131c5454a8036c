import QualifyCore
@testable import QualifyPostgres
import QualifyStore
import Testing

/// The PostgreSQL store applies the same opening rules as SQLite (see SQLiteSchemaTests): a new database is created
/// whole, a schema behind is refused until migrated, a schema ahead is refused always.
@Suite(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
struct PostgresSchemaTests {
    @Test func aNewDatabaseIsCreatedWithEveryMigration() async throws {
        try await TestDatabase.with { url in
            let (store, applied) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .createIfNew)
            #expect(applied == PostgresMigrations.names)
            #expect(try await store.schemaStatus().isCurrent)
            await store.close()
            let again = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .createIfNew)
            #expect(again.applied.isEmpty)
            await again.store.close()
        }
    }

    @Test func instancesOpeningANewDatabaseTogetherAllOpenItAndCreateItOnce() async throws {
        try await TestDatabase.with { url in
            let opened = try await withThrowingTaskGroup(of: (PostgresLeadStore, [String]).self) { group in
                for _ in 0..<4 {
                    group.addTask { try await PostgresLeadStore.open(url: url, maximumConnections: 1, migrations: .createIfNew) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // none saw the schema half-made (that would have been refused as behind); each migration ran once
            #expect(opened.flatMap(\.1).sorted() == PostgresMigrations.names.sorted())
            for (store, _) in opened { await store.close() }
        }
    }

    @Test func aSchemaBehindIsRefusedUntilMigrated() async throws {
        try await TestDatabase.with { url in
            let (store, _) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .createIfNew)
            try await PostgresAdmin.execute(url, "DELETE FROM schema_migrations WHERE name = 'v3-api-keys'")
            try await PostgresAdmin.execute(url, "DROP TABLE api_key")
            try await PostgresAdmin.execute(url, "DROP INDEX lead_updated")
            await store.close()
            await #expect(throws: StoreError.schemaBehind(pending: ["v3-api-keys"])) {
                try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .createIfNew)
            }
            let (migrated, applied) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .applyPending)
            #expect(applied == ["v3-api-keys"])
            let key = APIKeyRecord(id: "qk_test", name: "t", role: .admin, createdAt: Timestamp(millis: 1_767_225_600_000))
            try await migrated.createAPIKey(key, secretHash: "h")
            #expect(try await migrated.apiKeys() == [key])
            await migrated.close()
        }
    }

    @Test func aSchemaAheadIsRefusedEvenByMigrate() async throws {
        try await TestDatabase.with { url in
            let (store, _) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .createIfNew)
            try await PostgresAdmin.execute(url, "INSERT INTO schema_migrations(name) VALUES ('v9-future')")
            #expect(try await store.schemaStatus().unknown == ["v9-future"])
            await store.close()
            for policy in [MigrationPolicy.createIfNew, .applyPending] {
                await #expect(throws: StoreError.schemaAhead(unknown: ["v9-future"])) {
                    try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: policy)
                }
            }
        }
    }
}
