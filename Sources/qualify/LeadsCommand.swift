import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

// in any case, as screens print them (`SQL`, `HOT`)
extension QueueStages: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}
extension QueueSort: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}
extension Stage: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}
extension Temperature: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}
extension Grade: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}

struct LeadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads",
        abstract: "Print the sales queue: the SQLs, then the MQLs, each by priority (grade × temperature, then engagement now).",
        discussion: """
            Priority is (grade rank: A 1 … D 4) × (temperature rank: hot 1, warm 2, cold 3), lower first — A-hot, then \
            A-warm and B-hot, … D-cold last; ties go to the better grade, then the higher engagement, then the lead \
            created first. By default the queue lists the leads sales should act on: every SQL, then every MQL. \
            --stage open lists every lead not yet won or ruled out in one order, --stage all every lead, --stage mql \
            one stage.
            """)
    @Option(help: "actionable (SQL, then MQL: the default), open, all, or one stage (\(Stage.allCases.map(\.rawValue).joined(separator: ", "))), in any case.")
    var stage: QueueStages = .actionable
    @Option(help: "Only this grade (A, B, C, D).") var grade: Grade?
    @Option(help: "Only this temperature (hot, warm, cold).") var temperature: Temperature?
    @Flag(help: "Only leads nobody owns yet.") var unassigned = false
    @Option(help: "Only leads of this salesperson: the lead's owner field (\"Lead Owner\" in CRM exports), in any case.")
    var owner: String?
    @Option(help: ArgumentHelp("priority (the default), chance (needs an installed prediction model), checklist (the share of the checklist met), or engagement:GROUP (a score group's engagement now); highest first. Any but priority reads each matching lead's card: at most 5,000 of them.", valueName: "order"))
    var sort: QueueSort = .priority
    @Option(help: "At most this many leads.") var limit = 50
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @Flag(help: "Only leads whose owner has not acted by the SLA's due time (the model's sla:), the longest overdue first.")
    var overdue = false
    @Flag(help: "List the rows held back at import because their address is invalid, with the reason.") var quarantined = false
    @OptionGroup var db: DatabaseOptions

    var sortName: String { sort.text }

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let owner, owner.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--owner needs a name") }
        if owner != nil, unassigned { throw ValidationError("--owner and --unassigned exclude each other") }
    }

    func run() async throws {
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        if quarantined {
            try await printQuarantine(store)
            return
        }
        let query = QueueQuery(stages: stage, grade: grade, temperature: temperature, owner: owner?.trimmingCharacters(in: .whitespaces),
                               overdue: overdue, unassigned: unassigned, limit: limit)
        var sorted: [SortedLead]?
        if sort != .priority {
            do { sorted = try await db.cards(now: now).sortedQueue(query, by: sort, now: now) } catch let problem as LeadCards.SortProblem {
                throw Failure("--sort \(sortName): \(problem)")
            }
        }
        var leads = sorted?.map(\.lead) ?? []
        if sorted == nil { leads = try await store.queue(query, now: now) }
        let shown = sorted?.map(\.shown)
        if format != .table {
            let cards = try await db.cards(now: now)
            leads = try await FollowUps(store: cards.store, verifier: cards.verifier).withNextOffers(leads, now: now)
        }
        switch format {
        case .json:
            print(try prettyJSON(leads))
        case .csv:
            print("email,name,company,grade,fit,engagement,temperature,stage,last_activity,owner,due_at,next_offer" + (shown == nil ? "" : "," + sortName))
            for (i, l) in leads.enumerated() {
                print(([l.email, l.name ?? "", l.company ?? "", l.grade.rawValue, "\(l.fitPoints)", l.engagement.formatted(1),
                        l.temperature.rawValue, l.stage.rawValue, l.lastActivity?.iso8601 ?? "", l.owner ?? "", l.dueAt?.iso8601 ?? "",
                        l.nextOffer ?? ""]
                       + (shown.map { [$0[i]] } ?? []))
                    .map(csvField).joined(separator: ","))
            }
        case .table:
            if leads.isEmpty {
                print("no leads match")
                return
            }
            let rows = leads.enumerated().map { i, l in
                ["\(l.grade.rawValue)-\(l.temperature.rawValue)", l.email, l.name ?? "", l.company ?? "", l.stage.label,
                 "\(l.fitPoints)", l.engagement.formatted(1), l.lastActivity?.isoDate ?? "", l.owner ?? "",
                 l.dueAt.map { due in due < now ? "OVERDUE \(due.iso8601)" : due.iso8601 } ?? ""] + (shown.map { [$0[i]] } ?? [])
            }
            print(table(header: ["PRIORITY", "EMAIL", "NAME", "COMPANY", "STAGE", "FIT", "ENGAGEMENT", "LAST ACTIVITY", "OWNER", "DUE"]
                            + (shown == nil ? [] : [sortName.uppercased()]),
                        rows: rows))
        }
    }
}

extension LeadsCommand {
    func printQuarantine(_ store: any LeadStore) async throws {
        let rows = try await store.quarantined(limit: limit)
        switch format {
        case .json:
            print(try prettyJSON(rows))
        case .csv:
            print("email,reason,source,line,at")
            for r in rows {
                print([r.email, r.reason, r.source, r.line.map(String.init) ?? "", r.at.iso8601].map(csvField).joined(separator: ","))
            }
        case .table:
            if rows.isEmpty {
                print("nothing is quarantined")
                return
            }
            print(table(header: ["EMAIL", "REASON", "SOURCE", "AT"],
                        rows: rows.map { [$0.email, $0.reason, "\($0.source)\($0.line.map { ":\($0)" } ?? "")", $0.at.isoDate] }))
        }
    }
}

