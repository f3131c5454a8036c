import Foundation
@testable import QualifyPostgres
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real receiver process (Tests/Receiver/webhook_receiver.py) that verifies every request with the independent
/// `standardwebhooks` package from PyPI and writes what it got, one JSON line each.
struct Receiver {
    let process: Spawned
    let port: Int
    let file: URL

    struct Line {
        var id: String
        var verified: Bool
        var type: String
        var lead: String
        var to: String?
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Receiver/webhook_receiver.py").path
    }

    /// nil when Python or its `standardwebhooks` package is missing (then the test says so; under CI it fails).
    static func available() -> Bool {
        guard let p = try? Spawned("/usr/bin/env", ["python3", "-c", "import standardwebhooks"], environment: ProcessInfo.processInfo.environment)
        else { return false }
        return p.wait(timeLimit: 60) == 0
    }

    static func start(in dir: URL, secretFile: URL, port: Int = 0, failFirst: Int = 0, delayMillis: Int = 0) async throws -> Receiver {
        let out = dir.appendingPathComponent("received-\(UInt32.random(in: 0...UInt32.max)).jsonl")
        let log = dir.appendingPathComponent("receiver-\(UInt32.random(in: 0...UInt32.max)).log")
        let process = try Spawned("/usr/bin/env", ["python3", script, String(port), "@" + secretFile.path, out.path, "--fail-first", String(failFirst),
                                                      "--delay-ms", String(delayMillis)],
                                  environment: ProcessInfo.processInfo.environment, standardOutput: log.path, standardError: log.path + ".err")
        for _ in 0..<200 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening ") }), let bound = Int(line.dropFirst(10)) {
                return Receiver(process: process, port: bound, file: out)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.kill()
        throw Spawned.Failure(description: "the receiver did not start: \((try? String(contentsOf: URL(fileURLWithPath: log.path + ".err"), encoding: .utf8)) ?? "")")
    }

    func lines() -> [Line] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { raw in
            guard let json = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] else { return nil }
            let body = json["body"] as? [String: Any] ?? [:], data = body["data"] as? [String: Any] ?? [:]
            return Line(id: json["id"] as? String ?? "", verified: json["verified"] as? Bool ?? false, type: body["type"] as? String ?? "",
                        lead: data["lead"] as? String ?? "", to: data["to"] as? String)
        }
    }

    func stop() {
        process.kill()
        _ = process.wait(timeLimit: 10)
    }
}

