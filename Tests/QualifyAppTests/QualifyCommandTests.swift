import Foundation
import Testing

@Suite(.serialized) struct QualifyCommandTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-checklist-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    @Test func answersGiveAPriorityGradeOnTheCardAndBadAnswersAreRefused() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Email,Job Title\nada@acme.io,CTO\n".write(to: dir.appendingPathComponent("l.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "l.csv"], in: dir).status == 0)
        let answered = try CLI.run(["qualify", "ada@acme.io", "--answer", "budget=yes", "--answer", "need=partly", "--by", "sam"], in: dir)
        #expect(answered.status == 0, "\(answered.err)")
        // (3 × 1 + 4 × 0.5) / 16 = 0.3125 → P3
        #expect(answered.out.contains("P3 (31 % of the weighted checklist met; 2 of 6 answered)"), "\(answered.out)")
        #expect(answered.out.contains("yes      ×3  budget:") && answered.out.contains("(sam, "), "\(answered.out)")
        let card = try CLI.run(["lead", "ada@acme.io"], in: dir)
        #expect(card.out.contains("priority    P3") && card.out.contains("fit         "), "\(card.out)")
        #expect(!card.out.contains("checklist_budget"), "answers are shown in the checklist, not among the fields")

        let typo = try CLI.run(["qualify", "ada@acme.io", "--answer", "budgte=yes"], in: dir)
        #expect(typo.status == 1 && typo.err.contains("did you mean 'budget'"), "\(typo.err)")
        let maybe = try CLI.run(["qualify", "ada@acme.io", "--answer", "need=maybe"], in: dir)
        #expect(maybe.status == 1 && maybe.err.contains("answer yes, partly, no or unknown"), "\(maybe.err)")
        let shape = try CLI.run(["qualify", "ada@acme.io", "--answer", "budget"], in: dir)
        #expect(shape.status != 0 && shape.err.contains("is not ID=VALUE"), "\(shape.err)")
        let noTTY = try CLI.run(["qualify", "ada@acme.io"], in: dir)
        #expect(noTTY.status == 1 && noTTY.err.contains("run on a terminal"), "\(noTTY.err)")
        let ghost = try CLI.run(["qualify", "nobody@acme.io", "--answer", "budget=yes"], in: dir)
        #expect(ghost.status == 1 && ghost.err.contains("no lead"), "\(ghost.err)")

        // the queue by the checklist's share met: ada (31 %) before bo (none answered), whatever the fit says
        try "Email,Job Title,Number of Employees\nbo@big.io,CEO,500\n".write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "b.csv"], in: dir).status == 0)
        let byPriority = try CLI.run(["leads", "--stage", "new", "--format", "csv"], in: dir)
        let byChecklist = try CLI.run(["leads", "--stage", "new", "--sort", "checklist", "--format", "csv"], in: dir)
        func emails(_ text: String) -> [String] { text.split(whereSeparator: \.isNewline).dropFirst().map { String($0.prefix { $0 != "," }) } }
        #expect(emails(byPriority.out) == ["bo@big.io", "ada@acme.io"], "\(byPriority.out)")
        #expect(emails(byChecklist.out) == ["ada@acme.io", "bo@big.io"] && byChecklist.out.contains("P3 (31 %)"), "\(byChecklist.out)\(byChecklist.err)")
    }
}

/// The interactive checklist on a real terminal: a pseudo-terminal as the child's standard input and output.
@Suite struct QualifyInteractiveTests {
    @Test func onATerminalEachQuestionIsAskedAndAWrongAnswerAskedAgain() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-tty-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Email,Job Title\nada@acme.io,CTO\n".write(to: dir.appendingPathComponent("l.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "l.csv"], in: dir).status == 0)

        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { Issue.record("no pseudo-terminal here"); return }
        defer { close(master) }
        var env = ProcessInfo.processInfo.environment
        env["QUALIFY_DATABASE"] = dir.appendingPathComponent("cli.sqlite").path
        let child = try Spawned(CLI.binary.path, ["qualify", "ada@acme.io", "--by", "kim"], environment: env, directory: dir.path,
                                standardInput: slave, standardOutputFD: slave)
        close(slave)
        defer { child.kill() }
        // budget: keep (Enter); authority: "maybe" is refused, then yes; need: partly; the rest: Enter
        var transcript = ""
        func readAvailable(_ seconds: Double) {
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 50) > 0 else { continue }
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { return }
                transcript += String(decoding: buffer[0..<n], as: UTF8.self)
            }
        }
        for answer in ["", "maybe", "yes", "partly", "", "", ""] {
            readAvailable(0.5)
            _ = (answer + "\n").withCString { write(master, $0, strlen($0)) }
        }
        let status = child.wait(timeLimit: 30)
        readAvailable(0.5)
        #expect(status == 0, "\(transcript)")
        #expect(transcript.contains("'maybe' is not an answer"), "\(transcript)")
        // authority yes (3) + need partly (2) of 16 → 0.3125 → P3
        #expect(transcript.contains("P3 (31 % of the weighted checklist met; 2 of 6 answered)"), "\(transcript)")
        #expect(transcript.contains("(kim, "), "\(transcript)")
    }
}

