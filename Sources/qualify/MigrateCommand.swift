import ArgumentParser
import QualifyApp
import QualifyStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database's schema up to date: apply the migrations this qualify has and the database lacks.",
        discussion: """
            A new database is created whole by any command. An existing one whose schema is behind this qualify is \
            refused by every other command (serve included) until it is migrated: upgrading the schema is a \
            deliberate step, taken once, after a backup. A database written by a newer qualify (migrations this one \
            does not know) is refused here too: upgrade qualify instead. On PostgreSQL the migrations run under an \
            advisory lock, so instances migrating together apply each one once. Migrations: \
            \(StoreOpener.knownMigrations.joined(separator: ", ")) (the same names on SQLite and PostgreSQL).
            """)

    @Flag(name: [.customLong("status"), .customLong("dry-run")], help: "List applied and pending migrations; change nothing.")
    var status = false
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let place = DatabaseLocation(db.location)
        if status { return try await printStatus(place) }
        let applied: [String]
        do { applied = try await StoreOpener.migrate(db.location) } catch let error as StoreOpener.OpenError {
            throw Failure(error.description)
        } catch {
            throw Failure("cannot migrate database '\(place)': \(error)")
        }
        if applied.isEmpty {
            print("database \(place): up to date (\(StoreOpener.knownMigrations.joined(separator: ", ")))")
        } else {
            for name in applied { print("applied \(name)") }
            print("database \(place): up to date")
            if applied.contains("v14-follow-ups") {
                print("note: leads stored before v14-follow-ups have no nurture history yet (offers taken, follow-ups): activating a model "
                      + "folds their events again — `qualify model activate FILE`, e.g. with the offers: and follow_up: of `qualify model show-default`")
            }
        }
    }

    func printStatus(_ place: DatabaseLocation) async throws {
        let found: SchemaStatus?
        do { found = try await StoreOpener.schemaStatus(db.location) } catch {
            throw Failure("cannot read the schema of database '\(place)': \(error)")
        }
        guard let status = found else {
            print("no database at \(place): any command creates it with \(StoreOpener.knownMigrations.joined(separator: ", "))")
            return
        }
        let width = (status.known + status.unknown).map(\.count).max() ?? 0
        print("database \(place)")
        for name in status.known {
            print("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(status.applied.contains(name) ? "applied" : "pending")")
        }
        for name in status.unknown {
            print("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  unknown (written by a newer qualify)")
        }
        if !status.unknown.isEmpty {
            print("written by a newer qualify: upgrade qualify to use it")
        } else if status.isNew {
            print("empty: \(place.migrateCommand) (or any command) creates the schema")
        } else if status.pending.isEmpty {
            print("up to date")
        } else {
            print("\(status.pending.count) pending: \(place.migrateCommand)")
        }
    }
}
