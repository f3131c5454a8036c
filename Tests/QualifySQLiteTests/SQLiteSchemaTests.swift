import Foundation
import GRDB
import QualifyCore
@testable import QualifySQLite
import QualifyStore
import Testing

/// The rules of opening a database (as plain values), then the SQLite store applying them to real files: a new file is
/// created whole, a schema behind is refused until migrated, a schema ahead (a newer qualify's) is refused always.
@Suite struct SQLiteSchemaTests {
    static let known = ["v1-core", "v2-quarantine", "v3-api-keys"]

    struct Case: Sendable, CustomTestStringConvertible {
        var applied: [String]
        var policy: MigrationPolicy
        var expected: Result<[String], StoreError>
        var testDescription: String { "\(applied) under \(policy)" }
    }

    static let cases: [Case] = [
        Case(applied: [], policy: .createIfNew, expected: .success(known)),
        Case(applied: known, policy: .createIfNew, expected: .success([])),
        Case(applied: ["v1-core", "v2-quarantine"], policy: .createIfNew, expected: .failure(.schemaBehind(pending: ["v3-api-keys"]))),
        Case(applied: ["v1-core", "v2-quarantine"], policy: .applyPending, expected: .success(["v3-api-keys"])),
        Case(applied: [], policy: .applyPending, expected: .success(known)),
        Case(applied: known + ["v9-future"], policy: .createIfNew, expected: .failure(.schemaAhead(unknown: ["v9-future"]))),
        Case(applied: known + ["v9-future"], policy: .applyPending, expected: .failure(.schemaAhead(unknown: ["v9-future"]))),
        Case(applied: ["v1-core", "v9-future"], policy: .applyPending, expected: .failure(.schemaAhead(unknown: ["v9-future"]))),
        Case(applied: ["v1-core"], policy: .inspectOnly, expected: .success([])),
        Case(applied: known + ["v9-future"], policy: .inspectOnly, expected: .success([])),
    ]

    @Test(arguments: cases)
    func openingFollowsTheSchemaRules(_ c: Case) {
        #expect(SchemaStatus(applied: c.applied, known: Self.known).migrationsToRun(c.policy) == c.expected)
    }

    @Test func theStoreKnowsTheSameMigrationsAsTheRulesAbove() {
        #expect(SQLiteLeadStore.migrationNames.starts(with: Self.known))
    }

    func withFile(_ body: (String) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-schema-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(dir.appendingPathComponent("q.sqlite").path)
    }

    @Test func aNewFileIsCreatedWithEveryMigration() async throws {
        try await withFile { path in
            let (store, applied) = try SQLiteLeadStore.open(path: path, migrations: .createIfNew)
            #expect(applied == SQLiteLeadStore.migrationNames)
            #expect(try await store.schemaStatus().isCurrent)
            let again = try SQLiteLeadStore.open(path: path, migrations: .createIfNew)
            #expect(again.applied.isEmpty)
        }
    }

    @Test func aSchemaBehindIsRefusedUntilMigrated() async throws {
        try await withFile { path in
            let (store, _) = try SQLiteLeadStore.open(path: path, migrations: .createIfNew)
            // as a database written before v3-api-keys: its record and what it made are gone
            try await store.writer.write { db in
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-api-keys'")
                try db.execute(sql: "DROP TABLE api_key")
                try db.execute(sql: "DROP INDEX lead_updated")
            }
            #expect(throws: StoreError.schemaBehind(pending: ["v3-api-keys"])) {
                try SQLiteLeadStore.open(path: path, migrations: .createIfNew)
            }
            let status = try await SQLiteLeadStore.open(path: path, migrations: .inspectOnly).store.schemaStatus()
            #expect(status.pending == ["v3-api-keys"] && status.applied == ["v1-core", "v2-quarantine", "v4-email-identity", "v5-event-lead-unchecked", "v6-lead-owner", "v7-queue-indexes", "v8-webhooks", "v9-routing", "v10-sla-due", "v11-users", "v12-queue-band", "v13-owner-any-case", "v14-follow-ups"])

            let (migrated, applied) = try SQLiteLeadStore.open(path: path, migrations: .applyPending)
            #expect(applied == ["v3-api-keys"])
            let key = APIKeyRecord(id: "qk_test", name: "t", role: .admin, createdAt: Timestamp(millis: 1_767_225_600_000))
            try await migrated.createAPIKey(key, secretHash: "h")
            #expect(try await migrated.apiKeys() == [key])
            #expect(try SQLiteLeadStore.open(path: path, migrations: .createIfNew).applied.isEmpty)
        }
    }

    @Test func aSchemaAheadIsRefusedEvenByMigrate() async throws {
        try await withFile { path in
            let (store, _) = try SQLiteLeadStore.open(path: path, migrations: .createIfNew)
            try await store.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v9-future')")
            }
            for policy in [MigrationPolicy.createIfNew, .applyPending] {
                #expect(throws: StoreError.schemaAhead(unknown: ["v9-future"])) {
                    try SQLiteLeadStore.open(path: path, migrations: policy)
                }
            }
            let status = try await SQLiteLeadStore.open(path: path, migrations: .inspectOnly).store.schemaStatus()
            #expect(status.unknown == ["v9-future"] && status.pending.isEmpty)
        }
    }
}
