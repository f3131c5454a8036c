import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyServer
import QualifyStore
import QualifyUseCases

struct LeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lead",
        abstract: "Print a lead's card: fields, account, fit and grade, engagement and temperature, stage history, the ledger and the next offer.",
        discussion: """
            The ledger lists every rule that added or removed points, from which event and when; it sums exactly to the \
            scores (engagement entries decayed to the card's date). The card is the one `GET /leads/{email}` serves, \
            built with the lists and prediction installed for the database; `--format json` prints the API's document \
            (for several emails, a JSON array of them).
            """)
    @Argument(help: "The lead's email (several: one card after another).") var emails: [String]
    @Option(help: ArgumentHelp("Show the card as it stood at this date or time (ISO-8601, e.g. 2026-03-01).", valueName: "date"))
    var asOf: String?
    @Option(help: "text or json.") var format: CardFormat = .text
    @Flag(help: "Also list every merge that changed the lead's fields (when, from which file and line or key, what changed).")
    var merges = false
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        guard !emails.isEmpty else { throw ValidationError("name a lead's email, e.g. `qualify lead ada@acme.io`") }
    }

    func run() async throws {
        let now = Timestamp.now()
        var asOfTime: Timestamp?
        if let asOf {
            guard let t = LeadCards.asOf(asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date like 2026-03-01 or 2026-03-01T12:00:00Z") }
            asOfTime = t
        }
        let keys = try emails.map(leadKey)
        let cards = try await db.cards(now: now)
        var documents: [String] = []
        for key in keys {
            let view: LeadCardView
            do { view = try await cards.card(key, asOf: asOfTime, now: now) } catch let problem as LeadCards.Problem {
                throw Failure(problem.description)
            }
            switch format {
            case .json: documents.append(try QualifyServer.cardDocument(view))
            case .text:
                if let problem = view.chanceProblem { printError("qualify: the installed prediction cannot score \(key.email): \(problem)") }
                var text = CardText.render(view)
                if merges { text += "\n" + CardText.merges(view) }
                documents.append(text)
            }
        }
        switch format {
        case .json: print(documents.count == 1 ? documents[0] : "[\n" + documents.joined(separator: ",\n") + "\n]")
        case .text: print(documents.joined(separator: "\n\n"))
        }
    }
}

enum CardFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The lead card as text for a terminal.
enum CardText {
    /// The merge audit (`qualify lead EMAIL --merges`).
    static func merges(_ view: LeadCardView) -> String {
        guard !view.merges.isEmpty else { return "merges      none: every field value came with the lead's first record" }
        var out = ["merges      \(view.merges.count), oldest first"]
        for m in view.merges {
            let changes = m.changes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            out.append("  \(m.at.iso8601)  \(m.origin)  \(changes)")
        }
        return out.joined(separator: "\n")
    }

