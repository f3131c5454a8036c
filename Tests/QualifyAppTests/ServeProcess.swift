import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `qualify serve` as a separate process on a free port, for the tests that need a real server.
enum ServeProcess {
    /// Starts a server on `database` (extra flags after `--port 0`) and waits for the port it prints.
    static func start(_ database: String, in dir: URL, name: String, flags: [String] = []) async throws -> (Spawned, Int) {
        var env = ProcessInfo.processInfo.environment
        env["QUALIFY_DATABASE"] = database
        let log = dir.appendingPathComponent("\(name).log")
        let server = try Spawned(CLI.binary.path, ["serve", "--port", "0"] + flags, environment: env, directory: dir.path,
                                 standardOutput: log.path, standardError: log.path + ".err")
        for _ in 0..<400 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"serving http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
               let port = Int(text[range].split(separator: ":").last ?? "") {
                return (server, port)
            }
            guard server.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        server.kill()
        throw Spawned.Failure(description: "\(name) did not start: \((try? String(contentsOf: URL(fileURLWithPath: log.path + ".err"), encoding: .utf8)) ?? "")")
    }

    /// A request with an API key; the status and the body.
    static func call(_ method: String, _ url: String, key: String, body: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
