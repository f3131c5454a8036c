import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

extension HygieneListKind: ExpressibleByArgument {}

struct ListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists",
        abstract: "The lists behind list hygiene (disposable, allowlist, free-mail, role): where each comes from, newer copies.",
        discussion: """
            Bundled lists ship with qualify (see their ATTRIBUTION.md). `qualify lists update` checks a newer file and \
            copies it into a qualify-lists/ folder beside the database; from then on that copy replaces the bundled \
            list of its kind. `qualify lists reset` goes back to the bundled one.
            """,
        subcommands: [Show.self, Update.self, Reset.self],
        defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each list's size and where it came from.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let dir = HygieneListLoader.overrideDirectory(forDatabase: db.location)
            let loaded: LoadedHygieneLists
            do { loaded = try HygieneListLoader.load(overrideDirectory: dir) } catch { throw Failure("cannot load the hygiene lists: \(error)") }
            // not `table()`: it cuts cells at 40 characters, and the source paths must show whole
            let rows = [["LIST", "ENTRIES", "WHAT", "SOURCE"]] + loaded.origins.map { o in
                [o.kind.rawValue, "\(o.count)", o.kind.summary, o.isUpdated ? "updated copy: \(o.source)" : o.source]
            }
            let widths = (0..<3).map { c in rows.map { $0[c].count }.max() ?? 0 }
            for r in rows {
                print((0..<3).map { r[$0] + String(repeating: " ", count: widths[$0] - r[$0].count) }.joined(separator: "  ") + "  " + r[3])
            }
            for o in loaded.origins {
                if let note = o.note { print("\(o.kind.rawValue): \(note)") }
                if o.skipped > 0 { print("\(o.kind.rawValue): \(o.skipped) line(s) skipped (not a \(o.kind.holdsDomains ? "domain" : "local part"))") }
            }
            print("updated copies go to \(dir.path)")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install newer lists (one entry a line, or a JSON array of strings) beside the database.")
        @Option(help: ArgumentHelp("Disposable domains (replaces both bundled disposable lists).", valueName: "file")) var disposable: String?
        @Option(help: ArgumentHelp("Domains that are never disposable.", valueName: "file")) var allowlist: String?
        @Option(help: ArgumentHelp("Free-mail provider domains.", valueName: "file")) var free: String?
        @Option(help: ArgumentHelp("Role local parts (info, sales …).", valueName: "file")) var role: String?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            if [disposable, allowlist, free, role].allSatisfy({ $0 == nil }) {
                throw ValidationError("nothing to update: pass at least one of --disposable, --allowlist, --free, --role with a file")
            }
        }

        func run() async throws {
            let dir = HygieneListLoader.overrideDirectory(forDatabase: db.location)
            let now = Date()
            for (kind, path) in [(HygieneListKind.disposable, disposable), (.allowlist, allowlist), (.free, free), (.role, role)] {
                guard let path else { continue }
                let report: HygieneListUpdate.Report
                do { report = try HygieneListUpdate.install(kind, from: path, into: dir, now: now) } catch { throw Failure("\(error)") }
                print("\(kind.rawValue): \(report.entries) entries from \(path) → \(report.destination.path)")
                if !report.skipped.isEmpty {
                    let shown = report.skipped.prefix(5).map { "line \($0.line) '\($0.text)'" }.joined(separator: ", ")
                    printError("\(kind.rawValue): skipped \(report.skipped.count) line(s) that are not \(kind.holdsDomains ? "domains" : "local parts"): \(shown)\(report.skipped.count > 5 ? ", …" : "")")
                }
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove updated copies, so the bundled lists are used again.")
        @Argument(help: "The lists to reset (disposable, allowlist, free, role); all when none is named.") var kinds: [HygieneListKind] = []
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let dir = HygieneListLoader.overrideDirectory(forDatabase: db.location)
            for kind in kinds.isEmpty ? HygieneListKind.allCases : kinds {
                let removed = try HygieneListUpdate.reset(kind, in: dir)
                print("\(kind.rawValue): \(removed ? "back to the bundled list" : "already the bundled list")")
            }
        }
    }
}
