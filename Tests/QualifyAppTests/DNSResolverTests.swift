import Foundation
import QualifyApp
import Testing

/// A real DNS server (dnsmasq) on loopback serving the zones the tests need; stopped when the test ends.
final class DNSServer {
    static let binary = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { binary != nil }

    let process = Process()
    let port: Int

    init() throws {
        guard let binary = Self.binary else { throw DNSServerError("dnsmasq is not installed (apt-get install dnsmasq-base)") }
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = [
                "--keep-in-foreground", "--no-resolv", "--no-hosts", "--port=\(port)", "--listen-address=127.0.0.1",
                "--bind-interfaces", "--local=/test/", "--user=\(ProcessInfo.processInfo.environment["USER"] ?? "root")", "--pid-file=",
                "--mx-host=good.test,mail.good.test,10", "--mx-host=good.test,backup.good.test,20",
                "--host-record=mail.good.test,192.0.2.1",
                "--dns-rr=nullmx.test,15,000000",
                "--host-record=addronly.test,192.0.2.2",
            ]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            // ready when it answers; failed when it exited
            for _ in 0..<50 {
                if !p.isRunning { break }
                if case .exchanges = DomainResolver.blockingLookUp("good.test", server: .init(ip: "127.0.0.1", port: port), timeout: 1, attempts: 1) {
                    self.port = port
                    process.executableURL = p.executableURL
                    running = p
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            lastError = String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
        }
        throw DNSServerError("dnsmasq did not start: \(lastError)")
    }

    var running: Process?

    /// Stops the server with SIGKILL: a child of the test process inherits its blocked signal mask, so SIGTERM
    /// (`terminate()`) may never arrive; and `waitUntilExit()` spins a run loop on Linux, so it is not used.
    func stop() {
        guard let p = running else { return }
        kill(p.processIdentifier, SIGKILL)
        for _ in 0..<100 where p.isRunning { usleep(20_000) }
        running = nil
    }
}

struct DNSServerError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

@Suite(.serialized, .enabled(if: DNSServer.available || ProcessInfo.processInfo.environment["CI"] != nil,
                            "dnsmasq is not installed here (apt-get install dnsmasq-base); .ci/run installs it"))
struct DNSResolverTests {
    @Test func mxNullMXAddressFallbackAndMissingDomainsAgainstARealServer() async throws {
        let server = try DNSServer()
        defer { server.stop() }
        let resolver = DomainResolver(server: .init(ip: "127.0.0.1", port: server.port), timeoutSeconds: 1, attempts: 1)
        #expect(await resolver.answer(for: "good.test") == .exchanges(["mail.good.test", "backup.good.test"]))
        #expect(await resolver.answer(for: "GOOD.test") == .exchanges(["mail.good.test", "backup.good.test"]), "cached, case-insensitive")
        #expect(await resolver.answer(for: "nullmx.test") == .nullMX)
        #expect(await resolver.answer(for: "addronly.test") == .addressOnly)
        #expect(await resolver.answer(for: "nothere.test") == .noSuchDomain)
    }

    @Test func aServerThatDoesNotAnswerGivesUnknownNeverInvalid() async throws {
        // Nothing listens on this port: the look-up times out.
        let resolver = DomainResolver(server: .init(ip: "127.0.0.1", port: 9), timeoutSeconds: 1, attempts: 1)
        guard case .unknown = await resolver.answer(for: "good.test") else {
            Issue.record("expected unknown")
            return
        }
    }

    @Test func concurrentLookUpsOfOneDomainShareOneAnswer() async throws {
        let server = try DNSServer()
        defer { server.stop() }
        let resolver = DomainResolver(server: .init(ip: "127.0.0.1", port: server.port), timeoutSeconds: 1, attempts: 1)
        let answers = await withTaskGroup(of: DNSAnswer.self) { group in
            for _ in 0..<50 { group.addTask { await resolver.answer(for: "good.test") } }
            return await group.reduce(into: [DNSAnswer]()) { $0.append($1) }
        }
        #expect(answers.count == 50 && Set(answers) == [.exchanges(["mail.good.test", "backup.good.test"])])
    }
}
