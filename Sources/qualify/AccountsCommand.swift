import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyServer
import QualifyUseCases

struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Print the account queue: the organisations behind the leads, scored from their contacts, by priority.",
        discussion: """
            An account is the organisation behind a company email domain; free-mail and disposable domains never form \
            one. Each is scored when read from its contacts under the model's accounts: section (see `qualify model \
            show-default`): engagement is the sum of the top 3 contacts' by default (or sum, or max), fit the best \
            contact's (or the model's fit rules on the fields most contacts give), grade and temperature from those, and \
            the buying committee — decision maker, champion, technical, finance — from whole words of the job titles. \
            Ordered like the lead queue: grade × temperature bands, then engagement. `qualify account DOMAIN` prints one \
            account's card.
            """)
    @Option(help: "Only this grade (A, B, C, D).") var grade: Grade?
    @Option(help: "Only this temperature (hot, warm, cold).") var temperature: Temperature?
    @Option(help: "At most this many accounts (1–\(AccountFilter.maximumLimit)).") var limit = 50
    @Option(help: "table, csv or json (the document GET /accounts answers).") var format: OutputFormat = .table
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        guard (1...AccountFilter.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be from 1 to \(AccountFilter.maximumLimit), not \(limit)")
        }
    }

    func run() async throws {
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let queue = try await AccountCards.queue(store, filter: AccountFilter(grade: grade, temperature: temperature, limit: limit), now: now)
        switch format {
        case .json: print(try QualifyServer.accountsDocument(queue))
        case .csv:
            print("domain,name,grade,fit,temperature,engagement,contacts,stage,roles_present,roles_missing,owners,last_activity")
            for a in queue.accounts {
                print([a.domain, a.name ?? "", a.grade.rawValue, "\(a.fitPoints)", a.temperature.rawValue, a.engagement.formatted(1),
                       "\(a.contacts)", a.stage.rawValue, a.presentRoles.joined(separator: " "), a.missingRoles.joined(separator: " "),
                       a.owners.joined(separator: " "), a.lastActivity?.iso8601 ?? ""].map(csvField).joined(separator: ","))
            }
        case .table:
            guard !queue.accounts.isEmpty else {
                print(queue.total == 0 ? "no accounts yet: leads with company email domains form them" : "no accounts match (of \(queue.total))")
                return
            }
            let rows = queue.accounts.map { a in
                ["\(a.grade.rawValue)-\(a.temperature.rawValue)", a.domain, a.name ?? "", "\(a.contacts)", a.stage.label, "\(a.fitPoints)",
                 a.engagement.formatted(1), "\(a.presentRoles.count)/\(a.roles.count)", a.missingRoles.joined(separator: ", "),
                 a.owners.joined(separator: ", "), a.lastActivity?.isoDate ?? ""]
            }
            print(table(header: ["PRIORITY", "DOMAIN", "NAME", "CONTACTS", "FURTHEST", "FIT", "ENGAGEMENT", "ROLES", "MISSING", "OWNERS",
                                 "LAST ACTIVITY"], rows: rows))
            print("\(queue.accounts.count) of \(queue.matched) matching (\(queue.total) accounts) · model '\(queue.modelName)' v\(queue.modelVersion)")
        }
    }
}

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Print an account's card: its score, its contacts with grades, stages, owners and roles, the roles missing, the combined ledger.",
        discussion: """
            DOMAIN is the company email domain (any case), e.g. acme.io. The ledger lists the contacts' ledger lines \
            newest first (the \(AccountCards.ledgerContacts) most engaged contacts, the latest \(AccountCards.shownLedgerLines) lines); each contact's \
            own card (`qualify lead EMAIL`) has the whole of theirs.
            """)
    @Argument(help: "The account's domain.") var domain: String
    @Option(help: "text or json (the document GET /accounts/{domain} answers).") var format: CardFormat = .text
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        let d = domain.trimmingCharacters(in: .whitespaces)
        guard !d.isEmpty else { throw ValidationError("name an account's domain, e.g. `qualify account acme.io`") }
        if d.contains("@") { throw ValidationError("'\(d)' is an email address: give its domain (after the @), or see the lead with `qualify lead \(d)`") }
    }

    func run() async throws {
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let view: AccountCardView
        do { view = try await AccountCards.card(store, domain: domain, now: now) } catch let problem as AccountProblem {
            throw Failure(problem.description)
        }
        switch format {
        case .json: print(try QualifyServer.accountDocument(view))
        case .text: print(AccountText.render(view))
        }
    }
}

/// The account card as text for a terminal.
enum AccountText {
    static func render(_ view: AccountCardView) -> String {
        let a = view.score
        var out: [String] = []
        out.append("\(a.domain)\(a.name.map { " — \($0)" } ?? "")")
        out.append("as of \(view.asOf.iso8601) · model '\(view.modelName)' v\(view.modelVersion)")
        out.append("")
        out.append("contacts    \(a.contacts); furthest stage \(a.stage.label)")
        out.append("fit         \(a.fitPoints) points → grade \(a.grade.rawValue) (\(a.fitSourceWords))")
        out.append("engagement  \(a.engagement.formatted(1)) now → \(a.temperature.rawValue) (\(a.engagementRule))")
        let present = a.roles.filter(\.present).map { "\($0.role) (\($0.count))" }
        out.append("committee   \(present.isEmpty ? "no role recognised" : present.joined(separator: "; "))")
        if !a.missingRoles.isEmpty { out.append("missing     \(a.missingRoles.joined(separator: ", "))") }
        out.append("owners      \(a.owners.isEmpty ? "—" : a.owners.joined(separator: ", "))")
        out.append("")
        out.append(table(header: ["EMAIL", "NAME", "TITLE", "GRADE", "FIT", "STAGE", "ENGAGEMENT", "ROLES", "OWNER", "LAST ACTIVITY"],
                         rows: view.contacts.map { c in
                             [c.email, c.name ?? "", c.title ?? "", c.grade.rawValue, "\(c.fitPoints)", c.stage.label,
                              "\(c.engagement.formatted(1)) \(c.temperature.rawValue)", c.roles.joined(separator: ", "), c.owner ?? "",
                              c.lastActivity?.isoDate ?? ""]
                         }))
        out.append("")
        out.append("ledger (newest first; points when earned → worth now)")
        if view.ledger.isEmpty { out.append("  (nothing yet)") }
        for l in view.ledger {
            let e = l.line.entry
            let group = e.group.map { $0 == EngagementSection.mainGroup ? "" : "[\($0)] " } ?? ""
            let points = e.points > 0 ? "+\(e.points)" : "\(e.points)"
            let worth = e.kind == .fit ? "" : " → \(l.line.valueNow.formatted(1))"
            out.append("  \(e.at.iso8601)  \(l.contact)  \(e.kind == .fit ? "fit" : "engagement") \(group)\(e.ruleID)  \(points)\(worth)  (\(e.eventType))")
        }
        return out.joined(separator: "\n")
    }
}
