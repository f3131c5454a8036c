import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

extension EmailFileVerifier.Format: ExpressibleByArgument {}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every email address in a CSV file; write it back with verdict, reasons, suggestion and normalized columns.",
        discussion: """
            Verdicts: valid (a well-formed address at a company domain); risky (deliverable, with reasons: free_mail, \
            role_account, disposable, possible_typo, quoted_local_part, utf8_local_part, domain_literal, unusual_idn); \
            invalid (one reason: a syntax error such as no_at_sign or misplaced_dot, reserved_domain, or with --dns \
            null_mx / no_such_domain); unknown (an empty cell). The summary counts verdicts and reasons.

            The lists are the ones `qualify lists show` prints: bundled, or newer copies installed by \
            `qualify lists update` beside the database. Rows that cannot be read are reported with their line on \
            standard error and left out of the output.
            """)

    @Argument(help: "The CSV file (UTF-8, comma-separated, first line is the header).") var file: String
    @Option(help: "The email column's header (default: detected: Email, E-mail, Email Address …).") var column: String?
    @Option(help: "Write the result to this file (default: standard output).") var out: String?
    @Option(help: "csv (the input's columns plus the verdict columns) or jsonl (one JSON object a row).")
    var format: EmailFileVerifier.Format = .csv
    @Flag(help: "Also ask DNS whether each domain accepts mail (MX, null MX, A/AAAA fallback); no answer never makes an address invalid.")
    var dns = false
    @Option(help: "With --dns: ask this DNS server (IPv4 address, optionally :PORT) instead of the system's resolver.")
    var dnsServer: String?
    @Option(help: "Write every unreadable row (line and reason) to this CSV file.") var rejects: String?
    @OptionGroup var db: DatabaseOptions

    /// The DNS look-up behind `--dns`: the system resolver (libresolv), one look-up per domain, cached.
    static func mailDomainLookup(server: DomainResolver.Server? = nil) -> EmailFileVerifier.MailDomainLookup? {
        let resolver = DomainResolver(server: server)
        return { domain in
            switch await resolver.answer(for: domain) {
            case .exchanges(let hosts): return .acceptsMail(exchanges: hosts)
            case .nullMX: return .nullMX
            case .addressOnly: return .addressOnly
            case .noSuchDomain: return .noSuchDomain
            case .unknown(let why): return .unknown(why)
            }
        }
    }

    /// `--dns-server` as a server: `IP` (port 53) or `IP:PORT`.
    static func server(_ text: String) throws -> DomainResolver.Server {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
            throw ValidationError("--dns-server '\(text)' is not an IPv4 address with an optional port (e.g. 127.0.0.1 or 127.0.0.1:5353)")
        }
        var port = 53
        if parts.count == 2 {
            guard let p = Int(parts[1]), (1...65535).contains(p) else {
                throw ValidationError("--dns-server '\(text)': the port must be a number from 1 to 65535")
            }
            port = p
        }
        return DomainResolver.Server(ip: String(parts[0]), port: port)
    }

    func validate() throws {
        if let dnsServer {
            guard dns else { throw ValidationError("--dns-server only makes sense with --dns") }
            _ = try Self.server(dnsServer)
        }
        if let out, URL(fileURLWithPath: out).standardizedFileURL == URL(fileURLWithPath: file).standardizedFileURL {
            throw ValidationError("--out '\(out)' is the input file; write the result to another file")
        }
    }

    func run() async throws {
        var lookup: EmailFileVerifier.MailDomainLookup?
        if dns {
            guard let resolver = Self.mailDomainLookup(server: try dnsServer.map(Self.server)) else {
                printError("--dns: DNS checks are not available in this build yet")
                throw ExitCode(2)
            }
            lookup = resolver
        }
        let lists: LoadedHygieneLists
        do { lists = try await HygieneListLoader.loadConcurrently(overrideDirectory: HygieneListLoader.overrideDirectory(forDatabase: db.location)) } catch {
            throw Failure("cannot load the hygiene lists: \(error)")
        }
        let verifier = EmailFileVerifier(verifier: lists.verifier(), column: column, format: format, mailDomainStatus: lookup)
        let output = try Output(path: out)
        let bar = ProgressBar()
        let started = Date()
        let report: VerifyReport
        do {
            report = try await verifier.run(path: file, output: output.handle, progress: bar.update)
        } catch {
            bar.finish()
            output.abandon()
            throw Failure("\(error)")
        }
        bar.finish()
        try output.commit()
        let seconds = Date().timeIntervalSince(started)
        try reportRejects(report.badRows, file: file, rejectsPath: rejects)
        let rate = seconds > 0 ? Int(Double(report.verified) / seconds) : 0
        // the summary goes to standard output only when the rows do not
        let toStandardOutput = out != nil
        func say(_ line: String) { if toStandardOutput { print(line) } else { printError(line) } }
        let destination = out.map { " → \($0)" } ?? ""
        say("\(file): \(report.verified) addresses verified in \(String(format: "%.2f", seconds)) s (\(rate)/s), column '\(report.column)'\(destination)")
        report.summaryLines.forEach(say)
        if report.verified == 0 && !report.badRows.isEmpty { throw ExitCode(1) }
    }

    /// Standard output, or a file written beside its final name and moved into place only when the run succeeds.
    struct Output {
        let handle: FileHandle
        let path: String?
        let partial: String?

        init(path: String?) throws {
            self.path = path
            guard let path else {
                handle = FileHandle.standardOutput
                partial = nil
                return
            }
            let partial = path + ".partial"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let h = FileHandle(forWritingAtPath: partial) else {
                throw Failure("cannot write '\(path)' (check that its folder exists and is writable)")
            }
            handle = h
            self.partial = partial
        }

        func commit() throws {
            guard let path, let partial else { return }
            try handle.close()
            do {
                if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            } catch {
                throw Failure("cannot move the result into '\(path)': \(error.localizedDescription)")
            }
        }

        func abandon() {
            guard let partial else { return }
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
        }
    }
}
