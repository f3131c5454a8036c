import Foundation
import QualifyCore

/// `qualify verify`: streams a CSV file, verifies the address in each row and writes every row back with its original
/// columns (re-quoted where needed) plus `verdict`, `reasons`, `suggestion` and `normalized` (and `dns` when DNS is on).
/// Rows that cannot be read are reported with their line, never dropped silently.
///
/// The stages overlap: this task reads and splits the next batch of rows while child tasks (``workers`` of them)
/// verify and format the previous ones; batches are written in file order.
public struct EmailFileVerifier: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// the input's columns plus the verdict columns
        case csv
        /// one JSON object a row: line, email, verdict, reasons, suggestion, normalized, dns and the row's columns
        case jsonl
    }

    /// Asks DNS what a domain (lowercase ASCII form) says about mail. The app's resolver provides it.
    public typealias MailDomainLookup = @Sendable (String) async -> MailDomainStatus

    public var verifier: EmailVerifier
    /// The email column's header; nil detects it (Email, E-mail, Email Address …).
    public var column: String?
    public var format: Format
    /// DNS checks: nil runs offline checks only.
    public var mailDomainStatus: MailDomainLookup?
    /// Rows verified together (and, with DNS, whose distinct domains are resolved together).
    public var batchSize: Int
    /// DNS look-ups in flight at once.
    public var dnsConcurrency: Int
    /// Batches verified at once (besides the reading task).
    public var workers: Int

    public init(verifier: EmailVerifier, column: String? = nil, format: Format = .csv, mailDomainStatus: MailDomainLookup? = nil,
                batchSize: Int = 4096, dnsConcurrency: Int = 16, workers: Int = 2) {
        self.verifier = verifier
        self.column = column
        self.format = format
        self.mailDomainStatus = mailDomainStatus
        self.batchSize = batchSize
        self.dnsConcurrency = dnsConcurrency
        self.workers = workers
    }

    /// Verifies the file at `path`, writing the result to `output`.
    public func run(path: String, output: FileHandle, progress: @Sendable (ImportProgress) -> Void = { _ in }) async throws -> VerifyReport {
        var reader = try VerifyRowReader(path: path, batchSize: max(1, batchSize))
        let headers = try reader.readHeader()
        var report = VerifyReport()
        report.columnIndex = try Self.emailColumn(headers: headers, requested: column, path: path)
        report.column = headers[report.columnIndex]
        let formatter = VerifyFormatter(format: format, headers: headers, withDNS: mailDomainStatus != nil)
        try output.write(contentsOf: formatter.header())
        let memo = DomainStatusMemo()
        let name = (path as NSString).lastPathComponent
        let column = report.columnIndex

        // Up to `workers` batches are verified at once while this task reads the next; results are taken in order.
        let workers = max(1, self.workers)
        try await withThrowingTaskGroup(of: (Int, VerifiedBatch).self) { group in
            var out: [UInt8] = []
            var finished: [Int: VerifiedBatch] = [:]
            var nextToWrite = 0, nextToStart = 0
            func takeOne() async throws {
                while finished[nextToWrite] == nil {
                    guard let (index, done) = try await group.next() else { return }
                    finished[index] = done
                }
                let done = finished.removeValue(forKey: nextToWrite)!
                nextToWrite += 1
                report.merge(done.tally)
                out.append(contentsOf: done.bytes)
                if out.count >= 1 << 20 {
                    try output.write(contentsOf: out)
                    out.removeAll(keepingCapacity: true)
                }
                progress(ImportProgress(file: name, fraction: reader.fraction, rows: reader.rows,
                                        rejected: reader.unreadable.count + report.invalid))
            }
            while let batch = try reader.next() {
                if nextToStart - nextToWrite >= workers { try await takeOne() }
                let index = nextToStart
                nextToStart += 1
                group.addTask { (index, await verify(batch, column: column, formatter: formatter, memo: memo)) }
            }
            while nextToWrite < nextToStart { try await takeOne() }
            if !out.isEmpty { try output.write(contentsOf: out) }
        }
        report.rows = reader.rows
        report.badRows = reader.unreadable.sorted { $0.line < $1.line }
        progress(ImportProgress(file: name, fraction: 1, rows: report.rows, rejected: report.badRows.count + report.invalid))
        return report
    }

    /// Verifies one batch (with DNS when asked) and formats its rows.
    func verify(_ batch: VerifyRowReader.Batch, column: Int, formatter: VerifyFormatter, memo: DomainStatusMemo) async -> VerifiedBatch {
        var tally = VerifyTally()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.rows.count * 96)
        guard let lookup = mailDomainStatus else {
            // offline: verify, count and format each row in one pass, with no array of results in between
            var domains = DomainMemo()
            for (row, line) in zip(batch.rows, batch.lines) {
                let result = verifier.verify(row[column], memo: &domains)
                tally.count(result)
                formatter.append(row: row, line: line, result: result, to: &bytes)
            }
            return VerifiedBatch(bytes: bytes, tally: tally)
        }
        var domainMemo = DomainMemo()
        var results = batch.rows.map { verifier.verify($0[column], memo: &domainMemo) }
        let domains = Set(results.compactMap { r in r.verdict.isInvalid ? nil : r.domain })
        let known = await memo.resolve(domains, concurrency: dnsConcurrency, with: lookup)
        results = results.map { r in r.domain.flatMap { known[$0] }.map { r.combined(with: $0) } ?? r }
        for (i, result) in results.enumerated() {
            tally.count(result)
            formatter.append(row: batch.rows[i], line: batch.lines[i], result: result, to: &bytes)
        }
        return VerifiedBatch(bytes: bytes, tally: tally)
    }

    /// Header names (squashed: lowercase letters and digits) taken as the email column, besides the import's own aliases.
    static let extraEmailHeaders: Set<String> = ["mail", "emails", "emailadresse", "mailadresse", "courriel", "correo",
                                                 "correoelectronico", "contactemail", "personalemail", "useremail"]

    /// The email column: the one named by `requested` (exactly, then ignoring case and punctuation), or the first
    /// header that means an email address.
    public static func emailColumn(headers: [String], requested: String?, path: String) throws -> Int {
        let squashed = headers.map(squash)
        if let requested {
            if let i = headers.firstIndex(of: requested) ?? squashed.firstIndex(of: squash(requested)) { return i }
            throw VerifyError.unknownColumn(path, requested, headers)
        }
        if let i = headers.firstIndex(where: { LeadFields.field(forHeader: $0) == "email" }) { return i }
        if let i = squashed.firstIndex(where: { extraEmailHeaders.contains($0) }) { return i }
        throw VerifyError.noEmailColumn(path, headers)
    }

    static func squash(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }.map(Character.init))
    }
}

