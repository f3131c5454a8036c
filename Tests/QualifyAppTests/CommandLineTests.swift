import Foundation
import Testing

/// Runs the real `qualify` executable (built next to the test bundle) the way a person would.
struct CLI {
    static var binary: URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here, here.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("qualify")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return here.appendingPathComponent("qualify")
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs the executable in `dir` with its output in files, no standard input and a time limit: a run that hangs
    /// is killed and reported, never left to stall CI. See ``Spawned`` for why Foundation's `Process` is not used.
    static func run(_ arguments: [String], in dir: URL, timeLimit: Double = 300, environment: [String: String] = [:]) throws -> Result {
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["QUALIFY_DATABASE"] = dir.appendingPathComponent("cli.sqlite").path
        let tag = UInt64.random(in: 0...UInt64.max)
        let outURL = dir.appendingPathComponent(".out-\(tag)"), errURL = dir.appendingPathComponent(".err-\(tag)")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let child = try Spawned(binary.path, arguments, environment: env, directory: dir.path,
                                standardOutput: outURL.path, standardError: errURL.path)
        let status = child.wait(timeLimit: timeLimit)
        if status == nil { Issue.record("qualify \(arguments.joined(separator: " ")) did not finish in \(Int(timeLimit)) s; killed") }
        let o = (try? Data(contentsOf: outURL)) ?? Data(), e = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(status: status ?? -1, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}

@Suite(.serialized) struct CommandLineTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-cli-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    @Test func theExecutableIsBuiltNextToTheTests() {
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(FileManager.default.isExecutableFile(atPath: CLI.binary.path), "missing \(CLI.binary.path)")
    }

    @Test func modelCheckReportsEveryErrorWithLineAndFailsWithExitCode1() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml")
        try """
            name: broken
            fit:
              rules:
                - { id: size, when: { field: employees, between: [50, 10] }, points: 20 }
              grades: { A: 10, B: 30, C: 5 }
            engagement:
              half_life: 30d
              temperature: { hot: 60, warm: 25 }
              rules:
                - { id: demo, on: demo_request, points: ten }
            stages:
              - { id: qualifed, when: { event: demo_request } }

            """.write(to: bad, atomically: true, encoding: .utf8)
        let result = try CLI.run(["model", "check", bad.path], in: dir)
        #expect(result.status == 1)
        #expect(result.err.contains("bad.yaml:4:"), "\(result.err)")
        #expect(result.err.contains("bad.yaml:5:"), "\(result.err)")
        #expect(result.err.contains("bad.yaml:10:"), "\(result.err)")
        #expect(result.err.contains("unknown stage 'qualifed'"), "\(result.err)")
        #expect(result.err.contains("4 error(s)"), "\(result.err)")

        let good = dir.appendingPathComponent("good.yaml")
        let shown = try CLI.run(["model", "show-default"], in: dir)
        try shown.out.write(to: good, atomically: true, encoding: .utf8)
        let ok = try CLI.run(["model", "check", good.path], in: dir)
        #expect(ok.status == 0 && ok.out.contains("ok"), "\(ok.out)\(ok.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("qualify.sqlite").path), "a check creates no database")

        // against the leads: a rule on a field no import carried is told, with the field it likely means
        let leads = dir.appendingPathComponent("leads.csv")
        try "email,Title,Industry\nada@acme.io,CTO,software\n".write(to: leads, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", leads.path], in: dir).status == 0)
        let typo = dir.appendingPathComponent("typo.yaml")
        try shown.out.replacingOccurrences(of: "{ field: industry, in:", with: "{ field: industy, in:")
            .write(to: typo, atomically: true, encoding: .utf8)
        let warned = try CLI.run(["model", "check", typo.path], in: dir)
        #expect(warned.status == 0 && warned.err.contains("fit rule 'target-industry' reads field 'industy', which no lead has")
                && warned.err.contains("did you mean 'industry'?") && warned.err.contains("'employees', which no lead has") && !warned.err.contains("'job_title'") && warned.out.contains("3 warning(s)"),
                "\(warned.out)\(warned.err)")
    }