@Suite(.serialized) struct WebhookReceiverTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-webhooks-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func requireReceiver() -> Bool {
        if Receiver.available() { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("python3 with the standardwebhooks package is needed (pip install standardwebhooks); .ci/run installs it")
        } else {
            print("skipped: python3 with the standardwebhooks package is not installed (pip install standardwebhooks)")
        }
        return false
    }

    /// Every message once per id, verified by the independent library, in order per lead.
    static func checkInOrderOncePerID(_ lines: [Receiver.Line]) {
        let unverified = lines.filter { !$0.verified }.map(\.id)
        #expect(unverified.isEmpty, "every signature verifies: \(unverified)")
        #expect(Set(lines.map(\.id)).count == lines.count, "each message once")
        for (lead, received) in Dictionary(grouping: lines, by: \.lead) {
            let numbers = received.map { Int($0.id.split(separator: "_")[1]) ?? 0 }
            #expect(numbers == numbers.sorted(), "\(lead)'s messages in order: \(received.map(\.id))")
        }
    }

    @Test func aReceiverThatIsDownGetsEverythingAfterItComesBackInOrderAndVerified() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard requireReceiver() else { return }
        #expect(try CLI.run(["demo", "--leads", "60", "--seed", "4", "--out", "demo"], in: dir).status == 0)
        #expect(try CLI.run(["import", "leads", "demo/leads.csv"], in: dir).status == 0)
        let secretFile = dir.appendingPathComponent("secret")
        var receiver = try await Receiver.start(in: dir, secretFile: secretFile)
        let refused = try CLI.run(["webhooks", "add", "http://127.0.0.1:\(receiver.port)/hook", "--events", "lead.became_sql"], in: dir)
        #expect(refused.status != 0 && refused.err.contains("--allow-private"), "a loopback target needs consent: \(refused.err)")
        let added = try CLI.run(["webhooks", "add", "http://127.0.0.1:\(receiver.port)/hook", "--events", "lead.stage_changed,lead.became_sql",
                                 "--allow-private", "--description", "test"], in: dir)
        #expect(added.status == 0 && added.out.hasPrefix("whsec_"), "\(added.err)")
        try added.out.trimmingCharacters(in: .whitespacesAndNewlines).write(to: secretFile, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "events", "demo/events.csv"], in: dir).status == 0)

        // the receiver is down: every lead's first delivery fails, the rest wait behind it
        receiver.stop()
        let down = try CLI.run(["webhooks", "deliver", "--allow-private-webhooks"], in: dir)
        #expect(down.status == 0 && down.out.contains(" 0 delivered") && !down.out.contains(" 0 attempts"), "\(down.out)\(down.err)")
        let log = try CLI.run(["webhooks", "log", "--limit", "5"], in: dir)
        #expect(log.out.contains("---") && log.out.lowercased().contains("refused"), "failed attempts are logged: \(log.out)")

        // back on the same port; the retries fall due after about ten seconds
        receiver = try await Receiver.start(in: dir, secretFile: secretFile, port: receiver.port)
        defer { receiver.stop() }
        try await Task.sleep(for: .seconds(13))
        let back = try CLI.run(["webhooks", "deliver", "--allow-private-webhooks"], in: dir)
        #expect(back.status == 0 && back.out.contains(" 0 given up"), "\(back.out)\(back.err)")
        let listed = try CLI.run(["webhooks", "list"], in: dir)
        #expect(listed.out.contains("0 pending") && listed.out.contains("0 failed"), "\(listed.out)")
        let lines = receiver.lines()
        #expect(lines.count > 20, "the demo's moves arrived: \(lines.count)")
        #expect(listed.out.contains("\(lines.count) delivered"), "every delivery reached the receiver once: \(lines.count) vs \(listed.out)")
        #expect(lines.contains { $0.type == "lead.became_sql" && $0.to == "sql" })
        Self.checkInOrderOncePerID(lines)
    }

    /// A follow-up step falling due is announced once (`qualify escalate`, which `serve` runs every 15 s) and reaches a
    /// real receiver as a verified `followup.due`.
    @Test func followUpStepsFallingDueReachTheReceiverOnce() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard requireReceiver() else { return }
        #expect(try CLI.run(["demo", "--leads", "80", "--seed", "6", "--out", "demo"], in: dir).status == 0)
        #expect(try CLI.run(["import", "leads", "demo/leads.csv"], in: dir).status == 0)
        #expect(try CLI.run(["import", "events", "demo/events.csv"], in: dir).status == 0)
        let secretFile = dir.appendingPathComponent("secret")
        let receiver = try await Receiver.start(in: dir, secretFile: secretFile)
        defer { receiver.stop() }
        let added = try CLI.run(["webhooks", "add", "http://127.0.0.1:\(receiver.port)/hook", "--events", "followup.due", "--allow-private"], in: dir)
        #expect(added.status == 0, "\(added.err)")
        try added.out.trimmingCharacters(in: .whitespacesAndNewlines).write(to: secretFile, atomically: true, encoding: .utf8)
        let due = try CLI.run(["followups", "--due", "overdue", "--limit", "10000", "--format", "csv"], in: dir)
        let overdue = Set(due.out.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) })
        #expect(!overdue.isEmpty, "the demo has overdue follow-ups")
        let first = try CLI.run(["escalate"], in: dir)
        #expect(first.status == 0 && first.out.contains("follow-up step"), "\(first.out)\(first.err)")
        let again = try CLI.run(["escalate"], in: dir)
        #expect(again.out.contains("no follow-up newly due"), "announced once: \(again.out)")
        #expect(try CLI.run(["webhooks", "deliver", "--allow-private-webhooks"], in: dir).status == 0)
        let lines = receiver.lines()
        #expect(lines.allSatisfy { $0.type == "followup.due" } && Set(lines.map(\.lead)) == overdue,
                "one message per overdue lead: \(lines.count) for \(overdue.count)")
        Self.checkInOrderOncePerID(lines)
    }

    @Test func serveDeliversANewSQLWithinSecondsAndStopsCleanly() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard requireReceiver() else { return }
        let secretFile = dir.appendingPathComponent("secret")
        let receiver = try await Receiver.start(in: dir, secretFile: secretFile)
        defer { receiver.stop() }
        let added = try CLI.run(["webhooks", "add", "http://127.0.0.1:\(receiver.port)/hook", "--events", "lead.became_sql", "--allow-private"], in: dir)
        try added.out.trimmingCharacters(in: .whitespacesAndNewlines).write(to: secretFile, atomically: true, encoding: .utf8)
        let key = try CLI.run(["keys", "create", "--role", "admin", "--name", "test"], in: dir).out.trimmingCharacters(in: .whitespacesAndNewlines)

        let (server, port) = try await ServeProcess.start(dir.appendingPathComponent("cli.sqlite").path, in: dir, name: "serve",
                                                          flags: ["--allow-private-webhooks", "--public-url", "https://q.example"])
        defer { server.kill() }
        let base = "http://127.0.0.1:\(port)"
        func send(_ method: String, _ path: String, _ body: String) async throws -> Int {
            try await ServeProcess.call(method, base + path, key: key, body: body).0
        }
        #expect(try await send("PUT", "/leads/ada@acme.io", #"{"fields":{"first_name":"Ada","company":"Acme","job_title":"CTO"}}"#) == 200)
        let sent = Date()
        #expect(try await send("POST", "/events", #"{"id":"d1","email":"ada@acme.io","type":"demo_request","at":"2026-11-30T10:00:00Z"}"#) == 200)
        var got: [Receiver.Line] = []
        for _ in 0..<100 where got.isEmpty {
            got = receiver.lines()
            if got.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        let waited = Date().timeIntervalSince(sent)
        #expect(got.count == 1 && got[0].type == "lead.became_sql" && got[0].lead == "ada@acme.io" && got[0].verified,
                "the hand-off arrived, verified: \(got)")
        #expect(waited < 5, "within seconds of the commit: \(waited) s")
        let raw = (try? String(contentsOf: receiver.file, encoding: .utf8)) ?? ""
        #expect(raw.contains(#""name": "Ada""#) && raw.contains("https://q.example/leads/ada@acme.io") && raw.contains("top_reasons"),
                "the hand-off carries the summary and the link: \(raw)")
        kill(server.pid, SIGTERM)
        #expect(server.wait(timeLimit: 30) == 0, "serve stops cleanly with the worker")
    }
}

