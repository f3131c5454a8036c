import Foundation
import Hummingbird
import QualifyCore
import QualifyStore
import QualifyUseCases

/// How times and numbers read on the pages.
enum Display {
    /// "2026-03-02 09:00 UTC".
    static func time(_ t: Timestamp?) -> String {
        guard let t else { return "—" }
        let iso = t.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }
    static func number(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
    static func leadPath(_ email: String) -> String { "/app/leads/" + Forms.percentEncoded(email) }
}

extension Web {
    // MARK: sign-in

    func signInPage(_ request: Request) async throws -> PageResult {
        if try await viewer(request) != nil { return .redirect("/app/queue") }
        return try await signInPage(next: String((request.uri.queryParameters.get("next") ?? "").prefix(500)))
    }

    func signInPage(next: String, error: String? = nil, email: String = "", status: HTTPResponse.Status = .ok) async throws -> PageResult {
        let token = People.randomToken()
        var context = layout(nil, title: "Sign in")
        context["csrf"] = token
        context["next"] = next
        context["email"] = email
        context["error"] = error
        return .html(render("signin", context), status: status, cookies: [preSessionCookie(token)])
    }

    func signIn(_ request: Request) async throws -> PageResult {
        var request = request
        let fields = try await Forms.urlEncoded(&request, limit: 64 << 10)
        let typed = String((fields["email"] ?? "").prefix(254))
        // the throttle counts the address as sign-in reads it, so spelling variants share one count
        let email = (try? People.signInName(typed)) ?? typed.lowercased()
        let next = fields["next"] ?? ""
        guard let cookie = request.cookies[Self.preSessionCookie]?.value, let csrf = fields["csrf"], Forms.constantTimeEqual(cookie, csrf) else {
            return try await signInPage(next: next, error: "The sign-in form had expired. Sign in again.", email: typed, status: .forbidden)
        }
        guard await throttle.attempt(email, now: Double(clock().millis) / 1000) else {
            return try await signInPage(next: next, error: "Too many failed sign-ins for this email. Wait 15 minutes, or ask an admin to reset the password.",
                                        email: typed, status: .tooManyRequests)
        }
        guard let signedIn = try await people.signIn(email: email, password: fields["password"] ?? "", at: clock()) else {
            return try await signInPage(next: next, error: "The email or the password is wrong (or the user is disabled).", email: typed,
                                        status: .unauthorized)
        }
        await throttle.succeeded(email)
        // sessions idle past the limit would be refused anyway; sweeping them on sign-in keeps the table small
        _ = try? await people.endIdleSessions(at: clock())
        let target = next.hasPrefix("/app/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/app/queue"
        return .redirect(target, cookies: [sessionCookie(signedIn.token), preSessionCookie("", clear: true)])
    }

    func signOut(_ request: Request, _ viewer: Viewer) async throws -> PageResult {
        if let token = request.cookies[Self.sessionCookie]?.value { try await people.signOut(token: token) }
        return .redirect("/app/sign-in", cookies: [sessionCookie("", clear: true)])
    }

    func sessionCookie(_ token: String, clear: Bool = false) -> Cookie {
        Cookie(name: Self.sessionCookie, value: token, maxAge: clear ? 0 : Int(people.lifetime.millis / 1000), path: "/",
               secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }

    func preSessionCookie(_ token: String, clear: Bool = false) -> Cookie {
        Cookie(name: Self.preSessionCookie, value: token, maxAge: clear ? 0 : 3600, path: "/app/sign-in", secure: settings.secureCookies,
               httpOnly: true, sameSite: .lax)
    }

    // MARK: queue

    func queuePage(_ request: Request, _ viewer: Viewer) async throws -> PageResult {
        let q = request.uri.queryParameters
        func param(_ name: String) -> String? { q.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        let view = param("view") ?? (viewer.user.role == .sales ? "mine" : "all")
        guard ["mine", "unassigned", "all"].contains(view) else { throw WebProblem.badRequest("view '\(view.prefix(20))' is not mine, unassigned or all") }
        let search = param("q").map { String($0.prefix(100)) }
        // without a stage chosen: the SQLs, then the MQLs — or every lead when searching for one by name
        let stages = try param("stage").map { s in
            try QueueStages(text: s) ?? { throw WebProblem.badRequest("stage '\(s.prefix(20))' is not \(QueueStages.words)") }()
        } ?? (search == nil ? .actionable : .all)
        let grade = try param("grade").map { s in try Grade(text: s) ?? { throw WebProblem.badRequest("grade '\(s.prefix(20))' is not A, B, C or D") }() }
        let temperature = try param("temperature").map { s in
            try Temperature(text: s) ?? { throw WebProblem.badRequest("temperature '\(s.prefix(20))' is not hot, warm or cold") }()
        }
        let pageNumber = max(1, min(Int(param("page") ?? "1") ?? 1, 1_000_000))
        var after: QueueKey?
        if let text = param("after") {
            guard let key = QueueKey(text: text) else { throw WebProblem.badRequest("The page link is broken; start again from the first page.") }
            after = key
        }
        let overdue = param("overdue") != nil
        var owner = param("owner")
        if view == "mine" { owner = People.ownerID(of: viewer.user, team: try await store.activeModel()?.model.handoff) }
        let now = clock()
        // pages by key (any depth reads like the first); a search or the overdue list by offset
        let result = try await store.queuePage(QueueQuery(stages: stages, grade: grade, temperature: temperature, owner: owner, overdue: overdue,
                                                          unassigned: view == "unassigned", search: search, limit: 51,
                                                          offset: after == nil ? (pageNumber - 1) * 50 : 0),
                                               after: after, now: now)
        let leads = result.leads
        let rows: [[String: Any]] = leads.prefix(50).map { lead in
            var row: [String: Any] = [
                "email": lead.email, "display": lead.name ?? lead.email, "href": Display.leadPath(lead.email), "grade": lead.grade.rawValue,
                "temperature": lead.temperature.rawValue, "band": lead.temperature.rawValue, "stage": lead.stage.label,
                "engagement": Display.number(lead.engagement), "lastActivity": Display.time(lead.lastActivity), "owner": lead.owner ?? "—",
            ]
            if let company = lead.company { row["company"] = company }
            if let due = lead.dueAt {
                row["due"] = Display.time(due)
                row["overdue"] = due < now
            }
            return row
        }
        func link(page: Int, after: QueueKey? = nil) -> String {
            var items = [("view", view), ("page", String(page))]
            if let after { items.append(("after", after.text)) }
            for name in ["stage", "grade", "temperature", "q", "overdue"] { if let v = param(name) { items.append((name, v)) } }
            if view != "mine", let o = param("owner") { items.append(("owner", o)) }
            return "/app/queue?" + items.map { "\($0.0)=\(Forms.percentEncoded($0.1))" }.joined(separator: "&")
        }
        var context = layout(viewer, title: "Queue", nav: "queue")
        context["views"] = [("mine", "My leads"), ("unassigned", "Unassigned"), ("all", "All")].map { ["value": $0.0, "label": $0.1, "checked": $0.0 == view] }
        context["stages"] = ([("open", "open stages", QueueStages.open), ("all", "all stages", .all)]
                             + Stage.allCases.map { ($0.rawValue, $0.label, QueueStages.only($0)) })
            .map { ["value": $0.0, "label": $0.1, "selected": $0.2 == stages] }
        context["grades"] = Grade.allCases.map { ["value": $0.rawValue, "selected": $0 == grade] }
        context["temperatures"] = Temperature.allCases.map { ["value": $0.rawValue, "selected": $0 == temperature] }
        context["owner"] = view == "mine" ? "" : (param("owner") ?? "")
        context["q"] = search ?? ""
        context["overdue"] = overdue
        context["rows"] = rows
        context["dueShown"] = rows.contains { $0["due"] != nil }
        context["page"] = pageNumber
        if pageNumber > 1 { context["first"] = link(page: 1) }
        if leads.count > 50 {
            context["next"] = result.keys.count >= 50 ? link(page: pageNumber + 1, after: result.keys[49]) : link(page: pageNumber + 1)
        }
        return .html(render("queue", context))
    }

    // MARK: the lead card

    func leadKey(_ raw: String) throws -> LeadKey {
        let email = raw.removingPercentEncoding ?? raw
        guard case .success(let key) = EmailAddress.identity(email) else { throw WebProblem.notFound("'\(email.prefix(80))' is not an email address") }
        return key
    }

    func cardPage(_ request: Request, _ rawEmail: String, _ viewer: Viewer, flash: String? = nil, error: String? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> PageResult {
        let key = try leadKey(rawEmail)
        var asOf: Timestamp?
        if let text = request.uri.queryParameters.get("as_of"), !text.isEmpty {
            guard let t = LeadCards.asOf(text) else { throw WebProblem.badRequest("as_of '\(text.prefix(30))' is not a date like 2026-03-01") }
            asOf = t
        }
        let view: LeadCardView
        do { view = try await cards.card(key, asOf: asOf, now: clock()) } catch let problem as LeadCards.Problem {
            throw WebProblem.notFound(problem.description)
        }
        let done = request.uri.queryParameters.get("done").flatMap { d in
            d == "answers" ? "Answers saved." : StageAction(rawValue: d).map { "Recorded: \($0.rawValue). The lead is now \(view.card.stage.label)." }
        }
        return .html(render("card", try await cardContext(view, viewer: viewer, historic: asOf != nil, flash: flash ?? done, error: error)),
                     status: status)
    }

    func cardContext(_ view: LeadCardView, viewer: Viewer, historic: Bool, flash: String?, error: String?) async throws -> [String: Any] {
        let card = view.card
        let f = card.fields
        var c = layout(viewer, title: card.email, nav: "queue")
        c["flash"] = flash
        c["error"] = error
        c["display"] = LeadFields.personName(f) ?? card.email
        c["email"] = card.email
        c["jobTitle"] = f["job_title"]
        c["href"] = Display.leadPath(card.email)
        c["asOf"] = Display.time(card.asOf)
        c["asOfDate"] = card.asOf.isoDate
        c["historic"] = historic
        c["modelName"] = view.modelName
        c["modelVersion"] = view.modelVersion
        c["stage"] = card.stage.label
        c["fitPoints"] = card.fitPoints
        c["grade"] = card.grade.rawValue
        c["engagement"] = Display.number(card.engagement)
        c["temperature"] = card.temperature.rawValue
        c["groups"] = card.groups.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": Display.number($0.value)] }
        c["account"] = card.account ?? "—"
        c["accountHref"] = view.linkedAccount.map { Self.accountPath($0.domain) }
        if let a = view.account {
            c["accountScore"] = "grade \(a.grade.rawValue) · \(a.temperature.rawValue) · \(a.contacts) contact\(a.contacts == 1 ? "" : "s")"
                + (a.missingRoles.isEmpty ? "" : " · missing \(a.missingRoles.map(Self.roleLabel).joined(separator: ", "))")
        } else if let linked = view.accountTooLargeToScore {
            c["accountScore"] = "\(linked.leads) contacts: open the account to score it"
        }
        let check = view.emailCheck
        let reasons = check.reasons.map(\.rawValue).joined(separator: ", ")
        c["emailVerdict"] = check.verdict.label + (reasons.isEmpty ? "" : " (\(reasons))")
        c["emailSuggestion"] = check.suggestion
        c["owner"] = f["owner"] ?? "—"
        switch view.sla {
        case .due(let due)?: c["sla"] = (due < card.asOf ? "OVERDUE since " : "due ") + Display.time(due)
        case .met(let at, let due)?: c["sla"] = "met: touched \(Display.time(at)), due \(Display.time(due))"
        case .late(let at, let due)?: c["sla"] = "late: touched \(Display.time(at)), due \(Display.time(due))"
        case nil: break
        }
        if let p = view.priority {
            c["priority"] = p.summary
        }
        if let chance = view.chance {
            c["chance"] = ["percent": Int((chance.probability * 100).rounded()),
                           "factors": chance.up.prefix(3).map { "+ \($0.description)" } + chance.down.prefix(3).map { "− \($0.description)" },
                           "notes": chance.notes] as [String: Any]
        }
        c["chanceProblem"] = view.chanceProblem
        c["flags"] = view.flags.map(\.sentence)
        c["nextOffer"] = card.nextOffer?.offer.title ?? "— (nothing left to offer in this stage)"
        c["nextOfferWhy"] = card.nextOffer?.reason
        c["followUp"] = card.followUpText
        c["fields"] = card.shownFields.map { ["name": $0.name, "value": $0.value] }
        c["canAct"] = viewer.user.role.allows(.moveStages)
        c["actions"] = StageAction.allCases.map(\.rawValue)
        let model = try await store.activeModel()
        c["codes"] = Array(Set((model?.model.handoff?.reasons ?? [:]).values.flatMap { $0 })).sorted()
        if let p = view.priority {
            c["checklist"] = ["questions": p.lines.map { line in
                var question: [String: Any] = [
                    "id": line.requirement, "question": "\(line.question) (×\(line.weight))",
                    "options": Answer.allCases.map { ["id": line.requirement, "value": $0.rawValue, "checked": $0 == line.answer] },
                ]
                if let by = line.by { question["answeredBy"] = "\(by), \(line.at?.isoDate ?? "")" }
                return question
            }] as [String: Any]
        }
        c["ledger"] = card.ledger.map { line -> [String: Any] in
            let e = line.entry
            let group = e.group.map { $0 == EngagementSection.mainGroup ? "" : "[\($0)] " } ?? ""
            let cause = e.cause
            var row: [String: Any] = ["at": Display.time(e.at), "kind": e.kind.rawValue, "rule": group + e.ruleID,
                                      "points": (e.points > 0 ? "+" : "") + String(e.points),
                                      "worth": e.kind == .fit ? "" : Display.number(line.valueNow, 2), "cause": cause]
            if let note = e.note { row["note"] = note }
            return row
        }
        c["fitTotal"] = card.fitLedgerSum
        c["engagementTotal"] = Display.number(card.engagementLedgerSum)
        c["stageHistory"] = card.stageHistory.map { ["at": Display.time($0.at), "from": $0.from.label, "to": $0.to.label, "by": $0.by, "reason": $0.reason] }
        c["timeline"] = card.timeline.prefix(100).map { e -> [String: Any] in
            var row: [String: Any] = ["at": Display.time(e.at), "text": e.text]
            if let by = e.by { row["by"] = by }
            return row
        }
        return c
    }

    func moveStage(_ rawEmail: String, _ fields: [String: String], _ viewer: Viewer) async throws -> PageResult {
        let key = try leadKey(rawEmail)
        let reason = (fields["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let action = StageAction(rawValue: fields["action"] ?? "") else { throw WebProblem.badRequest("Choose an action.") }
        let code = fields["code"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let change = try await store.moveStage(key, action: action, reason: reason, by: viewer.recordedAs,
                                                   id: EventID("web-" + UUID().uuidString.lowercased()), at: clock(), code: code)
            _ = change
            return .redirect(Display.leadPath(key.email) + "?done=" + action.rawValue)
        } catch StoreError.stageMove(let problem) {
            return try await cardPage(Request.empty, key.email, viewer, error: "\(action.rawValue): \(problem)", status: .unprocessableContent)
        } catch StoreError.unknownLead {
            throw WebProblem.notFound("no lead with email '\(key.email)'")
        }
    }

    func answer(_ rawEmail: String, _ fields: [String: String], _ viewer: Viewer) async throws -> PageResult {
        let key = try leadKey(rawEmail)
        let answers = fields.compactMap { name, value in name.hasPrefix("answer.") ? (String(name.dropFirst(7)), value) : nil }
        do {
            _ = try await store.answerChecklist(key, answers: answers, by: viewer.recordedAs, at: clock())
            return .redirect(Display.leadPath(key.email) + "?done=answers")
        } catch let problem as ChecklistAnswerProblem {
            return try await cardPage(Request.empty, key.email, viewer, error: "Checklist: \(problem)", status: .unprocessableContent)
        } catch StoreError.unknownLead {
            throw WebProblem.notFound("no lead with email '\(key.email)'")
        }
    }
}

extension Request {
    /// A request with no query (to render a page again after a refused form).
    static var empty: Request {
        Request(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/"), body: .init(buffer: ByteBuffer()))
    }
}
