import Foundation
import GRDB
@testable import QualifyApp
@testable import QualifyPostgres
import Testing

/// `qualify migrate` and the refusal of a schema that is behind (or ahead of) this qualify, through the real executable.
@Suite(.serialized) struct MigrateCommandTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-migrate-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    var database: String { dir.appendingPathComponent("cli.sqlite").path }

    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: database)
        try queue.write { db in try db.execute(sql: sql) }
    }

    @Test func aNewDatabaseIsCreatedByAnyCommandAndMigrateThenHasNothingToDo() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try CLI.run(["migrate", "--status"], in: dir)
        #expect(none.status == 0 && none.out.contains("no database at"), "\(none.out)\(none.err)")
        #expect(!FileManager.default.fileExists(atPath: database), "--status creates nothing")
        let stats = try CLI.run(["stats"], in: dir)
        #expect(stats.status == 0 && stats.out.contains("model version 1"), "\(stats.out)\(stats.err)")
        let migrate = try CLI.run(["migrate"], in: dir)
        #expect(migrate.status == 0 && migrate.out.contains("up to date"), "\(migrate.out)\(migrate.err)")
        #expect(!migrate.out.contains("applied"), "\(migrate.out)")

        let fresh = try CLI.run(["migrate", "--database", "fresh.sqlite"], in: dir)
        #expect(fresh.status == 0, "\(fresh.err)")
        #expect(fresh.out.contains("applied v1-core\napplied v2-quarantine\napplied v3-api-keys\n"), "\(fresh.out)")
    }

    @Test func serveAndEveryOtherCommandRefuseASchemaBehindUntilMigrated() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLI.run(["stats"], in: dir).status == 0)
        // as a database written by a qualify from before v3-api-keys
        try tamper("DELETE FROM grdb_migrations WHERE identifier = 'v3-api-keys'; DROP TABLE api_key; DROP INDEX lead_updated")

        let serve = try CLI.run(["serve", "--port", "0"], in: dir, timeLimit: 60)
        #expect(serve.status != 0, "\(serve.out)")
        #expect(serve.err.contains("behind this qualify: migration v3-api-keys is not applied"), "\(serve.err)")
        #expect(serve.err.contains("qualify migrate --database \(database)"), "\(serve.err)")
        for command in [["stats"], ["leads"], ["keys", "list"]] {
            let refused = try CLI.run(command, in: dir)
            #expect(refused.status != 0 && refused.err.contains("v3-api-keys"), "\(command): \(refused.out)\(refused.err)")
        }

        let status = try CLI.run(["migrate", "--dry-run"], in: dir)
        #expect(status.status == 0, "\(status.err)")
        let lines = status.out.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("v1-core applied") && lines.contains("v3-api-keys pending"), "\(status.out)")
        #expect(status.out.contains("1 pending"), "\(status.out)")

        let migrate = try CLI.run(["migrate"], in: dir)
        #expect(migrate.status == 0 && migrate.out.contains("applied v3-api-keys"), "\(migrate.out)\(migrate.err)")
        let again = try CLI.run(["migrate"], in: dir)
        #expect(again.status == 0 && again.out.contains("up to date") && !again.out.contains("applied v"), "\(again.out)")
        let key = try CLI.run(["keys", "create", "--role", "admin"], in: dir)
        #expect(key.status == 0 && key.out.hasPrefix("qk_"), "\(key.out)\(key.err)")
    }

    @Test func aDatabaseWrittenByANewerQualifyIsRefusedEvenByMigrate() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLI.run(["stats"], in: dir).status == 0)
        try tamper("INSERT INTO grdb_migrations(identifier) VALUES ('v9-from-the-future')")
        for command in [["serve", "--port", "0"], ["migrate"], ["stats"]] {
            let refused = try CLI.run(command, in: dir, timeLimit: 60)
            #expect(refused.status != 0, "\(command)")
            #expect(refused.err.contains("written by a newer qualify") && refused.err.contains("v9-from-the-future")
                    && refused.err.contains("upgrade qualify"), "\(command): \(refused.err)")
        }
        let status = try CLI.run(["migrate", "--status"], in: dir)
        #expect(status.status == 0 && status.out.contains("v9-from-the-future") && status.out.contains("unknown"), "\(status.out)\(status.err)")
    }

    @Test func theFixingCommandNeverShowsAPassword() {
        let place = DatabaseLocation("postgres://qualify:s3cret@db.example:5432/qualify?sslmode=require")
        #expect(place.description == "postgres://qualify:***@db.example:5432/qualify?sslmode=require")
        #expect(place.migrateCommand == "qualify migrate --database 'postgres://qualify:***@db.example:5432/qualify?sslmode=require'")
        let message = StoreOpener.OpenError.schemaBehind(place, pending: ["v3-api-keys"]).description
        #expect(!message.contains("s3cret") && message.contains("password in place of ***"), "\(message)")
        #expect(DatabaseLocation("sqlite:data/q.sqlite").migrateCommand == "qualify migrate --database data/q.sqlite")
        #expect(DatabaseLocation("my data/q.sqlite").migrateCommand == "qualify migrate --database 'my data/q.sqlite'")
    }

    @Test(.enabled(if: postgresURL != nil || inCI, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
    func postgresIsRefusedAndMigratedTheSameWay() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard let server = postgresURL else {
            Issue.record("CI=true but QUALIFY_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
            return
        }
        let name = "qtm_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try await PostgresAdmin.create(database: name, serverURL: server)
        do {
            try await refuseAndMigrate(try PostgresAdmin.url(server, database: name))
        } catch {
            try? await PostgresAdmin.drop(database: name, serverURL: server)
            throw error
        }
        try await PostgresAdmin.drop(database: name, serverURL: server)
    }

    func refuseAndMigrate(_ url: String) async throws {
        #expect(try CLI.run(["stats", "--database", url], in: dir).status == 0)
        try await PostgresAdmin.execute(url, "DELETE FROM schema_migrations WHERE name = 'v3-api-keys'")
        try await PostgresAdmin.execute(url, "DROP TABLE api_key")
        try await PostgresAdmin.execute(url, "DROP INDEX lead_updated")
        let serve = try CLI.run(["serve", "--port", "0", "--database", url], in: dir, timeLimit: 60)
        #expect(serve.status != 0 && serve.err.contains("v3-api-keys") && serve.err.contains("qualify migrate --database"), "\(serve.err)")
        let migrate = try CLI.run(["migrate", "--database", url], in: dir)
        #expect(migrate.status == 0 && migrate.out.contains("applied v3-api-keys"), "\(migrate.out)\(migrate.err)")
        try await PostgresAdmin.execute(url, "INSERT INTO schema_migrations(name) VALUES ('v9-from-the-future')")
        let ahead = try CLI.run(["stats", "--database", url], in: dir)
        #expect(ahead.status != 0 && ahead.err.contains("written by a newer qualify"), "\(ahead.err)")
    }
}

private let postgresURL = ProcessInfo.processInfo.environment["QUALIFY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
private let inCI = ProcessInfo.processInfo.environment["CI"] != nil