/// Delivery across crashes and instances: at least once, in order per lead, never the same message from two
/// instances at once.
@Suite(.serialized) struct WebhookFaultTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-webhook-faults-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    /// The demo's events as API batches, in time order.
    func batches(leads: Int, seed: Int, size: Int) throws -> [String] {
        #expect(try CLI.run(["demo", "--leads", String(leads), "--seed", String(seed), "--out", "demo"], in: dir).status == 0)
        let text = try String(contentsOf: dir.appendingPathComponent("demo/events.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let events = rows.sorted { $0[3] < $1[3] }.map { r in #"{"id":"\#(r[0])","email":"\#(r[1])","type":"\#(r[2])","at":"\#(r[3])"}"# }
        return stride(from: 0, to: events.count, by: size).map { #"{"events":[\#(events[$0..<min($0 + size, events.count)].joined(separator: ","))]}"# }
    }

    func waitUntilDelivered(_ database: String, timeLimit: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(timeLimit)
        var listed = ""
        while Date() < deadline {
            listed = try CLI.run(["webhooks", "list", "--database", database], in: dir).out
            if listed.contains(" 0 pending") && !listed.contains(" 0 delivered") { return listed }
            try await Task.sleep(for: .milliseconds(500))
        }
        return listed
    }

    static func delivered(_ listed: String) -> Int? {
        listed.range(of: #"(\d+) delivered"#, options: .regularExpression).flatMap { Int(listed[$0].split(separator: " ")[0]) }
    }

    @Test func aServerKilledMidDeliveryLosesNothingAndResendsWithTheSameID() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard Receiver.available() else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("python3 with standardwebhooks is needed") }
            return
        }
        let database = dir.appendingPathComponent("q.sqlite").path
        let bodies = try batches(leads: 150, seed: 8, size: 200)
        #expect(try CLI.run(["import", "leads", "demo/leads.csv", "--database", database], in: dir).status == 0)
        let secretFile = dir.appendingPathComponent("secret")
        let receiver = try await Receiver.start(in: dir, secretFile: secretFile, delayMillis: 400)
        defer { receiver.stop() }
        let added = try CLI.run(["webhooks", "add", "http://127.0.0.1:\(receiver.port)/hook", "--events", "lead.stage_changed,lead.became_sql",
                                 "--allow-private", "--database", database], in: dir)
        try added.out.trimmingCharacters(in: .whitespacesAndNewlines).write(to: secretFile, atomically: true, encoding: .utf8)
        let subscription = try #require(added.err.range(of: #"wh_[A-Za-z0-9]+"#, options: .regularExpression).map { String(added.err[$0]) })
        let key = try CLI.run(["keys", "create", "--role", "admin", "--database", database], in: dir).out.trimmingCharacters(in: .whitespacesAndNewlines)

        // the subscription is held while the batches go in, so every delivery is still ahead when the kill comes
        // (on a busy machine the posts alone outlasted the deliveries, and the kill interrupted nothing)
        #expect(try CLI.run(["webhooks", "disable", subscription, "--database", database], in: dir).status == 0)
        let (first, port) = try await ServeProcess.start(database, in: dir, name: "first", flags: ["--allow-private-webhooks"])
        for body in bodies { #expect(try await ServeProcess.call("POST", "http://127.0.0.1:\(port)/events/batch", key: key, body: body).0 == 200) }
        #expect(try CLI.run(["webhooks", "enable", subscription, "--database", database], in: dir).status == 0)
        for _ in 0..<400 where receiver.lines().isEmpty { try await Task.sleep(for: .milliseconds(25)) }
        kill(first.pid, SIGKILL)
        _ = first.wait(timeLimit: 10)
        try await Task.sleep(for: .milliseconds(600))  // what was in flight reaches the receiver, unacknowledged
        let before = Set(receiver.lines().map(\.id))
        #expect(!before.isEmpty, "some messages arrived before the kill")

        let (second, _) = try await ServeProcess.start(database, in: dir, name: "second", flags: ["--allow-private-webhooks"])
        defer { second.kill() }
        let listed = try await waitUntilDelivered(database, timeLimit: 120)
        let lines = receiver.lines()
        let unique = Set(lines.map(\.id))
        #expect(listed.contains(" 0 pending") && Self.delivered(listed) == unique.count,
                "every delivery reached the receiver (\(unique.count) distinct of \(lines.count) received): \(listed)")
        #expect(unique.count > before.count || lines.count > unique.count,
                "the kill interrupted delivery: the rest arrived after the restart, or what was in flight was sent again (\(before.count) before, \(unique.count) distinct, \(lines.count) received)")
        #expect(lines.filter { !$0.verified }.isEmpty, "every signature verifies")
        // the first receipt of each message, per lead, in order (a resend repeats only what was in flight)
        var firstSeen: [String] = []
        for line in lines where !firstSeen.contains(line.id) { firstSeen.append(line.id) }
        let byLead = Dictionary(grouping: firstSeen.compactMap { id in lines.first { $0.id == id } }, by: \.lead)
        for (lead, received) in byLead {
            let numbers = received.map { Int($0.id.split(separator: "_")[1]) ?? 0 }
            #expect(numbers == numbers.sorted(), "\(lead): \(received.map(\.id))")
        }
    }

    static let postgresURL = ProcessInfo.processInfo.environment["QUALIFY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(.enabled(if: postgresURL != nil || ProcessInfo.processInfo.environment["CI"] != nil, "QUALIFY_TEST_POSTGRES_URL is not set"))
    func twoServersOnOnePostgreSQLDatabaseDeliverEachMessageOnceAndInOrder() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        guard let server = Self.postgresURL else {
            Issue.record("CI=true but QUALIFY_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
            return
        }
        guard Receiver.available() else {
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record("python3 with standardwebhooks is needed") }
            return
        }
        let name = "qwh_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try await PostgresAdmin.create(database: name, serverURL: server)
        let database = try PostgresAdmin.url(server, database: name)
        let bodies = try batches(leads: 60, seed: 9, size: 50)
        #expect(try CLI.run(["import", "leads", "demo/leads.csv", "--database", database], in: dir).status == 0)
        let secretFile = dir.appendingPathComponent("secret")
        let receiver = try await Receiver.start(in: dir, secretFile: secretFile, delayMillis: 20)
        defer { receiver.stop() }
        let added = try CLI.run(["webhooks", "add", "http://127.0.0.1:\(receiver.port)/hook", "--events", "lead.stage_changed,lead.became_sql",
                                 "--allow-private", "--database", database], in: dir)
        try added.out.trimmingCharacters(in: .whitespacesAndNewlines).write(to: secretFile, atomically: true, encoding: .utf8)
        let key = try CLI.run(["keys", "create", "--role", "admin", "--database", database], in: dir).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let (a, portA) = try await ServeProcess.start(database, in: dir, name: "a", flags: ["--allow-private-webhooks"])
        defer { a.kill() }
        let (b, portB) = try await ServeProcess.start(database, in: dir, name: "b", flags: ["--allow-private-webhooks"])
        defer { b.kill() }
        // ingest through both at once, each batch to one of them, while both deliver
        try await withThrowingTaskGroup(of: Int.self) { group in
            for (n, body) in bodies.enumerated() {
                let port = n % 2 == 0 ? portA : portB
                group.addTask { try await ServeProcess.call("POST", "http://127.0.0.1:\(port)/events/batch", key: key, body: body).0 }
                if n % 4 == 3 { for try await status in group { #expect(status == 200) } }
            }
            for try await status in group { #expect(status == 200) }
        }
        let listed = try await waitUntilDelivered(database, timeLimit: 120)
        let lines = receiver.lines()
        #expect(listed.contains(" 0 pending") && listed.contains(" 0 failed") && Self.delivered(listed) == lines.count,
                "each delivery received once (\(lines.count) received): \(listed)")
        #expect(Set(lines.map(\.id)).count == lines.count, "no message twice")
        #expect(lines.filter { !$0.verified }.isEmpty, "every signature verifies")
        for (lead, received) in Dictionary(grouping: lines, by: \.lead) {
            let numbers = received.map { Int($0.id.split(separator: "_")[1]) ?? 0 }
            #expect(numbers == numbers.sorted(), "\(lead): \(received.map(\.id))")
        }
        try? await PostgresAdmin.drop(database: name, serverURL: server)
    }
}
