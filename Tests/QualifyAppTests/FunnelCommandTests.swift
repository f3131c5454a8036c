import Foundation
import Testing

/// `qualify funnel` on a demo database, checked figure by figure against bench/funnel_check.py's independent
/// recomputation from the exported stage history.
@Suite(.serialized) struct FunnelCommandTests {
    static let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("bench/funnel_check.py").path

    @Test func theFunnelAgreesWithAnIndependentRecomputationOfItsHistory() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = "f.sqlite"
        #expect(try CLI.run(["demo", "--leads", "400", "--seed", "3", "--end", "2026-11-30", "--out", "demo"], in: dir).status == 0)
        #expect(try CLI.run(["import", "leads", "demo/leads.csv", "--database", db], in: dir).status == 0)
        #expect(try CLI.run(["import", "events", "demo/events.csv", "--database", db], in: dir).status == 0)
        // Some people's moves, so exits, opportunities and customers exist.
        let sqls = try CLI.run(["leads", "--stage", "sql", "--format", "csv", "--limit", "12", "--database", db], in: dir)
        let emails = sqls.out.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(emails.count >= 8, "\(sqls.out)")
        for (i, email) in emails.enumerated() {
            let moves: [[String]] = switch i % 4 {
            case 0: [["accept", "call booked"], ["win", "signed"]]
            case 1: [["lose", "went elsewhere"]]
            case 2: [["reject", "too small"]]
            default: [["disqualify", "student"]]
            }
            for move in moves {
                let r = try CLI.run(["stage", email, move[0], "--reason", move[1], "--database", db], in: dir)
                #expect(r.status == 0, "\(r.err)")
            }
        }
        for by in ["lead_source", "month", "owner"] {
            let history = "history-\(by).csv"
            let run = try CLI.run(["funnel", "--database", db, "--by", by, "--from", "2026-07-01", "--format", "json", "--history", history], in: dir)
            #expect(run.status == 0, "\(run.err)")
            try run.out.write(to: dir.appendingPathComponent("funnel-\(by).json"), atomically: true, encoding: .utf8)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
            #expect((report["exits"] as? [[String: Any]])?.count == 3, "lose, reject, disqualify: \(report["exits"] ?? "")")
            let python = Process()
            python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            python.arguments = ["python3", Self.checker, dir.appendingPathComponent(history).path, dir.appendingPathComponent("funnel-\(by).json").path]
            let out = Pipe()
            python.standardOutput = out
            python.standardError = out
            try python.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            python.waitUntilExit()
            #expect(python.terminationStatus == 0 && text.contains("every figure agrees"), "--by \(by): \(text)")
        }
        let table = try CLI.run(["funnel", "--database", db, "--by", "grade", "--chart", "funnel.svg"], in: dir)
        let svg = try String(contentsOf: dir.appendingPathComponent("funnel.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("SQL: ") && svg.contains("stalled</text>") && svg.hasSuffix("</svg>\n"), "\(svg.prefix(300))")
        #expect(table.status == 0 && table.out.contains("STAGE") && table.out.contains("by grade:") && table.out.contains("EXIT TO"), "\(table.out)")
        let csv = try CLI.run(["funnel", "--database", db, "--format", "csv"], in: dir)
        #expect(csv.out.hasPrefix("section,key,measure,value\ntotal,,arrivals,") && csv.out.contains("stage,sql,went_further_low,"), "\(csv.out.prefix(200))")
        let again = try CLI.run(["funnel", "--database", db, "--history", "history-owner.csv"], in: dir)
        #expect(again.status != 0 && again.err.contains("already exists"), "nothing is overwritten: \(again.err)")
        let badBy = try CLI.run(["funnel", "--database", db, "--by", "\"x"], in: dir)
        #expect(badBy.status != 0 && badBy.err.contains("--by"), "\(badBy.err)")
        let badDate = try CLI.run(["funnel", "--database", db, "--from", "July"], in: dir)
        #expect(badDate.status != 0 && badDate.err.contains("--from 'July' is not a date"), "\(badDate.err)")
    }
}
