import Foundation
import Hummingbird
import QualifyCore
import QualifyStore
import QualifyUseCases

extension Web {
    /// `/app/followups?due=&owner=`: the follow-ups due, as `qualify followups` lists them, each with a form to mark
    /// its step done; `?held=1` lists the leads held back with why.
    func followUpsPage(_ request: Request, _ viewer: Viewer, flash: String? = nil, error: String? = nil,
                       status: HTTPResponse.Status = .ok) async throws -> PageResult {
        let q = request.uri.queryParameters
        var c = layout(viewer, title: "Follow-ups", nav: "followups")
        let dueText = String((q.get("due") ?? "today").prefix(10))
        guard let window = FollowUpWindow(rawValue: dueText) else {
            throw WebProblem.badRequest("Due '\(dueText)' is not today, overdue or all.")
        }
        let owner = String((q.get("owner") ?? "").prefix(200)).trimmingCharacters(in: .whitespaces)
        c["owner"] = owner
        c["windows"] = FollowUpWindow.allCases.map { ["value": $0.rawValue, "selected": $0 == window] }
        c["flash"] = flash ?? q.get("done").map { "Recorded: \(String($0.prefix(300)))" }
        c["error"] = error
        let followUps = FollowUps(store: store, verifier: cards.verifier)
        let now = clock()
        if q.get("held") == "1" {
            c["heldView"] = true
            c["held"] = try await followUps.held(limit: 200, now: now).map { h -> [String: Any] in
                ["href": Display.leadPath(h.email), "display": h.name ?? h.email, "email": h.email, "stage": h.stage.label,
                 "owner": h.owner ?? "", "reason": h.reason]
            }
            return .html(render("followups", c), status: status)
        }
        let items = try await followUps.due(window, owner: owner.isEmpty ? nil : owner, now: now, limit: 200)
        c["rows"] = items.map { i -> [String: Any] in
            ["href": Display.leadPath(i.email), "action": Display.leadPath(i.email) + "/followups", "display": i.name ?? i.email, "email": i.email,
             "company": i.company ?? "", "stage": i.stage.label, "step": "\(i.step) of \(i.steps)", "channel": i.channel.rawValue,
             "offer": i.offer?.title ?? "", "offerWhy": i.offerReason ?? "", "due": Display.time(i.dueAt), "overdue": i.overdue,
             "owner": i.owner ?? "", "why": i.why]
        }
        c["summary"] = "\(items.count) due (\(window.rawValue))\(items.count == 200 ? ", the first 200" : "")"
        return .html(render("followups", c), status: status)
    }

    /// POST `/app/leads/{email}/followups`: the lead's due step done (sent, called, done) or skipped with a reason.
    func followUpDone(_ rawEmail: String, _ fields: [String: String], _ viewer: Viewer) async throws -> PageResult {
        let key = try leadKey(rawEmail)
        let outcome = fields["outcome"] ?? ""
        let reason = fields["reason"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        do {
            let item = try await FollowUps(store: store, verifier: cards.verifier).done(
                key, outcome: outcome, offer: nil, reason: reason, by: viewer.recordedAs,
                id: EventID("followup:web-" + UUID().uuidString.lowercased()), at: clock())
            return .redirect("/app/followups?done=" + Forms.percentEncoded("\(key.email): step \(item.step) \(outcome)"))
        } catch let problem as FollowUpProblem {
            return try await followUpsPage(Request.empty, viewer, error: "\(key.email): \(problem)", status: .unprocessableContent)
        } catch LeadCards.Problem.unknownLead {
            throw WebProblem.notFound("no lead with email '\(key.email)'")
        }
    }
}
