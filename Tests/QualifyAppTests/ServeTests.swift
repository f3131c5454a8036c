import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `qualify serve` as a user starts it: a real process on a free port, called over HTTP, stopped with SIGTERM.
@Suite(.serialized) struct ServeTests {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-serve-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func request(_ method: String, _ url: String, key: String?, body: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func anIdleConnectionIsClosedAfterTheIdleTimeoutAndOthersAreServed() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let (server, port) = try await ServeProcess.start(dir.appendingPathComponent("idle.sqlite").path, in: dir, name: "idle",
                                                          flags: ["--idle-timeout", "1"])
        defer { server.kill() }
        // a client that connects and sends nothing is closed by the server (EOF), not held forever
        let probe = """
            import socket, time
            s = socket.create_connection(("127.0.0.1", \(port)))
            s.settimeout(10)
            t = time.time()
            data = s.recv(1)
            print("closed" if data == b"" else "data", round(time.time() - t, 1))
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", probe]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        python.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let seconds = Double(out.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 99
        #expect(out.hasPrefix("closed") && seconds < 5, "\(out)")
        #expect(try await request("GET", "http://127.0.0.1:\(port)/health/live", key: nil).0 == 200)
        let refused = try CLI.run(["serve", "--idle-timeout", "0"], in: dir)
        #expect(refused.status != 0 && refused.err.contains("--idle-timeout must be from 1 to 3600"), "\(refused.err)")
    }

    @Test func serveAnswersWithKeysAndStopsCleanlyOnSIGTERMWithTheDataKept() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let make = try CLI.run(["keys", "create", "--role", "admin", "--name", "test"], in: dir)
        #expect(make.status == 0, "\(make.err)")
        let key = make.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("qk_") && make.err.contains("shown once"))
        let listed = try CLI.run(["keys", "list"], in: dir)
        #expect(listed.out.contains("admin") && listed.out.contains("test") && !listed.out.contains(key), "\(listed.out)")

        var env = ProcessInfo.processInfo.environment
        env["QUALIFY_DATABASE"] = dir.appendingPathComponent("cli.sqlite").path
        let log = dir.appendingPathComponent("serve.log")
        let server = try Spawned(CLI.binary.path, ["serve", "--port", "0"], environment: env, directory: dir.path,
                                 standardOutput: log.path, standardError: log.path + ".err")
        defer { server.kill() }
        var port: Int?
        for _ in 0..<300 where port == nil && server.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"serving http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last ?? "")
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let base = "http://127.0.0.1:\(try #require(port, "no port printed: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")"))"

        // a probe is repeated by whoever asks (a load balancer); under the whole suite's load one may miss 0.8 s
        var ready = 0
        for _ in 0..<20 where ready != 200 {
            ready = try await request("GET", base + "/health/ready", key: nil).0
            if ready != 200 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(ready == 200)
        #expect(try await request("GET", base + "/leads", key: nil).0 == 401)
        let put = try await request("PUT", base + "/leads/ada@acme.io", key: key, body: #"{"fields":{"job_title":"CTO"}}"#)
        #expect(put.0 == 200 && put.1.contains("created"), "\(put)")
        let events = (1...200).map { #"{"id":"s\#($0)","email":"ada@acme.io","type":"page_view","at":"2026-01-01T00:00:00Z"}"# }
        let batch = try await request("POST", base + "/events/batch", key: key, body: #"{"events":[\#(events.joined(separator: ","))]}"#)
        #expect(batch.0 == 200 && batch.1.contains(#""applied":200"#), "\(batch.1.prefix(300))")

        kill(server.pid, SIGTERM)
        let status = server.wait(timeLimit: 30)
        #expect(status == 0, "serve exits 0 on SIGTERM, got \(String(describing: status)): \((try? String(contentsOf: URL(fileURLWithPath: log.path + ".err"), encoding: .utf8)) ?? "")")
        // after a clean stop the database file alone holds everything: a copy of just that file (made before anything
        // else opens the database) is whole
        let copy = dir.appendingPathComponent("copy.sqlite")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("cli.sqlite"), to: copy)
        let copied = try CLI.run(["stats", "--database", copy.path], in: dir)
        #expect(copied.out.contains("events 201"), "the copied file alone: \(copied.out)\(copied.err)")
        let stats = try CLI.run(["stats"], in: dir)
        #expect(stats.out.contains("events 201"), "200 events and the upsert's fields event: what was answered is stored: \(stats.out)")
    }
}