/// A verified batch: its formatted rows and its counts.
struct VerifiedBatch: Sendable {
    var bytes: [UInt8]
    var tally: VerifyTally
}

/// What DNS said about each domain so far in this run, so a domain is asked once however many rows use it.
actor DomainStatusMemo {
    private var known: [String: MailDomainStatus] = [:]

    /// The status of each domain, asking `lookup` (at most `concurrency` at a time) for the ones not seen yet.
    func resolve(_ domains: Set<String>, concurrency: Int, with lookup: @escaping EmailFileVerifier.MailDomainLookup) async -> [String: MailDomainStatus] {
        let missing = domains.filter { known[$0] == nil }.sorted()
        if !missing.isEmpty {
            let found = await withTaskGroup(of: (String, MailDomainStatus).self) { group -> [String: MailDomainStatus] in
                var queue = missing.makeIterator()
                for _ in 0..<max(1, concurrency) {
                    guard let d = queue.next() else { break }
                    group.addTask { (d, await lookup(d)) }
                }
                var out: [String: MailDomainStatus] = [:]
                while let (domain, status) = await group.next() {
                    out[domain] = status
                    if let d = queue.next() { group.addTask { (d, await lookup(d)) } }
                }
                return out
            }
            known.merge(found) { a, _ in a }
        }
        var out: [String: MailDomainStatus] = [:]
        for d in domains { out[d] = known[d] }
        return out
    }
}

public enum VerifyError: Error, CustomStringConvertible, Equatable {
    case noEmailColumn(String, [String])
    case unknownColumn(String, String, [String])

    public var description: String {
        switch self {
        case .noEmailColumn(let path, let headers):
            return "\(path): line 1: no email column among the headers [\(headers.joined(separator: ", "))]; name it with --column NAME"
        case .unknownColumn(let path, let name, let headers):
            return "\(path): line 1: no column '\(name)' among the headers [\(headers.joined(separator: ", "))]"
        }
    }
}
