import Foundation
import QualifyApp
import QualifyCore
import Testing

@Suite(.serialized) struct VerifyCommandTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-verify-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    static let csv = [
        "Name,E-mail Address,Note",
        "Ana Lima,ana@acme-industries.com,\"hello, world\"",
        "Bob,bob@gmial.com,\"said \"\"hi\"\"\"",
        "Info Desk,info@acme-industries.com,",
        "Bad,bad@@acme.com,x",
        "Nobody,,y",
        "José,josé@münchen.de,\"two",
        "lines\"",
        "Broken,\"x@y.com,zz",
        "Throwaway,a@mailinator.com,",
        "Free,Carla@GMAIL.com,last",
        "",
    ].joined(separator: "\n")

    func write(_ text: String, _ name: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("verify writes every readable row back with its columns, quoting and the verdict columns, and summarizes")
    func endToEnd() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try write(Self.csv, "leads.csv")
        let output = dir.appendingPathComponent("checked.csv")
        let result = try CLI.run(["verify", input.path, "--out", output.path], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let text = try String(contentsOf: output, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Name,E-mail Address,Note,verdict,reasons,suggestion,normalized")
        #expect(lines[1] == "Ana Lima,ana@acme-industries.com,\"hello, world\",valid,,,ana@acme-industries.com")
        #expect(lines[2] == "Bob,bob@gmial.com,\"said \"\"hi\"\"\",risky,possible_typo;disposable,bob@gmail.com,bob@gmial.com")
        #expect(lines[3] == "Info Desk,info@acme-industries.com,,risky,role_account,,info@acme-industries.com")
        #expect(lines[4] == "Bad,bad@@acme.com,x,invalid,multiple_at_signs,,")
        #expect(lines[5] == "Nobody,,y,unknown,no_address,,")
        #expect(lines[6] == "José,josé@münchen.de,\"two")
        #expect(lines[7] == "lines\",risky,utf8_local_part,,josé@xn--mnchen-3ya.de")
        #expect(lines[8] == "Throwaway,a@mailinator.com,,risky,disposable,,a@mailinator.com")
        #expect(lines[9] == "Free,Carla@GMAIL.com,last,risky,free_mail,,carla@gmail.com")
        #expect(lines.count == 11 && lines[10].isEmpty)
        // the summary goes to standard output when the rows go to a file; the unreadable row to standard error
        #expect(result.out.contains("8 addresses verified"), "\(result.out)")
        #expect(result.out.contains("column 'E-mail Address'"))
        #expect(result.out.contains("verdicts: valid 1, risky 5, invalid 1, unknown 1"), "\(result.out)")
        #expect(result.out.contains("reasons: disposable 2, free_mail 1, multiple_at_signs 1, no_address 1, possible_typo 1, role_account 1, utf8_local_part 1"), "\(result.out)")
        #expect(result.out.contains("unreadable rows: 1"))
        #expect(result.err.contains("leads.csv:9: field 2 opens a quote that is never closed"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: output.path + ".partial"))
    }

    @Test("A semicolon file is read by its header line's delimiter and written back comma-separated")
    func aSemicolonFileIsRead() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try write("name;email\n\"Diaz; Ana\";ana@acme-industries.com\nInfo;info@gmail.com\n", "semi.csv")
        let csv = try CLI.run(["verify", input.path], in: dir)
        #expect(csv.status == 0 && csv.out.hasPrefix("name,email,verdict,reasons,suggestion,normalized\nDiaz; Ana,ana@acme-industries.com,valid,"),
                "\(csv.out)\(csv.err)")
        #expect(csv.err.contains("verdicts: valid 1, risky 1"), "\(csv.err)")
        // training and ABC-XYZ read it the same way
        var past = "Channel;Minutes;Closed\n"
        for i in 0..<60 { past += "\(["web", "partner"][i % 2]);\((i * 7) % 31);\(i % 2 == 0 && i % 3 != 0 ? "won" : "lost")\n" }
        _ = try write(past, "past.csv")
        let trained = try CLI.run(["train", "--data", "past.csv", "--target", "Closed", "--out", "m.json"], in: dir)
        #expect(trained.status == 0, "\(trained.err)")
        _ = try write("Customer;Date;Amount\nA;2025-01-05;100\nB;2025-02-05;20\nA;2025-03-05;90\n", "tx.csv")
        let abc = try CLI.run(["abcxyz", "tx.csv"], in: dir)
        #expect(abc.status == 0 && abc.out.contains("2 customers") || abc.out.contains("customers: 2"), "\(abc.out)\(abc.err)")
    }

    @Test("Without --out the rows go to standard output and the summary to standard error; jsonl is one object a row")
    func standardOutputAndJSONLines() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try write("email\nana@acme-industries.com\ninfo@gmail.com\n", "two.csv")
        let csv = try CLI.run(["verify", input.path], in: dir)
        #expect(csv.status == 0)
        #expect(csv.out == "email,verdict,reasons,suggestion,normalized\nana@acme-industries.com,valid,,,ana@acme-industries.com\ninfo@gmail.com,risky,role_account;free_mail,,info@gmail.com\n")
        #expect(csv.err.contains("verdicts: valid 1, risky 1, invalid 0, unknown 0"), "\(csv.err)")
        let json = try CLI.run(["verify", input.path, "--format", "jsonl"], in: dir)
        let objects = try json.out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 2)
        #expect(objects[1]["verdict"] as? String == "risky")
        #expect(objects[1]["reasons"] as? [String] == ["role_account", "free_mail"])
        #expect((objects[0]["row"] as? [String: String])?["email"] == "ana@acme-industries.com")
    }

    @Test("--column picks the column; without an email-like header verify says how to name it")
    func columns() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try write("who,contact\nAna,ana@acme-industries.com\n", "c.csv")
        let missing = try CLI.run(["verify", input.path], in: dir)
        #expect(missing.status == 1)
        #expect(missing.err.contains("no email column among the headers [who, contact]; name it with --column NAME"), "\(missing.err)")
        let named = try CLI.run(["verify", input.path, "--column", "Contact"], in: dir)
        #expect(named.status == 0, "\(named.err)")
        #expect(named.out.contains("Ana,ana@acme-industries.com,valid"))
        let wrong = try CLI.run(["verify", input.path, "--column", "mail"], in: dir)
        #expect(wrong.err.contains("no column 'mail'"), "\(wrong.err)")
    }

    @Test("lists update installs a newer list beside the database; lists show and verify use it")
    func listsUpdate() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let role = try write("# my roles\nceo\nhello\n", "roles.txt")
        let update = try CLI.run(["lists", "update", "--role", role.path], in: dir)
        #expect(update.status == 0, "\(update.err)")
        #expect(update.out.contains("role: 2 entries"))
        let show = try CLI.run(["lists", "show"], in: dir)
        #expect(show.out.contains("updated copy: \(dir.appendingPathComponent("qualify-lists/role.txt").path)"), "\(show.out)")
        let input = try write("email\nceo@acme-industries.com\ninfo@acme-industries.com\n", "r.csv")
        let verified = try CLI.run(["verify", input.path], in: dir)
        #expect(verified.out.contains("ceo@acme-industries.com,risky,role_account"))
        #expect(verified.out.contains("info@acme-industries.com,valid"))
        let none = try CLI.run(["lists", "update"], in: dir)
        #expect(none.status != 0)
        #expect(none.err.contains("nothing to update"))
        let reset = try CLI.run(["lists", "reset", "role"], in: dir)
        #expect(reset.out.contains("role: back to the bundled list"))
    }

    @Test("The pipeline resolves each distinct domain once through the DNS hook and combines the answers")
    func dnsHook() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try write("email\na@acme.com\nb@acme.com\nc@gone.com\nd@nomail.com\ne@slow.com\nbad@@x.com\n", "dns.csv")
        let asked = Asked()
        let lookup: EmailFileVerifier.MailDomainLookup = { domain in
            await asked.add(domain)
            switch domain {
            case "acme.com": return .acceptsMail(exchanges: ["mx.acme.com"])
            case "gone.com": return .noSuchDomain
            case "nomail.com": return .nullMX
            default: return .unknown("timeout")
            }
        }
        let out = dir.appendingPathComponent("dns-out.csv")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        let verifier = EmailFileVerifier(verifier: EmailVerifier(), mailDomainStatus: lookup, batchSize: 4)
        let report = try await verifier.run(path: input.path, output: handle)
        try handle.close()
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.hasPrefix("email,verdict,reasons,suggestion,normalized,dns\n"))
        #expect(text.contains("a@acme.com,valid,,,a@acme.com,accepts_mail\n"))
        #expect(text.contains("c@gone.com,invalid,no_such_domain,,c@gone.com,no_such_domain\n"))
        #expect(text.contains("d@nomail.com,invalid,null_mx,,d@nomail.com,null_mx\n"))
        #expect(text.contains("e@slow.com,valid,dns_unknown,,e@slow.com,unknown\n"))
        #expect(text.contains("bad@@x.com,invalid,multiple_at_signs,,,\n"))
        #expect(await asked.domains.sorted() == ["acme.com", "gone.com", "nomail.com", "slow.com"])
        #expect(report.dns == ["accepts_mail": 2, "no_such_domain": 1, "null_mx": 1, "unknown": 1])
        #expect(report.verdicts == ["valid": 3, "invalid": 3])
    }
}

actor Asked {
    var domains: [String] = []
    func add(_ d: String) { domains.append(d) }
}
