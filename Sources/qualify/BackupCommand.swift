import ArgumentParser
import Foundation
import QualifyApp
import QualifySQLite
import QualifyStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a SQLite database consistently, even while qualify serve writes to it.",
        discussion: """
            Uses SQLite's VACUUM INTO: the copy holds every write committed before it began, in one file with no \
            write-ahead log to carry along; the server goes on meanwhile. Copying the .sqlite file by hand while a \
            server runs can miss writes still in its -wal file. The target must not exist. On PostgreSQL use \
            pg_dump (`pg_dump 'postgres://…' > qualify.sql`).
            """)

    @Option(help: ArgumentHelp("The copy to write (must not exist).", valueName: "file")) var to: String
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let place = DatabaseLocation(db.location)
        guard case .sqlite(let path) = place else {
            throw Failure("\(place) is a PostgreSQL database: back it up with pg_dump (pg_dump '\(place)' > qualify.sql)")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure("no database at \(path) to back up (give it with --database)")
        }
        guard !FileManager.default.fileExists(atPath: to) else {
            throw Failure("\(to) exists; give a new file name (a backup never overwrites)")
        }
        // opened as it is: a backup is what one takes before `qualify migrate`, so a schema behind this qualify is
        // copied, not refused, and nothing (a default model) is written to the source
        let sqlite: SQLiteLeadStore
        do { sqlite = try SQLiteLeadStore.open(path: path, migrations: .inspectOnly).store } catch {
            throw Failure("cannot open \(path) as a SQLite database: \(error)")
        }
        let started = Date()
        do { try await sqlite.backup(to: to) } catch {
            throw Failure("could not write the backup to \(to): \(error) (is its folder there and writable, and is there room?)")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: to)[.size]) as? Int) ?? 0
        print("backed up \(path) to \(to) (\(size / 1024) KiB in \(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
    }
}
