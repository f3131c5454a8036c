import GRDB
import QualifyStore

extension SQLiteLeadStore {
    /// The migrations this build knows, in order (the PostgreSQL store has the same names).
    public static var migrationNames: [String] { Migrations.names }

    /// Where the schema stands against this build's migrations.
    public func schemaStatus() async throws -> SchemaStatus {
        try await read { db in try Self.schemaStatus(db) }
    }

    /// The migrations recorded in `grdb_migrations` (none in a new file), against ``Migrations/names``.
    static func schemaStatus(_ db: Database) throws -> SchemaStatus {
        guard try db.tableExists("grdb_migrations") else { return SchemaStatus(applied: [], known: Migrations.names) }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        return SchemaStatus(applied: applied, known: Migrations.names)
    }

    /// Applies what `policy` allows (each migration in its own transaction) and returns the names applied.
    static func migrate(_ writer: any DatabaseWriter, policy: MigrationPolicy) throws -> [String] {
        let status = try writer.read { db in try schemaStatus(db) }
        let toRun = try status.migrationsToRun(policy).get()
        guard !toRun.isEmpty else { return [] }
        // another process may migrate at the same moment (each migration checks under the write lock): report what
        // the database gained
        let before = Set(status.applied)
        try Migrations.migrator.migrate(writer)
        return try writer.read { db in try schemaStatus(db) }.applied.filter { !before.contains($0) }
    }
}
