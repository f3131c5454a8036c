import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import leads (CSV) or events (CSV or JSON lines). Bad rows are reported with their line; good rows land.",
        subcommands: [Leads.self, Events.self])

    struct Leads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import leads from a CSV export (headers auto-mapped), deduplicated by normalized email and merged.",
            discussion: """
                Recognised headers include Email, First Name, Last Name, Company, Job Title, Industry, Number of Employees, \
                Country, Lead Source, Phone, Website, City, State, Annual Revenue, Create Date, Lead Owner, Record ID / Lead \
                ID / Contact ID (kept as crm_id) and common variants. Other columns are kept as custom fields (snake_case); \
                a column meaning a field another column already fills (Mobile beside Phone) is kept under its own name. \
                The delimiter is read from the header line. Create dates may be ISO-8601, M/D/YYYY (or D/M/YYYY with \
                --day-first), D.M.YYYY or YYYY/MM/DD; a date that cannot be read is reported and the lead dated at \
                import. Later non-empty values win; every merge is recorded. Each batch of rows is one transaction; \
                importing the same file again changes nothing.
                """)
        @Argument(help: "The CSV file (UTF-8, first line is the header).") var file: String
        @Option(name: .customLong("map"), parsing: .singleValue,
                help: ArgumentHelp("Map a column to a field, e.g. --map 'E-Mail Adresse=email'. Repeatable.", valueName: "column=field"))
        var maps: [String] = []
        @Option(help: "Write every rejected row (line and reason) to this CSV file.") var rejects: String?
        @Option(help: "The delimiter: comma, semicolon, tab or pipe (default: read from the header line).") var delimiter: String?
        @Flag(help: "Read ambiguous dates like 03/06/2025 day first (3 June) instead of month first (6 March).") var dayFirst = false
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            if let delimiter, CSVDialect.delimiter(named: delimiter) == nil {
                throw ValidationError("--delimiter '\(delimiter)' is not comma, semicolon, tab or pipe")
            }
        }

        func run() async throws {
            var overrides: [String: String] = [:]
            for m in maps {
                let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ValidationError("--map '\(m)' is not COLUMN=FIELD")
                }
                overrides[parts[0]] = LeadFields.snakeCase(parts[1])
            }
            try requireReadableFile(file)
            let now = Timestamp.now()
            let store = try await db.open(now: now)
            let bar = ProgressBar()
            let started = Date()
            let importer = LeadImporter(store: store, overrides: overrides, delimiter: delimiter.flatMap(CSVDialect.delimiter(named:)),
                                        dayFirst: dayFirst)
            let report = try await StoreOpener.bulkLoading(store) { try await importer.run(path: file, now: now, progress: bar.update) }
            bar.finish()
            let seconds = Date().timeIntervalSince(started)
            if let mapping = report.mapping {
                print("columns: " + mapping.recognized.map { "\($0.column)→\($0.field)" }.joined(separator: ", "))
                if !mapping.custom.isEmpty {
                    print("kept as custom fields: " + mapping.custom.map { "\($0.column)→\($0.field)" }.joined(separator: ", "))
                }
                for r in mapping.renamed {
                    print("note: column '\(r.column)' also means \(r.insteadOf), which an earlier column fills; kept as '\(r.field)' (choose with --map '\(r.column)=FIELD')")
                }
            }
            if report.delimiter != 44 {
                print("delimiter: \(CSVDialect.delimiters.first { $0.byte == report.delimiter }?.name ?? "?")")
            }
            if report.undated > 0 {
                let examples = report.undatedExamples.map { "line \($0.line): '\($0.value)'" }.joined(separator: ", ")
                print("warning: \(report.undated) create date\(report.undated == 1 ? "" : "s") could not be read (\(examples)); those leads are dated at import\(dayFirst ? "" : " — if the file writes day first (25/03/2025), import again with --day-first")")
            }
            print("\(file): \(report.rows) rows in \(String(format: "%.1f", seconds)) s — \(report.created) created, \(report.merged) merged, \(report.unchanged) unchanged, \(report.rejected.count) rejected")
            try reportRejects(report.rejected, file: file, rejectsPath: rejects)
            if !report.rejected.isEmpty && report.created + report.merged + report.unchanged == 0 {
                throw ExitCode(1)
            }
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import events, idempotent by event id: importing the same file twice changes nothing.",
            discussion: """
                CSV: columns id, email, type, at (aliases like event_id, timestamp, occurred_at are accepted; name \
                others with --map 'Activity Date=at'); any other column becomes a property (e.g. url). Times are \
                ISO-8601 or a date with an optional time of day (3/1/2025 2:05 PM, month first unless --day-first), \
                read as UTC. JSON lines: one object per line with id, email, type, at and an optional "properties" \
                object. A file without ids gets an id per event derived from its content (address, type, time, \
                properties; the n-th identical row is the n-th event), so importing it twice changes nothing. Events \
                for emails with no lead are rejected unless --create-leads. Events more than 5 minutes in the future \
                are rejected.
                """)
        @Argument(help: "The events file (.csv, or .jsonl/.ndjson for JSON lines).") var file: String
        @Option(help: "Force the format instead of guessing from the extension (csv or jsonl).") var format: String?
        @Flag(help: "Create a bare lead for an event whose email is unknown (default: reject the event).") var createLeads = false
        @Option(help: "Events per transaction.") var batchSize = 5000
        @Option(help: "Write every rejected row (line and reason) to this CSV file.") var rejects: String?
        @Option(help: "The CSV delimiter: comma, semicolon, tab or pipe (default: read from the header line).") var delimiter: String?
        @Option(name: .customLong("map"), parsing: .singleValue,
                help: ArgumentHelp("Give a CSV column a role (id, email, type, at) or a property name, e.g. --map 'Activity Date=at'. Repeatable.",
                                   valueName: "column=role"))
        var maps: [String] = []
        @Flag(help: "Read ambiguous dates like 03/06/2025 day first (3 June) instead of month first (6 March).") var dayFirst = false
        @OptionGroup var db: DatabaseOptions

        /// --map's pairs, column → role or property.
        func overrides() throws -> [String: String] {
            var out: [String: String] = [:]
            for m in maps {
                let parts = m.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--map '\(m)' is not COLUMN=ROLE") }
                guard out[parts[0]] == nil else { throw ValidationError("--map names column '\(parts[0])' twice") }
                out[parts[0]] = parts[1]
            }
            return out
        }

        func validate() throws {
            _ = try overrides()
            if !maps.isEmpty, format == "jsonl" || (format == nil && EventImporter.format(forPath: file) == .jsonl) {
                throw ValidationError("--map applies to CSV files; JSON lines name their keys id, email, type, at and properties")
            }
            if let format, EventImporter.Format(rawValue: format) == nil {
                throw ValidationError("--format '\(format)' is not one of: csv, jsonl")
            }
            if let delimiter, CSVDialect.delimiter(named: delimiter) == nil {
                throw ValidationError("--delimiter '\(delimiter)' is not comma, semicolon, tab or pipe")
            }
            if batchSize < 1 || batchSize > 100_000 { throw ValidationError("--batch-size must be between 1 and 100000") }
        }

        func run() async throws {
            try requireReadableFile(file)
            let now = Timestamp.now()
            let store = try await db.open(now: now)
            let bar = ProgressBar()
            let started = Date()
            var importer = EventImporter(store: store, options: IngestOptions(createLeads: createLeads), batchSize: batchSize)
            importer.delimiter = delimiter.flatMap(CSVDialect.delimiter(named:))
            importer.maps = try overrides()
            importer.dayFirst = dayFirst
            let report = try await StoreOpener.bulkLoading(store) {
                try await importer.run(path: file, format: format.flatMap(EventImporter.Format.init(rawValue:)), now: now,
                                       progress: bar.update)
            }
            bar.finish()
            let seconds = Date().timeIntervalSince(started)
            let rate = seconds > 0 ? Double(report.rows) / seconds : 0
            if let model = try await store.activeModel()?.model {
                let unscored = UnscoredEventTypes.findings(report.typeCounts, model: model)
                for finding in unscored.prefix(10) { print("warning: " + finding.description) }
                if unscored.count > 10 { print("warning: … and \(unscored.count - 10) more event types no rule names") }
            }
            print("\(file): \(report.rows) events in \(String(format: "%.1f", seconds)) s (\(Int(rate)) events/s) — \(report.applied) applied, \(report.duplicates) duplicate, \(report.rejected.count) rejected")
            try reportRejects(report.rejected, file: file, rejectsPath: rejects)
            if !report.rejected.isEmpty && report.applied + report.duplicates == 0 {
                throw ExitCode(1)
            }
        }
    }
}