    static func render(_ view: LeadCardView) -> String {
        let (card, emailCheck, priority, chance) = (view.card, Optional(view.emailCheck), view.priority, view.chance)
        var out: [String] = []
        let f = card.fields
        let name = LeadFields.personName(f) ?? ""
        // the key has the domain in ASCII form (the lead's identity); a person reads the Unicode form beside it
        let display = emailCheck?.display.flatMap { $0 != card.email ? " (\($0))" : nil } ?? ""
        out.append("\(card.email)\(display)\(name.isEmpty ? "" : " — \(name)")\(f["job_title"].map { ", \($0)" } ?? "")")
        out.append("as of \(card.asOf.iso8601) · model '\(view.modelName)' v\(view.modelVersion)")
        out.append("")
        if let check = emailCheck {
            let reasons = check.reasons.map(\.rawValue).joined(separator: ", ")
            out.append("email       \(check.verdict.label)\(reasons.isEmpty ? "" : " (\(reasons))")\(check.suggestion.map { " — did you mean \($0)?" } ?? "")")
        }
        if let a = view.account {
            let missing = a.missingRoles.isEmpty ? "" : "; missing \(a.missingRoles.joined(separator: ", "))"
            out.append("account     \(card.account ?? a.domain): grade \(a.grade.rawValue), \(a.temperature.rawValue), \(a.contacts) contact\(a.contacts == 1 ? "" : "s")\(missing)")
        } else if let linked = view.accountTooLargeToScore {
            out.append("account     \(card.account ?? linked.domain): \(linked.leads) contacts (`qualify account \(linked.domain)` scores it)")
        } else {
            out.append("account     \(card.account ?? "—")")
        }
        out.append("fit         \(card.fitPoints) points → grade \(card.grade.rawValue)")
        if let priority { out.append("priority    \(priority.summary)") }
        if let chance {
            let factors = (chance.up.prefix(2).map { "+ \($0.description)" } + chance.down.prefix(2).map { "− \($0.description)" }).joined(separator: "; ")
            out.append("chance      \(Int((chance.probability * 100).rounded())) % to convert\(factors.isEmpty ? "" : " (\(factors))")")
            for note in chance.notes { out.append("            note: \(note)") }
        }
        out.append("engagement  \(card.engagement.formatted(1)) now → \(card.temperature.rawValue)")
        for (group, value) in card.groups.sorted(by: { $0.key < $1.key }) { out.append("  [\(group)] \(value.formatted(1))") }
        out.append("stage       \(card.stage.label)")
        switch view.sla {
        case .due(let due)?: out.append("sla         \(due < card.asOf ? "OVERDUE since" : "due") \(due.iso8601) (owner \(f["owner"] ?? "?"))")
        case .met(let at, let due)?: out.append("sla         met: touched \(at.iso8601), due \(due.iso8601)")
        case .late(let at, let due)?: out.append("sla         late: touched \(at.iso8601), due \(due.iso8601)")
        case nil: break
        }
        let flags = view.flags
        if !flags.isEmpty { out.append("look        \(flags.map(\.sentence).joined(separator: "; "))") }
        out.append("next offer  \(card.nextOffer.map { "\($0.offer.title) (\($0.reason))" } ?? "— (nothing left to offer in this stage)")")
        out.append("follow-up   \(card.followUpText)")
        out.append("")
        let shownFields = card.shownFields
        if !shownFields.isEmpty {
            out.append("fields")
            for (k, v) in shownFields { out.append("  \(k): \(v)") }
            out.append("")
        }
        if let priority, priority.answered > 0 || priority.lines.contains(where: { $0.answer != nil }) {
            out.append("checklist")
            out.append(contentsOf: ChecklistText.render(priority).split(separator: "\n").dropFirst().map(String.init))
            out.append("")
        }
        out.append("stage history")
        if card.stageHistory.isEmpty { out.append("  (none)") }
        for c in card.stageHistory {
            out.append("  \(c.at.iso8601)  \(c.from.label) → \(c.to.label)  by \(c.by): \(c.reason)")
        }
        out.append("")
        out.append("timeline (latest first)")
        if card.timeline.isEmpty { out.append("  (nothing yet)") }
        for entry in card.timeline.prefix(12) {
            out.append("  \(entry.at.iso8601)  \(entry.text)\(entry.by.map { "  (\($0))" } ?? "")")
        }
        out.append("")
        out.append("ledger (points when earned → worth now)")
        for line in card.ledger {
            let e = line.entry
            let group = e.group.map { $0 == EngagementSection.mainGroup ? "" : "[\($0)] " } ?? ""
            let sign = e.points > 0 ? "+" : ""
            let worth = e.kind == .fit ? "" : "  → \(line.valueNow.formatted(2))"
            let cause = e.cause
            out.append("  \(e.at.iso8601)  \(e.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(group)\(e.ruleID) \(sign)\(e.points)\(worth)  (\(cause))\(e.note.map { "  — \($0)" } ?? "")")
        }
        out.append("  fit total \(card.fitLedgerSum) · engagement total \(card.engagementLedgerSum.formatted(1)) now")
        return out.joined(separator: "\n")
    }
}
