import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import QualifyServer
import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases
import Testing

/// Sales logs activities and reassigns leads through the API; both show on the card.
@Suite struct HandoffAPITests {
    static let team = """

        team:
          - { id: sam, name: Sam Rivera }
          - { id: lea, name: Lea Wolf }
        routing:
          pools:
            inside: { members: [sam, lea] }
          fallback: inside

        """

    @Test func aSalespersonLogsACallAndTheCardsTimelineShowsItWithWhoAndWhen() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), APITests.ada)
            let call = try await client.call(.post, "/leads/ada@acme.io/activities", f.headers(.sales),
                                             #"{"type":"call","outcome":"connected","note":"wants a demo next week","id":"c1","at":"2026-06-01T10:00:00Z"}"#)
            #expect(call.status == .ok && call["logged"] as? Bool == true && call["type"] as? String == "sales.call", "\(call.text)")
            let again = try await client.call(.post, "/leads/ada@acme.io/activities", f.headers(.sales),
                                              #"{"type":"call","outcome":"connected","id":"c1","at":"2026-06-01T10:00:00Z"}"#)
            #expect(again.status == .ok && again["logged"] as? Bool == false, "\(again.text)")
            let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            // newest first: the upsert's fields (at the server's now, 12:00), then the call at 10:00
            let timeline = card["timeline"] as? [[String: Any]] ?? []
            #expect(timeline.map { $0["type"] as? String } == ["$fields", "sales.call"], "\(card.text)")
            let first = timeline.last
            #expect(first?["type"] as? String == "sales.call" && first?["text"] as? String == "call: connected — wants a demo next week", "\(String(describing: first))")
            #expect((first?["by"] as? String ?? "").contains("sales key") && first?["at"] as? String == "2026-06-01T10:00:00Z")
            // refused, naming the field
            let bad = try await client.call(.post, "/leads/ada@acme.io/activities", f.headers(.sales), #"{"type":"call","outcome":"maybe"}"#)
            #expect(bad.status == .unprocessableContent && bad["field"] as? String == "outcome", "\(bad.text)")
            #expect((bad["detail"] as? String ?? "").contains("connected, voicemail, no_answer"))
            let emptyNote = try await client.call(.post, "/leads/ada@acme.io/activities", f.headers(.sales), #"{"type":"note"}"#)
            #expect(emptyNote.status == .unprocessableContent && emptyNote["field"] as? String == "note")
            let future = try await client.call(.post, "/leads/ada@acme.io/activities", f.headers(.sales), #"{"type":"note","note":"x","at":"2027-01-01T00:00:00Z"}"#)
            #expect(future.status == .unprocessableContent && future["field"] as? String == "at", "\(future.text)")
            let ghost = try await client.call(.post, "/leads/ghost@acme.io/activities", f.headers(.sales), #"{"type":"note","note":"x"}"#)
            #expect(ghost.status == .notFound)
            let ingest = try await client.call(.post, "/leads/ada@acme.io/activities", f.headers(.ingest), #"{"type":"note","note":"x"}"#)
            #expect(ingest.status == .forbidden)
        }
    }

    @Test func aLeadIsRoutedOnSQLAndReassignedWithAReason() async throws {
        let f = try await Fixture()
        let (model, _) = try ModelFile.parse(yaml: DefaultModel.yaml + Self.team, file: "team.yaml").get()
        _ = try await f.store.activate(model, source: DefaultModel.yaml + Self.team, at: Timestamp(iso8601: "2026-01-02T00:00:00Z")!)
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), APITests.ada)
            _ = try await client.call(.post, "/events", f.headers(.ingest), APITests.event("d1", type: "demo_request"))
            var card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            #expect((card["fields"] as? [String: String])?["owner"] == "sam", "\(card.text)")
            let moved = try await client.call(.post, "/leads/ada@acme.io/owner", f.headers(.sales), #"{"owner":"lea","reason":"speaks German"}"#)
            #expect(moved.status == .ok && moved["reason"] as? String == "reassigned to Lea Wolf (was sam): speaks German", "\(moved.text)")
            card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            #expect((card["fields"] as? [String: String])?["owner"] == "lea")
            let assignments = (card["timeline"] as? [[String: Any]])?.filter { $0["type"] as? String == "$assign" }.compactMap { $0["text"] as? String } ?? []
            #expect(assignments.count == 2 && assignments[0].hasPrefix("assigned to lea: reassigned to Lea Wolf (was sam)")
                    && assignments[1].hasPrefix("assigned to sam: routed to Sam Rivera"), "\(assignments)")
            let unknown = try await client.call(.post, "/leads/ada@acme.io/owner", f.headers(.sales), #"{"owner":"max","reason":"x"}"#)
            #expect(unknown.status == .unprocessableContent && unknown["field"] as? String == "owner", "\(unknown.text)")
            #expect((unknown["detail"] as? String ?? "").contains("the team is: sam, lea"))
            let same = try await client.call(.post, "/leads/ada@acme.io/owner", f.headers(.sales), #"{"owner":"lea","reason":"again"}"#)
            #expect(same.status == .conflict)
            let messages = try await f.store.outboxMessages(after: 0, limit: 100).compactMap(\.event)
            let assigned = messages.compactMap { m -> String? in if case .assigned(_, let owner, _, let by, _, _) = m { return "\(owner) by \(by)" }; return nil }
            #expect(assigned.count == 2 && assigned[0] == "sam by routing" && assigned[1].hasPrefix("lea by sales key"), "\(assigned)")
        }
    }

    @Test func rejectingNeedsOneOfTheModelsReasonCodes() async throws {
        let f = try await Fixture()
        let yaml = DefaultModel.yaml + "\nreasons:\n  reject: [not-a-fit, no-budget]\n"
        let (model, _) = try ModelFile.parse(yaml: yaml, file: "reasons.yaml").get()
        _ = try await f.store.activate(model, source: yaml, at: Timestamp(iso8601: "2026-01-02T00:00:00Z")!)
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), APITests.ada)
            _ = try await client.call(.post, "/events", f.headers(.ingest), APITests.event("d1", type: "demo_request"))
            let none = try await client.call(.post, "/leads/ada@acme.io/stage", f.headers(.sales), #"{"action":"reject","reason":"too small"}"#)
            #expect(none.status == .unprocessableContent && none["field"] as? String == "code", "\(none.text)")
            #expect((none["detail"] as? String ?? "").contains("one of not-a-fit, no-budget"))
            let typo = try await client.call(.post, "/leads/ada@acme.io/stage", f.headers(.sales), #"{"action":"reject","reason":"x","code":"no-budgte"}"#)
            #expect(typo.status == .unprocessableContent && (typo["detail"] as? String ?? "").contains("did you mean 'no-budget'"), "\(typo.text)")
            let extra = try await client.call(.post, "/leads/ada@acme.io/stage", f.headers(.sales), #"{"action":"accept","reason":"x","code":"no-budget"}"#)
            #expect(extra.status == .unprocessableContent && extra["field"] as? String == "code", "\(extra.text)")
            let ok = try await client.call(.post, "/leads/ada@acme.io/stage", f.headers(.sales), #"{"action":"reject","reason":"no budget this year","code":"No-Budget"}"#)
            #expect(ok.status == .ok && ok["stage"] as? String == "recycled", "\(ok.text)")
            let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            let last = (card["stage_history"] as? [[String: Any]])?.last
            #expect(last?["reason"] as? String == "reject [no-budget]: no budget this year", "\(String(describing: last))")
        }
        // the code is kept in the log: a replay (rescore) words the move the same
        let lead = try #require(try await f.store.lead(try EmailAddress.parse("ada@acme.io").get()))
        #expect(lead.events.contains { if case .stageMove(.reject, _, _, "no-budget") = $0.kind { return true } else { return false } })
    }

    @Test func reassigningWithoutATeamSaysWhatToDo() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), APITests.ada)
            let r = try await client.call(.post, "/leads/ada@acme.io/owner", f.headers(.sales), #"{"owner":"sam","reason":"x"}"#)
            #expect(r.status == .unprocessableContent && (r["detail"] as? String ?? "").contains("list the salespeople under `team:`"), "\(r.text)")
        }
    }
}
