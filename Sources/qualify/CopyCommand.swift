import ArgumentParser
import Foundation
import QualifyApp
import QualifyStore

struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Move a deployment to another database (SQLite → PostgreSQL, or any direction), then verify the copy.",
        discussion: """
            Copies everything, row for row with its ids: model versions (same version numbers), the event log (every \
            event with its id, lead, type, time, properties and received time), leads and accounts, stage history, \
            merges, quarantine, API keys (their hashes) and the outbox. The target must be empty (a new PostgreSQL \
            database, or a SQLite file that does not exist yet); a target holding anything is refused. Stop the \
            servers writing to the source first. Then it verifies: row counts per table, and per lead its fit \
            points, grade, stage, engagement, its event log (count and digest) and its ledger replayed from the \
            copied events, equal in source and target; any difference is printed and the exit status is 1. \
            Example: qualify copy --from qualify.sqlite --to postgres://qualify:secret@db:5432/qualify
            """)

    @Option(help: ArgumentHelp("The database to copy: a SQLite file (or sqlite:PATH) or a PostgreSQL URL.", valueName: "path-or-url"))
    var from: String
    @Option(help: ArgumentHelp("The empty database to fill: a SQLite file (created) or a PostgreSQL URL.", valueName: "path-or-url"))
    var to: String
    @Flag(help: "Copy nothing: only compare --to with --from (after a copy, or after the source moved on).")
    var verifyOnly = false

    func run() async throws {
        let source = DatabaseLocation(from), target = DatabaseLocation(to)
        do {
            try await copy(source, target)
        } catch let error as CopyError {
            throw Failure(error.description)
        } catch let error as StoreOpener.OpenError {
            throw Failure(error.description)
        }
    }

    func copy(_ source: DatabaseLocation, _ target: DatabaseLocation) async throws {
        if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) { throw CopyError.sourceMissing(source) }
        if source == target { throw CopyError.sameDatabase(source) }
        if verifyOnly, case .sqlite(let path) = target, !FileManager.default.fileExists(atPath: path) { throw CopyError.sourceMissing(target) }
        let from = try await StoreOpener.openForCopy(self.from)
        try await DeploymentCopy.requireKnownSchema(from, named: source)
        let to = try await StoreOpener.openForCopy(self.to)
        try await DeploymentCopy.requireKnownSchema(to, named: target)
        let bar = ProgressBar()

        if !verifyOnly {
            try await DeploymentCopy.requireEmpty(to, named: target)
            print("copying \(source) → \(target)")
            let started = Date()
            let results = try await DeploymentCopy.copy(from: from, to: to) { p in
                bar.count(p.copied, "of \(p.total) rows of \(p.table)")
            }
            bar.finish()
            let seconds = Date().timeIntervalSince(started)
            for r in results {
                print("  \(r.table.padding(toLength: 14, withPad: " ", startingAt: 0))\(String(r.rows).leftPadded(10)) rows  \(String(format: "%6.1f s", r.seconds))")
            }
            let rows = results.reduce(0) { $0 + $1.rows }
            let events = results.first { $0.table == "event" }
            print(String(format: "copied %d rows in %.1f s", rows, seconds)
                  + (events.map { String(format: " (%d events at %.0f/s)", $0.rows, Double($0.rows) / max($0.seconds, 0.001)) } ?? ""))
        }

        print("verifying \(target) against \(source)")
        let started = Date()
        let verification = try await DeploymentCopy.verify(
            source: from, sourceLists: try StoreOpener.lists(forDatabase: self.from),
            target: to, targetLists: try StoreOpener.lists(forDatabase: self.to)) { n in bar.count(n, "leads compared") }
        bar.finish()
        print("  table             source    target")
        for t in verification.tables {
            print("  \(t.table.padding(toLength: 14, withPad: " ", startingAt: 0))\(String(t.source).leftPadded(10))\(String(t.target).leftPadded(10))  \(t.isEqual ? "equal" : "DIFFERENT")")
        }
        print("  leads: \(verification.leadsCompared) compared (fit points, grade, stage, engagement, event log, ledger replayed from the events), \(verification.differing) differ"
              + String(format: " (%.1f s)", Date().timeIntervalSince(started)))
        for d in verification.differences { print("    \(d)") }
        if verification.differing > verification.differences.count {
            print("    … and \(verification.differing - verification.differences.count) more")
        }
        for file in DeploymentCopy.filesBeside(source: self.from, target: self.to) {
            print("note: \(file.source) belongs to the source's deployment but lives beside the database, not in it: "
                  + "copy it to \(file.target) for the target to use it")
        }
        guard verification.passed else {
            throw Failure("verification failed: \(target) differs from \(source) (see above)"
                          + (verifyOnly ? "" : "; the target holds the copy as made: empty it before copying again"))
        }
        print("verified: \(target) equals \(source)")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
