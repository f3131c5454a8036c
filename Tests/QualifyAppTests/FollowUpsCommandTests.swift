import Foundation
import Testing

/// `qualify followups` on a demo database: due steps in time order with their offers, the held leads (every lead the
/// events unsubscribed or hard-bounced), a replay giving the same list, and a step marked done moving the cadence on.
@Suite(.serialized) struct FollowUpsCommandTests {
    static func rows(_ text: String) throws -> [[String: String]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]])
    }

    @Test func dueFollowUpsHeldLeadsAReplayAndAStepDone() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = "n.sqlite"
        #expect(try CLI.run(["demo", "--leads", "500", "--seed", "11", "--out", "demo"], in: dir).status == 0)
        #expect(try CLI.run(["import", "leads", "demo/leads.csv", "--database", db], in: dir).status == 0)
        #expect(try CLI.run(["import", "events", "demo/events.csv", "--database", db], in: dir).status == 0)

        let list = try CLI.run(["followups", "--due", "all", "--limit", "10000", "--format", "json", "--database", db], in: dir)
        #expect(list.status == 0, "\(list.err)")
        let items = try Self.rows(list.out)
        #expect(items.count > 20, "the demo's IQLs, MQLs and recycled leads have steps pending: \(items.count)")
        let dues = items.map { $0["due_at"] ?? "" }
        #expect(dues == dues.sorted(), "earliest first")
        #expect(items.allSatisfy { ["iql", "mql", "recycled"].contains($0["stage"] ?? "") }, "only stages with a cadence")
        #expect(items.contains { !($0["offer"] ?? "").isEmpty && !($0["offer_reason"] ?? "").isEmpty }, "offers with their reasons")

        // every lead the events unsubscribed or hard-bounced is held, none of them is due
        let events = try String(contentsOf: dir.appendingPathComponent("demo/events.csv"), encoding: .utf8).split(separator: "\n")
        let header = events[0].split(separator: ",").map(String.init)
        let (emailAt, typeAt) = (header.firstIndex(of: "email")!, header.firstIndex(of: "type")!)
        let gone = Set(events.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0[typeAt] == "unsubscribe" || ($0[typeAt] == "email_bounce" && $0.joined(separator: ",").contains("hard")) }
            .map { $0[emailAt].lowercased() })
        #expect(!gone.isEmpty, "the demo has unsubscribes")
        let held = try CLI.run(["followups", "--suppressed", "--limit", "10000", "--format", "json", "--database", db], in: dir)
        let heldEmails = Set(try Self.rows(held.out).map { $0["email"] ?? "" })
        #expect(gone.isSubset(of: heldEmails), "held: \(gone.subtracting(heldEmails))")
        #expect(gone.isDisjoint(with: Set(items.map { $0["email"] ?? "" })), "no follow-up for them")

        // a replay of every lead under the same model gives the same list
        let model = try CLI.run(["model", "show-default"], in: dir).out
        try model.write(to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["rescore", "--model", "m.yaml", "--database", db], in: dir).status == 0)
        let again = try Self.rows(try CLI.run(["followups", "--due", "all", "--limit", "10000", "--format", "json", "--database", db], in: dir).out)
        #expect(again.map { [$0["email"], $0["step"], $0["due_at"], $0["offer"]] } == items.map { [$0["email"], $0["step"], $0["due_at"], $0["offer"]] },
                "the replay's follow-ups are the live ones")

        // the queue's CSV carries each lead's next-best offer
        let queue = try CLI.run(["leads", "--stage", "open", "--limit", "200", "--format", "csv", "--database", db], in: dir)
        let lines = queue.out.split(separator: "\n")
        #expect(lines.first?.hasSuffix(",due_at,next_offer") == true, "\(lines.first ?? "")")
        #expect(lines.dropFirst().contains { !$0.hasSuffix(",") }, "some leads have an offer left")

        // which offers move leads: a row per offer of the catalogue, the webinar taken by many
        let report = try CLI.run(["offers", "report", "--days", "30", "--format", "json", "--database", db], in: dir)
        #expect(report.status == 0, "\(report.err)")
        let offers = try #require(try JSONSerialization.jsonObject(with: Data(report.out.utf8)) as? [[String: Any]])
        #expect(offers.count == 11, "the default catalogue: \(offers.count)")
        let webinar = offers.first { $0["offer"] as? String == "webinar" }
        #expect(((webinar?["took"] as? [String: Any])?["trials"] as? Int ?? 0) > 0, "\(webinar ?? [:])")
        let table = try CLI.run(["offers", "report", "--database", db], in: dir)
        #expect(table.out.contains("LIFT (95 %)") && table.out.contains("Product tour webinar"), "\(table.out.prefix(600))")

        // the first due step done: the lead moves to its next step (or off the list); the card says so
        let first = items[0], email = first["email"]!
        let done = try CLI.run(["followups", "done", email, "--outcome", "sent", "--by", "mia", "--database", db], in: dir)
        #expect(done.status == 0 && done.out.contains("step \(first["step"]!) of \(first["steps"]!) sent"), "\(done.out) \(done.err)")
        let after = try Self.rows(try CLI.run(["followups", "--due", "all", "--limit", "10000", "--format", "json", "--database", db], in: dir).out)
        let next = after.first { $0["email"] == email }
        #expect(next == nil || Int(next!["step"]!)! == Int(first["step"]!)! + 1, "moved on: \(next ?? [:])")
        let card = try CLI.run(["lead", email, "--database", db], in: dir)
        #expect(card.out.contains("follow-up   ") && card.out.contains("next offer  "), "\(card.out.prefix(900))")
        let bad = try CLI.run(["followups", "done", email, "--outcome", "posted", "--database", db], in: dir)
        #expect(bad.status != 0 && (bad.err.contains("--outcome") || bad.err.contains("no follow-up step is due")), "\(bad.err)")
    }
}
