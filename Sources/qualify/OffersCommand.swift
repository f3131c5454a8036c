import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

struct OffersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offers",
        abstract: "The model's offer catalogue, and which offers move leads on.",
        subcommands: [List.self, Report.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The active model's offers by stage and rank (the default).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            guard let model = try await store.activeModel()?.model else { throw Failure("no model is active") }
            let rows = model.offerCatalogue.sorted { $0.rank < $1.rank }.map { o in
                [o.id, o.title, o.kind, o.stages.map(\.rawValue).joined(separator: " "), "\(o.rank)",
                 o.taken.map { t in t.event + (t.conditions.isEmpty ? "" : " (where \(t.conditions.map(\.property).joined(separator: ", ")))") } ?? "—"]
            }
            print(table(header: ["ID", "TITLE", "KIND", "STAGES", "RANK", "TAKEN BY"], rows: rows))
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "For each offer: how many took it and moved to a further stage within --days, against those in its stages who did not take it — the lift with its 95 % interval.",
            discussion: """
                From every lead's folded history under the active model. Took: leads that took the offer (its taken \
                event) while in one of its stages; moved on: a stage further along the path (IQL → MQL → SQL → \
                opportunity → customer) within --days of taking it. Without: leads that entered one of its stages and did \
                not take it, from their entry. Leads whose --days have not passed yet are left out. The lift is took ÷ \
                without, with Katz's 95 % interval; "yes" under SIGNIFICANT when the interval lies wholly above or below 1. \
                Offers nothing marks taken (no taken: event) have no takers.
                """)
        @Option(help: "How many days after taking an offer (or entering its stage) a move onward counts.") var days = 30
        @Option(help: "table, csv or json.") var format: OutputFormat = .table
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard (1...3650).contains(days) else { throw ValidationError("--days must be from 1 to 3650, not \(days)") }
        }

        func run() async throws {
            let now = Timestamp.now()
            let store = try await db.open(now: now)
            let rows = try await FollowUps.offerReport(store, horizon: .days(Int64(days)), now: now)
            func n(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "" }
            switch format {
            case .json:
                print(try prettyJSON(rows))
            case .csv:
                print("offer,title,stages,took,took_moved_on,without,without_moved_on,lift,lift_low,lift_high,significant")
                for r in rows {
                    print([r.offer, r.title, r.stages.map(\.rawValue).joined(separator: " "), "\(r.took.trials)", "\(r.took.successes)",
                           "\(r.without.trials)", "\(r.without.successes)", n(r.lift), n(r.liftLow), n(r.liftHigh), r.significant ? "true" : "false"]
                        .map(csvField).joined(separator: ","))
                }
            case .table:
                print(table(header: ["OFFER", "STAGES", "TOOK", "MOVED ON", "WITHOUT", "MOVED ON", "LIFT (95 %)", "SIGNIFICANT"], rows: rows.map { r in
                    [r.title, r.stages.map(\.label).joined(separator: ", "), "\(r.took.trials)", r.took.text, "\(r.without.trials)", r.without.text,
                     r.lift.map { "\(n($0)) (\(n(r.liftLow))–\(n(r.liftHigh)))" } ?? "—", r.lift == nil ? "—" : r.significant ? "yes" : "no"]
                }))
                print("moved on: reached a further stage within \(days) days")
            }
        }
    }
}
