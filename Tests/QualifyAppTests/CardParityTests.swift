import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import QualifyApp
import QualifyCore
import QualifyServer
import QualifyStore
import Testing

/// A lead's card is built once (``LeadCards``): `qualify lead --format json` and `GET /leads/{email}` must give the
/// same document for every lead, with the lists and prediction installed for the database — including the addresses
/// where the lists matter (free mail, disposable, role, a mistyped domain).
@Suite struct CardParityTests {
    /// Rows added to the demo: addresses whose fit depends on the installed lists.
    static let listed = [
        "ana@laposte.net",             // free mail (only in the installed list)
        "x.trial@mailinator.com",      // disposable
        "jo@guerrillamail.com",        // disposable
        "sales@northwind-parts.com",   // role
        "bob@gmial.com",               // mistyped gmail.com
        "carol@hotmial.com",           // mistyped hotmail.com
        "dave@yahooo.com",             // mistyped yahoo.com
    ]

    @Test func everyLeadsCardIsTheSameThroughTheCLIAndTheAPI() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-cards-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("cards.sqlite").path
        #expect(try CLI.run(["demo", "--leads", "300", "--seed", "5", "--out", "demo"], in: dir).status == 0)
        let leadsURL = dir.appendingPathComponent("demo/leads.csv"), eventsURL = dir.appendingPathComponent("demo/events.csv")
        let leadsText = try String(contentsOf: leadsURL, encoding: .utf8), eventsText = try String(contentsOf: eventsURL, encoding: .utf8)
        let leadHeader = leadsText.prefix { $0 != "\n" }.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let eventHeader = eventsText.prefix { $0 != "\n" }.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func row(_ header: [String], _ values: [String: String]) -> String { header.map { values[$0] ?? "" }.joined(separator: ",") }
        var extraLeads = "", extraEvents = ""
        for (n, email) in Self.listed.enumerated() {
            extraLeads += row(leadHeader, ["Email": email, "First Name": "Lee\(n)", "Job Title": "Head of Operations",
                                           "Company": "Listed \(n)", "Number of Employees": "250", "Industry": "manufacturing"]) + "\n"
            extraEvents += row(eventHeader, ["id": "listed-\(n)", "email": email, "type": "content_download",
                                             "at": "2026-02-0\(n + 1)T10:00:00Z"]) + "\n"
        }
        try (leadsText + extraLeads).write(to: leadsURL, atomically: true, encoding: .utf8)
        try (eventsText + extraEvents).write(to: eventsURL, atomically: true, encoding: .utf8)
        #expect(leadHeader.contains("Email") && eventHeader.contains("email"), "the demo's headers: \(leadHeader) \(eventHeader)")
        let imported = try CLI.run(["import", "leads", "demo/leads.csv", "--database", database], in: dir)
        #expect(imported.status == 0 && imported.out.contains("\(300 + Self.listed.count) created"), "\(imported.out)\(imported.err)")
        let events = try CLI.run(["import", "events", "demo/events.csv", "--database", database], in: dir)
        #expect(events.status == 0 && events.out.contains(" 0 rejected"), "\(events.out)\(events.err)")

        let emails = leadsText.split(separator: "\n").dropFirst().map { line in
            String(line.split(separator: ",", omittingEmptySubsequences: false)[leadHeader.firstIndex(of: "Email")!])
        } + Self.listed
        #expect(emails.count >= 300 + Self.listed.count)
        let asOf = "2026-12-01T00:00:00Z"
        let cli = try CLI.run(["lead"] + emails + ["--format", "json", "--as-of", asOf, "--database", database], in: dir)
        #expect(cli.status == 0, "\(cli.err)")
        let cliCards = try #require(try JSONSerialization.jsonObject(with: Data(cli.out.utf8)) as? [NSDictionary])
        #expect(cliCards.count == emails.count)

        // The API as `serve` builds it: the store opened for serving, the installation's lists and prediction.
        let store = try await StoreOpener.open(database, now: .now())
        let admin = APIKeys.make(name: "parity", role: .admin, at: .now())
        try await store.createAPIKey(admin.record, secretHash: admin.hash)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let router = try await QualifyServer.router(cards: try Installation.cards(for: store, location: database), logger: logger)
        let headers: HTTPFields = [.authorization: "Bearer \(admin.secret)"]
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "+@"))
        let bodies: [Data] = try await Application(router: router, logger: logger).test(.router) { client in
            var bodies: [Data] = []
            for email in emails {
                let path = "/leads/\(email.addingPercentEncoding(withAllowedCharacters: allowed)!)?as_of=\(asOf)"
                let response = try await client.execute(uri: path, method: .get, headers: headers) { $0 }
                #expect(response.status == .ok, "\(email): \(response.status)")
                bodies.append(Data(buffer: response.body))
            }
            return bodies
        }
        var differing: [String] = []
        var kinds = (free: 0, disposable: 0, role: 0, typo: 0)
        for (email, (cliCard, body)) in zip(emails, zip(cliCards, bodies)) {
            let apiCard = try JSONSerialization.jsonObject(with: body) as? NSDictionary
            if apiCard != cliCard { differing.append(email) }
            let reasons = (cliCard["email_check"] as? NSDictionary)?["reasons"] as? [String] ?? []
            if reasons.contains("free_mail") { kinds.free += 1 }
            if reasons.contains("disposable") { kinds.disposable += 1 }
            if reasons.contains("role_account") { kinds.role += 1 }
            if reasons.contains("possible_typo") { kinds.typo += 1 }
        }
        #expect(differing.isEmpty, "cards that differ between the CLI and the API: \(differing.prefix(10))")
        #expect(kinds.free > 0 && kinds.disposable >= 2 && kinds.role > 0 && kinds.typo >= 3, "the set covers every kind: \(kinds)")
        let disposable = try #require(cliCards[emails.firstIndex(of: "x.trial@mailinator.com")!]["ledger"] as? [NSDictionary])
        #expect(disposable.contains { $0["rule"] as? String == "disposable" }, "scored with the installed lists: \(disposable)")
    }
}
