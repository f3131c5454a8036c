import Foundation
import QualifyApp
import QualifyCore
import Testing

@Suite struct VerifyListTests {
    static let bundled: LoadedHygieneLists = try! HygieneListLoader.load()

    @Test("The bundled lists load from the resources, each with entries")
    func bundledListsLoad() {
        let origins = Dictionary(uniqueKeysWithValues: Self.bundled.origins.map { ($0.kind, $0) })
        #expect(origins[.disposable]?.count ?? 0 > 60_000)  // the two disposable lists' union
        #expect(origins[.allowlist]?.count == 189)
        #expect(origins[.free]?.count == 13_405)
        #expect(origins[.role]?.count == 1_018)
        #expect(Self.bundled.origins.allSatisfy { !$0.isUpdated && $0.source.hasPrefix("bundled") })
        #expect(Self.bundled.lists.roleLocalParts.contains("info"))
        #expect(Self.bundled.lists.freeMail.contains("gmail.com"))
    }

    @Test("An allowlisted domain is not disposable even though a bundled disposable list names it", arguments: [
        "airmail.cc", "antichef.com", "8chan.co",
    ])
    func allowlistWins(domain: String) {
        let lists = Self.bundled.lists
        #expect(lists.disposable.contains(domain))
        #expect(lists.allowlist.contains(domain))
        #expect(!lists.isDisposable(domain))
        #expect(!lists.isDisposable("mail." + domain))
        #expect(!lists.emailLists.disposable.contains(domain))
    }

    static let kindsTable: [(String, [HygieneReason], Set<EmailKind>)] = [
        ("ana@mailinator.com", [.disposable], [.disposable]),
        ("ana@inbox.mailinator.com", [.disposable], [.disposable]),
        ("ana@gmail.com", [.freeMail], [.freeProvider]),
        ("ana@hush.com", [.freeMail], [.freeProvider]),  // allowlisted, on a disposable list and on the free list
        ("noreply@acme-industries.com", [.roleAccount], [.role]),
        ("sales+emea@gmail.com", [.roleAccount, .freeMail], [.role, .freeProvider]),
    ]

    @Test("With the bundled lists, addresses get the kinds fit rules use", arguments: kindsTable)
    func bundledVerdicts(address: String, reasons: [HygieneReason], kinds: Set<EmailKind>) {
        let r = Self.bundled.verifier().verify(address)
        #expect(r.verdict == .risky(reasons))
        #expect(r.kinds == kinds)
    }

    @Test("The EmailLists conversion carries the full lists for the store")
    func emailListsConversion() throws {
        let lists = Self.bundled.emailLists
        #expect(lists.disposable.count > 60_000)
        #expect(lists.freeProviders.contains("gmail.com"))
        #expect(!lists.freeProviders.contains("mailinator.com"))  // disposable wins over free-mail
        #expect(lists.kinds(of: try EmailAddress.parse("info@yahoo.com").get()) == [.role, .freeProvider])
    }

    @Test("List files: comments and blank lines are skipped, junk lines reported, Unicode domains converted, JSON arrays read")
    func parsing() throws {
        let text = "# from somewhere\nacme-mail.com\n\nUPPER.Example.org\r\n404: not found\ninstágram.com\nnodot\n"
        let parsed = try HygieneListLoader.parse(Data(text.utf8), kind: .disposable, name: "x.txt")
        #expect(parsed.entries == ["acme-mail.com", "upper.example.org", "xn--instgram-cza.com"])
        #expect(parsed.skipped.map(\.line) == [5, 7])
        #expect(parsed.firstComment == "from somewhere")
        let json = try HygieneListLoader.parse(Data(#"["a.com", "B.net", "bad domain"]"#.utf8), kind: .free, name: "x.json")
        #expect(json.entries == ["a.com", "b.net"])
        #expect(json.skipped.map(\.line) == [3])
        let roles = try HygieneListLoader.parse(Data("Info\nall.staff\nno one\nx@y\n".utf8), kind: .role, name: "r.txt")
        #expect(roles.entries == ["info", "all.staff"])
        #expect(throws: HygieneListLoader.ListError.self) {
            try HygieneListLoader.parse(Data("[1, 2]".utf8), kind: .free, name: "n.json")
        }
    }

    @Test("An updated list replaces the bundled one until it is reset")
    func updateAndReset() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-lists-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("new-free-\(UInt64.random(in: 0...UInt64.max)).txt")
        defer { try? FileManager.default.removeItem(at: source) }
        try "acme-free.com\nother-free.net\n404: not found\n".write(to: source, atomically: true, encoding: .utf8)
        let report = try HygieneListUpdate.install(.free, from: source.path, into: dir, now: Date(timeIntervalSince1970: 1_767_225_600))
        #expect(report.entries == 2)
        #expect(report.skipped.count == 1)
        let loaded = try HygieneListLoader.load(overrideDirectory: dir)
        #expect(loaded.lists.freeMail == ["acme-free.com", "other-free.net"])
        let free = try #require(loaded.origins.first { $0.kind == .free })
        #expect(free.isUpdated)
        #expect(free.note?.contains(source.path) == true)
        #expect(free.note?.contains("2026-01-01") == true)
        #expect(loaded.lists.roleLocalParts.count == 1_018)  // the others stay bundled
        #expect(try HygieneListUpdate.reset(.free, in: dir))
        #expect(try HygieneListLoader.load(overrideDirectory: dir).lists.freeMail.count == 13_405)
        #expect(throws: HygieneListLoader.ListError.self) {
            try HygieneListUpdate.install(.free, from: dir.appendingPathComponent("missing.txt").path, into: dir, now: Date())
        }
    }

    @Test("The lists folder sits beside the database file")
    func overrideDirectory() {
        #expect(HygieneListLoader.overrideDirectory(forDatabase: "/data/q/leads.sqlite").path == "/data/q/qualify-lists")
        #expect(HygieneListLoader.overrideDirectory(forDatabase: "sqlite:/data/q/leads.sqlite").path == "/data/q/qualify-lists")
        #expect(HygieneListLoader.overrideDirectory(forDatabase: "qualify.sqlite").lastPathComponent == "qualify-lists")
    }
}
