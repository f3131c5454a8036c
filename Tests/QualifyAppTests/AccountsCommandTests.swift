import Foundation
import Testing

/// `qualify accounts` and `qualify account` on a demo database, checked against the leads' own figures: each
/// account's engagement is the sum of its contacts' under the model's rule, its contacts are the leads of its domain,
/// and a new model's rule applies at once (accounts have no state of their own).
@Suite(.serialized) struct AccountsCommandTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func accountsAreTheSumOfTheirContactsUnderEachRule() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = "a.sqlite"
        #expect(try CLI.run(["demo", "--leads", "600", "--seed", "5", "--out", "demo"], in: dir).status == 0)
        #expect(try CLI.run(["import", "leads", "demo/leads.csv", "--database", db], in: dir).status == 0)
        #expect(try CLI.run(["import", "events", "demo/events.csv", "--database", db], in: dir).status == 0)
        let leadsRun = try CLI.run(["leads", "--stage", "all", "--limit", "100000", "--format", "json", "--database", db], in: dir)
        let leads = try #require(try JSONSerialization.jsonObject(with: Data(leadsRun.out.utf8)) as? [[String: Any]])
        var byDomain: [String: [Double]] = [:]
        for lead in leads {
            let email = lead["email"] as? String ?? ""
            byDomain[String(email.split(separator: "@").last ?? ""), default: []].append(lead["engagement"] as? Double ?? .nan)
        }

        // a model whose accounts rule is given, so each rule's expected sum is known
        let model = try CLI.run(["model", "show-default"], in: dir).out
        for (rule, expected) in [("engagement: max", { (e: [Double]) in e.max() ?? 0 }),
                                 ("engagement: sum", { (e: [Double]) in e.reduce(0, +) }),
                                 ("engagement: sum_top\n  top: 2", { (e: [Double]) in e.sorted(by: >).prefix(2).reduce(0, +) })] {
            let edited = model.replacingOccurrences(of: "  engagement: sum_top\n  top: 3", with: "  \(rule)")
            #expect(edited != model, "the default model's accounts section moved")
            try edited.write(to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
            let activate = try CLI.run(["model", "activate", "m.yaml", "--database", db], in: dir)
            #expect(activate.status == 0, "\(activate.err)")
            let run = try CLI.run(["accounts", "--limit", "1000", "--format", "json", "--database", db], in: dir)
            #expect(run.status == 0, "\(run.err)")
            let list = try Self.json(run.out)
            let accounts = list["accounts"] as? [[String: Any]] ?? []
            #expect(accounts.count > 20 && accounts.count == list["total"] as? Int, "\(rule): \(accounts.count) of \(list["total"] ?? "")")
            for account in accounts {
                let domain = account["domain"] as? String ?? ""
                let engagements = byDomain[domain] ?? []
                #expect(account["contacts"] as? Int == engagements.count, "\(domain): contacts are the leads of the domain")
                let want = expected(engagements), got = account["engagement"] as? Double ?? .nan
                // the queue's engagement is read a moment earlier than the accounts': decay between the runs is tiny
                #expect(abs(got - want) <= 1e-3 * max(1, want), "\(rule) \(domain): \(got) vs \(want)")
                #expect(!["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"].contains(domain), "free mail forms no account")
            }
            let bands = accounts.map { ($0["grade"] as? String ?? "", $0["temperature"] as? String ?? "", $0["engagement"] as? Double ?? 0) }
            #expect(zip(bands, bands.dropFirst()).allSatisfy { a, b in a.0 != b.0 || a.1 != b.1 || a.2 >= b.2 }, "engagement falls within a band")
        }

        let top = try Self.json(try CLI.run(["accounts", "--limit", "1", "--format", "json", "--database", db], in: dir).out)
        let domain = try #require((top["accounts"] as? [[String: Any]])?.first?["domain"] as? String)
        let card = try CLI.run(["account", domain.uppercased(), "--database", db], in: dir)
        #expect(card.status == 0 && card.out.hasPrefix(domain) && card.out.contains("committee") && card.out.contains("ledger (newest first"), "\(card.out.prefix(600))")
        let csv = try CLI.run(["accounts", "--grade", "a", "--format", "csv", "--database", db], in: dir)
        #expect(csv.out.hasPrefix("domain,name,grade,fit,temperature,") && csv.out.split(separator: "\n").dropFirst().allSatisfy { $0.contains(",A,") },
                "\(csv.out.prefix(400))")
        let unknown = try CLI.run(["account", "gmail.com", "--database", db], in: dir)
        #expect(unknown.status != 0 && unknown.err.contains("no account 'gmail.com'"), "\(unknown.err)")
        let badLimit = try CLI.run(["accounts", "--limit", "0", "--database", db], in: dir)
        #expect(badLimit.status != 0 && badLimit.err.contains("--limit"), "\(badLimit.err)")
    }
}
