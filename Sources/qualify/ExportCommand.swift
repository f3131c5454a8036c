import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyUseCases

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write leads back out for a CRM's importer.", subcommands: [Leads.self])

    struct Leads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every lead with its fields and Qualify's grade, fit, engagement, temperature, stage, checklist grade, chance, next offer and last activity.",
            discussion: """
                Profiles name the columns as a CRM's importer maps them without help: hubspot (Record ID, Email, First \
                Name, Company Name, Contact owner, Lifecycle Stage …), salesforce (Id, Email, FirstName, LastName, \
                Company, Title, LeadSource …) or qualify (its own field names; `qualify import leads` reads the file back \
                unchanged, leaving out Qualify's own qualify_* columns). Qualify's columns are named `Qualify Grade` \
                (`qualify_grade`) and so on, custom fields keep their names. Values starting with = + - @ are written \
                with a leading apostrophe against spreadsheet formulas unless --raw (for a file that goes straight into \
                an importer: a phone number +44 … then stays as it is). Chance needs an installed prediction model \
                (`qualify train --install`); empty otherwise.
                """)

        @Option(help: "csv or jsonl.") var format = "csv"
        @Option(help: "qualify, hubspot or salesforce (column names).") var profile = "qualify"
        @Option(name: .customLong("stage"), help: "Only leads in this stage (repeatable).") var stages: [Stage] = []
        @Option(help: ArgumentHelp("Only leads with an event at or after this time (ISO-8601 or a date).", valueName: "time"))
        var updatedSince: String?
        @Flag(help: "Write values verbatim (no apostrophe before = + - @).") var raw = false
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard LeadExport.Format(rawValue: format) != nil else { throw ValidationError("--format '\(format)' is not csv or jsonl") }
            guard CRMExport.Profile(rawValue: profile) != nil else {
                throw ValidationError("--profile '\(profile)' is not one of: \(CRMExport.Profile.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let updatedSince, Timestamp(iso8601: updatedSince) == nil {
                throw ValidationError("--updated-since '\(updatedSince)' is not a date like 2026-03-01 or 2026-03-01T12:00:00Z")
            }
        }

        func run() async throws {
            var options = LeadExport.Options()
            options.format = LeadExport.Format(rawValue: format)!
            options.profile = CRMExport.Profile(rawValue: profile)!
            options.stages = stages.isEmpty ? nil : Set(stages)
            options.updatedSince = updatedSince.flatMap { Timestamp(iso8601: $0) }
            options.raw = raw
            let now = Timestamp.now()
            let cards = try await db.cards(now: now)
            var handle = FileHandle.standardOutput
            if let out {
                guard !FileManager.default.fileExists(atPath: out) else {
                    throw Failure("\(out) exists; give a new file name (an export never overwrites)")
                }
                guard FileManager.default.createFile(atPath: out, contents: nil) else { throw Failure("cannot write \(out)") }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            }
            defer { if out != nil { try? handle.close() } }
            let count = try await LeadExport(cards: cards, options: options, now: now).run { text in try handle.write(contentsOf: Data(text.utf8)) }
            if let out { print("\(count) lead\(count == 1 ? "" : "s") written to \(out)") }
        }
    }
}
