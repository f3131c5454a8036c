import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

@main
struct Qualify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qualify",
        abstract: "Qualify B2B leads: fit grade, engagement with decay, IQL/MQL/SQL stages, explained to the last point.",
        discussion: """
            Data lives in one SQLite file (./qualify.sqlite unless --database or $QUALIFY_DATABASE says otherwise), \
            created on first use with the built-in model active (see `qualify model show-default`). An existing \
            database whose schema is behind this qualify is refused until `qualify migrate` upgrades it. PostgreSQL \
            (--database postgres://…) needs a qualify built with the Postgres package trait, the default.

            A first session:
              qualify demo --leads 1000 --seed 7 --out demo
              qualify import leads demo/leads.csv
              qualify import events demo/events.csv
              qualify leads --limit 10            # the SQLs, then the MQLs
              E=$(qualify leads --limit 1 --format csv | sed -n 2p | cut -d, -f1)
              qualify lead "$E"                   # the top lead's card
              qualify users add you@example.com --role admin   # then: qualify serve
            """,
        subcommands: [
            ModelCommand.self, ImportCommand.self, LeadsCommand.self, LeadCommand.self, RescoreCommand.self,
            StageCommand.self, DemoCommand.self, StatsCommand.self, AbcXyzCommand.self, IcpCommand.self, TrainCommand.self, PredictCommand.self,
            VerifyCommand.self, ListsCommand.self, ServeCommand.self, KeysCommand.self, QualifyLeadCommand.self, CalibrationCommand.self,
            MigrateCommand.self, CopyCommand.self, WebhooksCommand.self, LogCommand.self, AssignCommand.self, EscalateCommand.self, SLACommand.self,
            UsersCommand.self, BackupCommand.self, ExportCommand.self, FunnelCommand.self, AccountsCommand.self, AccountCommand.self, FollowUpsCommand.self, OffersCommand.self,
        ])
}

/// Options every command that touches data shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite database file (or sqlite:PATH), or a PostgreSQL URL postgres://user[:password]@host[:port]/database.", valueName: "path-or-url"))
    var database: String?

    var location: String {
        database ?? QualifyEnvironment.current.database ?? StoreOpener.defaultPath
    }

    /// Opens the store (see ``StoreOpener/open(_:now:)``).
    func open(now: Timestamp) async throws -> any QualifyStorage {
        try await opening { try await StoreOpener.open(location, now: now) }
    }

    /// Opens the store and its lead cards, with the installed lists read once (``Installation/open(_:now:)``).
    func cards(now: Timestamp) async throws -> LeadCards {
        try await opening { try await Installation.open(location, now: now) }
    }

    private func opening<T>(_ open: () async throws -> T) async throws -> T {
        do {
            return try await open()
        } catch let error as StoreOpener.OpenError {
            switch error {
            case .schemaBehind, .schemaAhead: throw Failure(error.description)
            case .unsupported: throw Failure("cannot open database '\(DatabaseLocation(location))': \(error)")
            }
        } catch {
            throw Failure("cannot open database '\(DatabaseLocation(location))': \(error)")
        }
    }
}

/// Output formats for listings.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Writes to standard error (progress, warnings, rejected rows).
/// A value as the `--format json` of the commands prints it: indented, keys sorted.
func prettyJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// When a recorded action happened: `--at` (ISO-8601) or now; a bad value names the option and the form it takes.
func actionTime(_ at: String?, now: Timestamp) throws -> Timestamp {
    guard let at else { return now }
    guard let t = Timestamp(iso8601: at) else { throw ValidationError("--at '\(at)' is not a time like 2026-12-04T10:30:00Z") }
    return t
}

/// Who did a recorded action: `--by`, else the login name, else "someone".
func actor(_ by: String?) -> String { by ?? QualifyEnvironment.current.user ?? "someone" }

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Fails the command with a message and exit code 1 (ArgumentParser prints it).
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A progress bar on a terminal (standard error), silent otherwise.
final class ProgressBar: Sendable {
    let enabled: Bool
    let started = ContinuousClock.now
    init() {
        enabled = isatty(STDERR_FILENO) == 1 && !QualifyEnvironment.current.isCI
    }

    /// The time left at the rate so far, once there is a rate to go by.
    static func eta(fraction: Double, elapsed: Duration) -> String? {
        guard fraction > 0.02, fraction < 1 else { return nil }
        let seconds = Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * (1 - fraction) / fraction)
        return seconds >= 60 ? "\(seconds / 60)m \(seconds % 60)s left" : "\(seconds)s left"
    }

    func update(_ p: ImportProgress) {
        guard enabled else { return }
        let width = 30
        let filled = Int(p.fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let eta = Self.eta(fraction: p.fraction, elapsed: ContinuousClock.now - started).map { "  \($0)" } ?? ""
        let text = "\r\(p.file) \(bar) \(Int(p.fraction * 100))%  \(p.rows) rows  \(p.rejected) rejected\(eta)\u{1B}[K"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// A count without a known end ("1,000 leads read").
    func count(_ n: Int, _ what: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(n) \(what)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