/// Prints the first rejected rows and, if asked, writes all of them to a CSV file.
func reportRejects(_ rejected: [RejectedRow], file: String, rejectsPath: String?) throws {
    guard !rejected.isEmpty else { return }
    let shown = 20
    for r in rejected.prefix(shown) { printError("\(file):\(r.line): \(r.reason)") }
    if rejected.count > shown {
        printError("… and \(rejected.count - shown) more\(rejectsPath == nil ? " (use --rejects FILE to list them all)" : "")")
    }
    if let rejectsPath {
        var text = "line,reason\n"
        for r in rejected { text += "\(r.line),\"\(r.reason.replacingOccurrences(of: "\"", with: "\"\""))\"\n" }
        do { try text.write(toFile: rejectsPath, atomically: true, encoding: .utf8) } catch {
            throw Failure("cannot write rejected rows to '\(rejectsPath)': \(error.localizedDescription)")
        }
        printError("rejected rows written to \(rejectsPath)")
    }
}

/// Checks an input file before anything is opened, so a mistyped name leaves no new database behind.
func requireReadableFile(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw Failure("\(path): no such file") }
    guard !isDirectory.boolValue else { throw Failure("\(path) is a directory; name the file to import") }
    guard FileManager.default.isReadableFile(atPath: path) else { throw Failure("\(path): not readable (check its permissions)") }
}
