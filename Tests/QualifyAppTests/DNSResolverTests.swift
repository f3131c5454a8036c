import Foundation
import QualifyApp
import Testing

/// A real DNS server (dnsmasq) on loopback serving the zones the tests need; stopped when the test ends.
final class DNSServer {
    static let binary = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { binary != nil }

    let port: Int
    private var running: Spawned?

    init() throws {
        guard let binary = Self.binary else { throw DNSServerError("dnsmasq is not installed (apt-get install dnsmasq-base)") }
        var lastError = ""
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-dnsmasq-\(UInt64.random(in: 0...UInt64.max)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let p = try Spawned(binary, [
                "--keep-in-foreground", "--no-resolv", "--no-hosts", "--port=\(port)", "--listen-address=127.0.0.1",
                "--bind-interfaces", "--local=/test/", "--user=\(ProcessInfo.processInfo.environment["USER"] ?? "root")", "--pid-file=",
                "--mx-host=good.test,mail.good.test,10", "--mx-host=good.test,backup.good.test,20",
                "--host-record=mail.good.test,192.0.2.1",
                "--dns-rr=nullmx.test,15,000000",
                "--host-record=addronly.test,192.0.2.2",
                // the same shapes under a domain that is not reserved, for `qualify verify --dns` end to end
                "--local=/qualify-dns.com/",
                "--mx-host=good.qualify-dns.com,mail.good.qualify-dns.com,10",
                "--dns-rr=nullmx.qualify-dns.com,15,000000",
                "--host-record=addronly.qualify-dns.com,192.0.2.3",
            ], environment: ProcessInfo.processInfo.environment, standardError: log.path)
            // ready when it answers; failed when it exited
            for _ in 0..<50 {
                if !p.isRunning { break }
                if case .exchanges = DomainResolver.blockingLookUp("good.test", server: .init(ip: "127.0.0.1", port: port), timeout: 1, attempts: 1) {
                    self.port = port
                    running = p
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            p.kill()
            lastError = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        throw DNSServerError("dnsmasq did not start: \(lastError)")
    }

    /// Stops the server (SIGKILL, then reaped).
    func stop() {
        running?.kill()
        running = nil
    }

    deinit { running?.kill() }
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

    @Test func verifyWithDNSAsksTheGivenServerAndCombinesItsAnswers() throws {
        let server = try DNSServer()
        defer { server.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-dns-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("dns.csv")
        try """
            email
            ana@good.qualify-dns.com
            bob@nullmx.qualify-dns.com
            cy@addronly.qualify-dns.com
            di@nothere.qualify-dns.com
            """.write(to: input, atomically: true, encoding: .utf8)
        let result = try CLI.run(["verify", input.path, "--dns", "--dns-server", "127.0.0.1:\(server.port)"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.hasPrefix("email,verdict,reasons,suggestion,normalized,dns\n"), "\(result.out)")
        #expect(result.out.contains("ana@good.qualify-dns.com,valid,,,ana@good.qualify-dns.com,accepts_mail\n"), "\(result.out)")
        #expect(result.out.contains("bob@nullmx.qualify-dns.com,invalid,null_mx,,bob@nullmx.qualify-dns.com,null_mx\n"))
        #expect(result.out.contains("cy@addronly.qualify-dns.com,valid,,,cy@addronly.qualify-dns.com,address_only\n"))
        #expect(result.out.contains("di@nothere.qualify-dns.com,invalid,no_such_domain,,di@nothere.qualify-dns.com,no_such_domain\n"))

        let bad = try CLI.run(["verify", input.path, "--dns", "--dns-server", "localhost"], in: dir)
        #expect(bad.status != 0 && bad.err.contains("--dns-server 'localhost' is not an IPv4 address"), "\(bad.err)")
        let alone = try CLI.run(["verify", input.path, "--dns-server", "127.0.0.1"], in: dir)
        #expect(alone.status != 0 && alone.err.contains("--dns-server only makes sense with --dns"), "\(alone.err)")
    }
}
