import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import QualifyPostgres
import Testing

private let serverURL = ProcessInfo.processInfo.environment["QUALIFY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
private let inCI = ProcessInfo.processInfo.environment["CI"] != nil

/// Two `qualify serve` processes on one PostgreSQL database take concurrent events for the same leads; the cards
/// afterwards equal those of one process importing all the events once (no lost update, no double count, and
/// idempotency across the two instances).
@Suite(.serialized, .enabled(if: serverURL != nil || inCI, "QUALIFY_TEST_POSTGRES_URL is not set: the two-server test is skipped (.ci/run sets it)"))
struct TwoServersTests {
    func database(_ server: String) async throws -> String {
        let name = "qt2_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try await PostgresAdmin.create(database: name, serverURL: server)
        return try PostgresAdmin.url(server, database: name)
    }

    func post(_ url: String, key: String, body: String) async throws -> (Int, String) {
        try await ServeProcess.call("POST", url, key: key, body: body)
    }

    func startServer(_ db: String, in dir: URL, name: String) async throws -> (Spawned, Int) {
        try await ServeProcess.start(db, in: dir, name: name)
    }

    @Test func twoServersOnOneDatabaseEqualOneProcessReplayingTheSameEvents() async throws {
        guard let server = serverURL else {
            Issue.record("CI=true but QUALIFY_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-two-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let shared = try await database(server), single = try await database(server)

        // 6 leads; 240 events over them, in an order that is not time order, sent as 24 batches of 10
        let leads = "Email,Job Title,Employees\n" + (0..<6).map { "p\($0)@firm\($0).io,\($0 % 2 == 0 ? "CTO" : "Analyst"),\(100 * ($0 + 1))" }.joined(separator: "\n") + "\n"
        try leads.write(to: dir.appendingPathComponent("leads.csv"), atomically: true, encoding: .utf8)
        let types = ["page_view", "content_download", "webinar_attend", "email_click", "page_view", "demo_request"]
        var events: [String] = []
        for i in 0..<240 {
            let lead = (i * 7) % 6, day = 1 + (i * 37) % 50
            let url = i % 5 == 0 ? "/pricing" : "/blog"
            events.append(#"{"id":"e\#(i)","email":"p\#(lead)@firm\#(lead).io","type":"\#(types[(i * 5) % types.count])","at":"2026-09-\#(String(format: "%02d", 1 + day % 28))T\#(String(format: "%02d", i % 24)):00:00Z","properties":{"url":"\#(url)"}}"#)
        }
        try events.joined(separator: "\n").write(to: dir.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)

        for db in [shared, single] {
            let imported = try CLI.run(["import", "leads", "leads.csv", "--database", db], in: dir)
            #expect(imported.status == 0, "\(imported.err)")
        }
        let replay = try CLI.run(["import", "events", "events.jsonl", "--database", single], in: dir)
        #expect(replay.status == 0 && replay.out.contains("240 applied"), "\(replay.out) \(replay.err)")

        let key = try CLI.run(["keys", "create", "--role", "ingest", "--database", shared], in: dir).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let (a, portA) = try await startServer(shared, in: dir, name: "a")
        defer { a.kill() }
        let (b, portB) = try await startServer(shared, in: dir, name: "b")
        defer { b.kill() }

        // every batch goes to both servers at once (so each event arrives twice, concurrently), batches in parallel
        let batches = stride(from: 0, to: 240, by: 10).map { #"{"events":[\#(events[$0..<$0 + 10].joined(separator: ","))]}"# }
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for batch in batches {
                group.addTask { try await post("http://127.0.0.1:\(portA)/events/batch", key: key, body: batch) }
                group.addTask { try await post("http://127.0.0.1:\(portB)/events/batch", key: key, body: batch) }
            }
            return try await group.reduce(into: [(Int, String)]()) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0.0 == 200 }, "\(answers.filter { $0.0 != 200 }.prefix(2))")
        func count(_ word: String) -> Int {
            answers.reduce(0) { total, answer in
                guard let r = answer.1.range(of: #""\#(word)":(\d+)"#, options: .regularExpression) else { return total }
                return total + (Int(answer.1[r].split(separator: ":").last ?? "") ?? 0)
            }
        }
        #expect(count("applied") == 240 && count("duplicates") == 240, "each event applied once across both servers: \(count("applied")) applied, \(count("duplicates")) duplicates")

        kill(a.pid, SIGTERM)
        kill(b.pid, SIGTERM)
        #expect(a.wait(timeLimit: 30) == 0 && b.wait(timeLimit: 30) == 0)

        for i in 0..<6 {
            let email = "p\(i)@firm\(i).io"
            let asOf = "2026-11-01"
            let two = try CLI.run(["lead", email, "--as-of", asOf, "--format", "json", "--database", shared], in: dir)
            let one = try CLI.run(["lead", email, "--as-of", asOf, "--format", "json", "--database", single], in: dir)
            #expect(two.status == 0 && one.status == 0, "\(two.err) \(one.err)")
            #expect(two.out == one.out, "lead \(email): two servers and one replay differ")
        }
        let stats = try CLI.run(["stats", "--database", shared], in: dir)
        let reference = try CLI.run(["stats", "--database", single], in: dir)
        // leads, accounts and events match; "stage changes" counts announced moves (the outbox's effects), which out-of-order
        // arrival legitimately multiplies (a late event replays its lead and announces the moves it causes), while the
        // stage histories on the cards above are equal
        func counts(_ text: String) -> String { text.components(separatedBy: " · stage changes").first ?? text }
        #expect(counts(stats.out) == counts(reference.out), "\(stats.out) vs \(reference.out)")
        try? await PostgresAdmin.drop(database: String(shared.split(separator: "/").last!.split(separator: "?").first!), serverURL: server)
        try? await PostgresAdmin.drop(database: String(single.split(separator: "/").last!.split(separator: "?").first!), serverURL: server)
    }
}

struct TestDatabaseFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