@Suite struct CalibrationCommandTests {
    @Test func wonAndLostDealsAreCountedByGradeAsTheyStoodBeforeTheOutcome() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-calib-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try CLI.run(["calibration"], in: dir)
        #expect(none.status == 1 && none.err.contains("no lead has an outcome yet"), "\(none.err)")
        try "Email,Job Title,Employees\na1@big.io,CEO,300\na2@big.io,CTO,300\na3@big.io,CFO,300\nd1@gmail.com,Student,\nd2@gmail.com,,\n"
            .write(to: dir.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "c.csv"], in: dir).status == 0)
        let events = ["a1@big.io", "a2@big.io", "a3@big.io", "d1@gmail.com", "d2@gmail.com"]
            .map { #"{"id":"x-\#($0)","email":"\#($0)","type":"demo_request","at":"2026-11-20T10:00:00Z"}"# }.joined(separator: "\n")
        try events.write(to: dir.appendingPathComponent("e.jsonl"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "events", "e.jsonl"], in: dir).status == 0)
        for (email, action) in [("a1@big.io", "win"), ("a2@big.io", "win"), ("a3@big.io", "lose"), ("d1@gmail.com", "lose"), ("d2@gmail.com", "lose")] {
            let moved = try CLI.run(["stage", email, action, "--reason", "deal", "--by", "sam"], in: dir)
            #expect(moved.status == 0, "\(moved.err)")
        }
        let twice = try CLI.run(["stage", "a1@big.io", "win", "--reason", "again"], in: dir)
        #expect(twice.status != 0 && twice.err.contains("only an SQL or an opportunity has a deal to win"), "\(twice.err)")
        let report = try CLI.run(["calibration"], in: dir)
        #expect(report.status == 0, "\(report.err)")
        #expect(report.out.contains("5 decided leads, 2 won: 40 %"), "\(report.out)")
        #expect(report.out.contains("A                               3      2    67 %   1.67"), "\(report.out)")
        #expect(report.out.contains("sql                             5      2    40 %   1.00"), "the stage before the outcome: \(report.out)")
        #expect(report.out.contains("grade A does not clearly convert better than D"), "\(report.out)")
        let json = try CLI.run(["calibration", "--format", "json"], in: dir)
        #expect(json.out.contains(#""byGrade""#) && json.out.contains(#""won" : 2"#), "\(json.out)")
    }
}

@Suite struct IcpFromStoreTests {
    @Test func wonDealsAreProfiledAgainstAllOtherLeadsOnTheirFields() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-icpstore-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var leads = "Email,Industry,Country\n", events = ""
        for i in 0..<60 {
            leads += "p\(i)@f\(i).io,\(i % 2 == 0 ? "software" : "retail"),\(i % 3 == 0 ? "DE" : "US")\n"
            events += #"{"id":"d\#(i)","email":"p\#(i)@f\#(i).io","type":"demo_request","at":"2026-11-20T10:00:00Z"}"# + "\n"
        }
        try leads.write(to: dir.appendingPathComponent("l.csv"), atomically: true, encoding: .utf8)
        try events.write(to: dir.appendingPathComponent("e.jsonl"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "leads", "l.csv"], in: dir).status == 0)
        #expect(try CLI.run(["import", "events", "e.jsonl"], in: dir).status == 0)
        let noneWon = try CLI.run(["icp", "--from-store"], in: dir)
        #expect(noneWon.status == 1 && noneWon.err.contains("record won deals"), "\(noneWon.err)")
        // 13 of the 30 software leads win, 1 of the 30 retail ones: 13/14 of the best vs 17/46 of the rest
        for i in Array(stride(from: 0, through: 24, by: 2)) + [1] {
            #expect(try CLI.run(["stage", "p\(i)@f\(i).io", "win", "--reason", "signed"], in: dir).status == 0)
        }
        let profile = try CLI.run(["icp", "--from-store", "--emit-fit-rules", "r.yaml"], in: dir)
        #expect(profile.status == 0, "\(profile.err)")
        #expect(profile.out.contains("14 best (deals won), 46 others"), "\(profile.out)")
        #expect(profile.out.contains("industry  software  13    92.9 %  17    37.0 %  2.51"), "\(profile.out)")
        let rules = try String(contentsOf: dir.appendingPathComponent("r.yaml"), encoding: .utf8)
        #expect(rules.contains(#"field: "industry", equals: "software""#), "\(rules)")
        let both = try CLI.run(["icp", "l.csv", "--from-store"], in: dir)
        #expect(both.status != 0 && both.err.contains("leave out 'l.csv'"), "\(both.err)")
    }
}
