import Foundation
import Hummingbird
import QualifyCore
import QualifyStore
import QualifyUseCases

extension Web {
    /// `/app/accounts?grade=&temperature=`: the account queue, as `qualify accounts` prints it. Reads every account.
    func accountsPage(_ request: Request, _ viewer: Viewer) async throws -> PageResult {
        let q = request.uri.queryParameters
        var c = layout(viewer, title: "Accounts", nav: "accounts")
        let gradeText = String((q.get("grade") ?? "").prefix(10)), temperatureText = String((q.get("temperature") ?? "").prefix(10))
        let grade = Grade(text: gradeText), temperature = Temperature(text: temperatureText)
        c["grades"] = Grade.allCases.map { ["value": $0.rawValue, "selected": $0 == grade] }
        c["temperatures"] = Temperature.allCases.map { ["value": $0.rawValue, "selected": $0 == temperature] }
        if !gradeText.isEmpty, grade == nil { throw WebProblem.badRequest("Grade '\(gradeText)' is not A, B, C or D.") }
        if !temperatureText.isEmpty, temperature == nil { throw WebProblem.badRequest("Temperature '\(temperatureText)' is not hot, warm or cold.") }
        let queue = try await AccountCards.queue(store, filter: AccountFilter(grade: grade, temperature: temperature, limit: 100), now: clock())
        c["summary"] = "\(queue.accounts.count) of \(queue.matched) matching (\(queue.total) accounts)"
        c["rows"] = queue.accounts.map { a -> [String: Any] in
            ["href": Self.accountPath(a.domain), "domain": a.domain, "name": a.name ?? a.domain, "grade": a.grade.rawValue,
             "temperature": a.temperature.rawValue, "contacts": a.contacts, "stage": a.stage.label, "engagement": Display.number(a.engagement),
             "roles": "\(a.presentRoles.count) of \(a.roles.count)", "missing": a.missingRoles.map(Self.roleLabel).joined(separator: ", "),
             "owners": a.owners.joined(separator: ", ")]
        }
        return .html(render("accounts", c))
    }

    /// `/app/accounts/{domain}`: an account's card, as `qualify account DOMAIN` prints it.
    func accountPage(_ domain: String, _ viewer: Viewer) async throws -> PageResult {
        let view: AccountCardView
        do { view = try await AccountCards.card(store, domain: String(domain.prefix(253)), now: clock()) } catch let problem as AccountProblem {
            throw WebProblem.notFound("\(problem.description.prefix(1).uppercased())\(problem.description.dropFirst()).")
        }
        let a = view.score
        var c = layout(viewer, title: a.name ?? a.domain, nav: "accounts")
        c["display"] = a.name ?? a.domain
        c["domain"] = a.domain
        c["asOf"] = Display.time(view.asOf)
        c["modelName"] = view.modelName
        c["modelVersion"] = view.modelVersion
        c["grade"] = a.grade.rawValue
        c["fitPoints"] = a.fitPoints
        c["fitSource"] = a.fitSourceWords
        c["engagement"] = Display.number(a.engagement)
        c["temperature"] = a.temperature.rawValue
        c["rule"] = a.engagementRule
        c["stage"] = a.stage.label
        c["owners"] = a.owners.isEmpty ? "—" : a.owners.joined(separator: ", ")
        c["roles"] = a.roles.map { r -> [String: Any] in
            ["role": Self.roleLabel(r.role), "present": r.present, "who": r.contacts.joined(separator: ", ")]
        }
        c["contacts"] = view.contacts.map { p -> [String: Any] in
            ["href": Display.leadPath(p.email), "display": p.name ?? p.email, "email": p.email, "title": p.title ?? "", "grade": p.grade.rawValue,
             "fitPoints": p.fitPoints, "stage": p.stage.label, "engagement": Display.number(p.engagement), "temperature": p.temperature.rawValue,
             "roles": p.roles.map(Self.roleLabel).joined(separator: ", "), "owner": p.owner ?? "", "lastActivity": Display.time(p.lastActivity)]
        }
        c["ledger"] = view.ledger.map { l -> [String: Any] in
            let e = l.line.entry
            return ["at": Display.time(e.at), "contact": l.contact, "kind": e.kind == .fit ? "fit" : "engagement", "rule": e.ruleID,
                    "points": e.points > 0 ? "+\(e.points)" : "\(e.points)", "now": e.kind == .fit ? "" : Display.number(l.line.valueNow),
                    "event": e.eventType]
        }
        c["ledgerShown"] = "the \(AccountCards.ledgerContacts) most engaged contacts' latest \(AccountCards.shownLedgerLines) lines"
        return .html(render("account", c))
    }

    static func accountPath(_ domain: String) -> String { "/app/accounts/" + Forms.percentEncoded(domain) }

    /// `decision_maker` → "decision maker".
    static func roleLabel(_ id: String) -> String { id.replacingOccurrences(of: "_", with: " ") }
}