    @Test func aWrongDatabaseOrInputFileIsToldInASentenceAndCreatesNothing() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let asDirectory = try CLI.run(["leads", "--database", folder.path], in: dir)
        #expect(asDirectory.status != 0 && asDirectory.err.contains("is a directory, not a database file"), "\(asDirectory.err)")
        let text = dir.appendingPathComponent("notes.sqlite")
        try "not a database".write(to: text, atomically: true, encoding: .utf8)
        let notSQLite = try CLI.run(["leads", "--database", text.path], in: dir)
        #expect(notSQLite.status != 0 && notSQLite.err.contains("is not a SQLite database"), "\(notSQLite.err)")
        #expect(try String(contentsOf: text, encoding: .utf8) == "not a database", "the file is left as it was")
        let missing = try CLI.run(["import", "leads", "nope.csv", "--database", "new.sqlite"], in: dir)
        #expect(missing.status != 0 && missing.err.contains("nope.csv: no such file"), "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.sqlite").path), "no database made for a failed import")
    }

    /// An export re-imported gives the same leads with the same fields (issue 18: nothing went back to the CRM);
    /// Qualify's own columns are left out on the way in, and the HubSpot profile names columns as HubSpot maps them.
    @Test func anExportReimportedEqualsTheOriginal() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLI.run(["demo", "--leads", "60", "--seed", "4", "--out", "d"], in: dir).status == 0)
        #expect(try CLI.run(["import", "leads", "d/leads.csv", "--database", "a.sqlite"], in: dir).status == 0)
        #expect(try CLI.run(["import", "events", "d/events.csv", "--database", "a.sqlite"], in: dir).status == 0)
        #expect(try CLI.run(["export", "leads", "--raw", "--out", "a.csv", "--database", "a.sqlite"], in: dir).status == 0)
        let back = try CLI.run(["import", "leads", "a.csv", "--database", "b.sqlite"], in: dir)
        #expect(back.status == 0 && back.out.contains("60 created") && !back.out.contains("qualify_grade→"), "\(back.out)")
        #expect(try CLI.run(["export", "leads", "--raw", "--out", "b.csv", "--database", "b.sqlite"], in: dir).status == 0)
        func fieldColumns(_ name: String) throws -> [String] {
            let lines = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8).split(separator: "\r\n").map(String.init)
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
            let keep = header.indices.filter { !header[$0].hasPrefix("qualify_") }
            // the demo's values hold no commas or quotes, so a split is exact here
            return lines.map { line in
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                return keep.map { String(cells[$0]) }.joined(separator: ",")
            }.sorted()
        }
        let original = try fieldColumns("a.csv")
        let reimported = try fieldColumns("b.csv")
        #expect(original.count == 61 && original == reimported)
        let hubspot = try CLI.run(["export", "leads", "--profile", "hubspot", "--stage", "NEW", "--database", "a.sqlite"], in: dir)
        #expect(hubspot.status == 0 && hubspot.out.hasPrefix("Email,First Name,Last Name,Company Name") && hubspot.out.contains("Qualify Grade"),
                "\(hubspot.out.prefix(300))\(hubspot.err)")
    }

    /// `demo --seed --end` gives the same files on every run (issue 18: the dates followed the clock).
    @Test func theDemoWithAnEndDateIsTheSameOnEveryRun() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        for out in ["a", "b"] {
            #expect(try CLI.run(["demo", "--leads", "30", "--seed", "5", "--end", "2026-06-30", "--out", out], in: dir).status == 0)
        }
        for name in ["leads.csv", "events.csv"] {
            let a = try Data(contentsOf: dir.appendingPathComponent("a/" + name)), b = try Data(contentsOf: dir.appendingPathComponent("b/" + name))
            #expect(a == b && !a.isEmpty, "\(name)")
        }
        let events = try String(contentsOf: dir.appendingPathComponent("a/events.csv"), encoding: .utf8)
        #expect(!events.contains("2026-07-"), "nothing after the end")
    }

    /// `qualify backup` copies a live database whole (issue 18: copying the file by hand lost writes in the WAL).
    @Test func aBackupHoldsEveryLeadAndNeverOverwrites() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("l.csv")
        try "email,first_name\nada@acme.io,Ada\nbo@beta.io,Bo\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", file.path, "--database", "q.sqlite"], in: dir).status == 0)
        let copy = dir.appendingPathComponent("copy.sqlite").path
        let made = try CLI.run(["backup", "--to", copy, "--database", "q.sqlite"], in: dir)
        #expect(made.status == 0 && made.out.contains("backed up"), "\(made.err)")
        let listed = try CLI.run(["leads", "--stage", "all", "--format", "csv", "--database", copy], in: dir)
        #expect(listed.out.contains("ada@acme.io") && listed.out.contains("bo@beta.io"), "\(listed.out)\(listed.err)")
        let again = try CLI.run(["backup", "--to", copy, "--database", "q.sqlite"], in: dir)
        #expect(again.status != 0 && again.err.contains("never overwrites"))
        let postgres = try CLI.run(["backup", "--to", "x.sql", "--database", "postgres://u@127.0.0.1:1/q"], in: dir)
        #expect(postgres.status != 0 && postgres.err.contains("pg_dump"))
    }

    @Test func theQueueTakesStagesAndTemperaturesInAnyCaseAndListsTheUnassigned() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("owners.csv")
        try "email,first_name,owner\nada@acme.io,Ada,sam\nbo@beta.io,Bo,\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", file.path], in: dir).status == 0)
        let upper = try CLI.run(["leads", "--stage", "NEW", "--temperature", "COLD", "--format", "csv"], in: dir)
        #expect(upper.status == 0 && upper.out.contains("ada@acme.io") && upper.out.contains("bo@beta.io"), "\(upper.out)\(upper.err)")
        let unassigned = try CLI.run(["leads", "--unassigned", "--stage", "ALL", "--format", "csv"], in: dir)
        #expect(unassigned.out.contains("bo@beta.io") && !unassigned.out.contains("ada@acme.io"), "\(unassigned.out)")
        // by default the SQLs, then the MQLs: two new leads are not there
        let byDefault = try CLI.run(["leads", "--format", "csv"], in: dir)
        #expect(byDefault.status == 0 && !byDefault.out.contains("ada@acme.io") && !byDefault.out.contains("bo@beta.io"), "\(byDefault.out)")
        let owner = try CLI.run(["leads", "--stage", "all", "--owner", "SAM", "--format", "csv"], in: dir)
        #expect(owner.out.contains("ada@acme.io") && !owner.out.contains("bo@beta.io"), "the owner in any case: \(owner.out)")
        let wrong = try CLI.run(["leads", "--stage", "hot"], in: dir)
        #expect(wrong.status != 0 && wrong.err.contains("actionable"), "\(wrong.err)")
        let both = try CLI.run(["leads", "--unassigned", "--owner", "sam"], in: dir)
        #expect(both.status != 0 && both.err.contains("exclude each other"))
    }

    /// Help paragraphs are wrapped by the terminal's width, never by the source's line breaks (issue 18: ragged lines).
    @Test func helpParagraphsAreNotHardWrapped() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let commands = [[], ["leads"], ["import", "leads"], ["import", "events"], ["export", "leads"], ["model", "check"], ["abcxyz"], ["icp"],
                        ["users"], ["serve"], ["demo"], ["train"], ["verify"], ["backup"]]
        for command in commands {
            let help = try CLI.run(command + ["--help"], in: dir, environment: ["COLUMNS": "2000"])
            let text = help.out.components(separatedBy: "USAGE:").first ?? ""
            let lines = text.components(separatedBy: "\n")
            for (a, b) in zip(lines, lines.dropFirst()) where !a.isEmpty && !b.isEmpty {
                #expect(a.hasPrefix(" ") || b.hasPrefix(" ") || b.hasPrefix("- "),
                        "qualify \(command.joined(separator: " ")) --help breaks a paragraph: '\(a.suffix(40))' / '\(b.prefix(40))'")
            }
        }
    }

    @Test func aTakenPortIsToldInASentence() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("port.sqlite").path
        let (first, port) = try await ServeProcess.start(database, in: dir, name: "first")
        defer { first.kill() }
        let second = try CLI.run(["serve", "--port", String(port), "--database", database], in: dir)
        #expect(second.status != 0 && second.err.contains("port \(port) on 127.0.0.1 is taken") && !second.err.contains("errno"), "\(second.err)")
    }

    @Test func theQueuesCSVNeutralisesSpreadsheetFormulas() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("evil.csv")
        let text = ["email,first_name,company", #"ada@acme.io,"=HYPERLINK(""http://evil"")",@SUM(A1)"#, ""].joined(separator: "\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", file.path], in: dir).status == 0)
        let queue = try CLI.run(["leads", "--stage", "open", "--format", "csv"], in: dir)
        #expect(queue.out.contains(#""'=HYPERLINK(""http://evil"")""#) && queue.out.contains(#""'@SUM(A1)""#), "\(queue.out)")
        #expect(!queue.out.contains(",=HYPERLINK") && !queue.out.contains(",@SUM"))
    }

    @Test func aFirstSessionFromDemoDataToALeadCard() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = try CLI.run(["demo", "--leads", "300", "--seed", "3", "--out", "demo"], in: dir)
        #expect(demo.status == 0, "\(demo.err)")
        let leads = try CLI.run(["import", "leads", "demo/leads.csv"], in: dir)
        #expect(leads.status == 0 && leads.out.contains("300 created"), "\(leads.out)\(leads.err)")
        let events = try CLI.run(["import", "events", "demo/events.csv"], in: dir)
        #expect(events.status == 0 && events.out.contains("0 rejected"), "\(events.out)\(events.err)")
        let again = try CLI.run(["import", "events", "demo/events.csv"], in: dir)
        #expect(again.out.contains(" 0 applied"), "re-import is idempotent: \(again.out)")
        let queue = try CLI.run(["leads", "--format", "csv", "--limit", "5"], in: dir)
        let rows = queue.out.split(separator: "\n")
        #expect(rows.count == 6 && rows[0].hasPrefix("email,"), "\(queue.out)")
        let email = String(rows[1].split(separator: ",")[0])
        let card = try CLI.run(["lead", email], in: dir)
        #expect(card.status == 0 && card.out.contains("ledger") && card.out.contains("fit total"), "\(card.out)\(card.err)")
        let json = try CLI.run(["lead", email, "--format", "json"], in: dir)
        #expect(json.out.contains("\"ledger\""), "\(json.out)")
        let missing = try CLI.run(["lead", "nobody@nowhere.example"], in: dir)
        #expect(missing.status != 0 && missing.err.contains("no lead"), "\(missing.err)")
        let move = try CLI.run(["stage", email, "disqualify", "--reason", "competitor", "--by", "test"], in: dir)
        #expect(move.status == 0 && move.out.contains("disqualified"), "\(move.out)\(move.err)")
        let call = try CLI.run(["log", email, "call", "--outcome", "no-answer", "--note", "try Tuesday", "--by", "sam"], in: dir)
        #expect(call.status == 0 && call.out.contains("call logged"), "\(call.out)\(call.err)")
        let timeline = try CLI.run(["lead", email], in: dir)
        #expect(timeline.out.contains("call: no answer — try Tuesday  (sam)"), "\(timeline.out)")
        let badCall = try CLI.run(["log", email, "call", "--outcome", "maybe"], in: dir)
        #expect(badCall.status != 0 && badCall.err.contains("'maybe' is not an outcome of a call"), "\(badCall.err)")
        let noTeam = try CLI.run(["assign", email, "sam", "--reason", "x"], in: dir)
        #expect(noTeam.status != 0 && noTeam.err.contains("no team"), "\(noTeam.err)")
        let dry = try CLI.run(["rescore", "--model", try writeStricterModel(), "--dry-run"], in: dir)
        #expect(dry.status == 0 && dry.out.contains("leads replayed"), "\(dry.out)\(dry.err)")
    }

    func writeStricterModel() throws -> String {
        let shown = try CLI.run(["model", "show-default"], in: dir)
        let stricter = shown.out.replacingOccurrences(of: "grades: { A: 50, B: 30, C: 10 }", with: "grades: { A: 60, B: 40, C: 20 }")
        try stricter.write(to: dir.appendingPathComponent("stricter.yaml"), atomically: true, encoding: .utf8)
        return "stricter.yaml"
    }
}
