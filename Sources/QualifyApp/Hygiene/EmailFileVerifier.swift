import Foundation
import QualifyCore
import Synchronization

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
        reader.column = report.columnIndex
        reader.asBytes = format == .csv
        report.column = headers[report.columnIndex]
        let formatter = VerifyFormatter(format: format, headers: headers, withDNS: mailDomainStatus != nil)
        try output.write(contentsOf: formatter.header())
        let memo = DomainStatusMemo()
        let name = (path as NSString).lastPathComponent

        // Up to `workers` batches are verified at once while this task reads the next; results are taken in order.
        // Each batch in flight borrows one of the domain memos, which last the whole run (a domain seen in one batch
        // is not checked again in the next).
        let workers = max(1, self.workers)
        var memos = (0..<workers).map { _ in VerifierMemo() }
        try await withThrowingTaskGroup(of: (Int, VerifiedBatch, VerifierMemo).self) { group in
            var finished: [Int: VerifiedBatch] = [:]
            var nextToWrite = 0, nextToStart = 0
            func takeOne() async throws {
                while finished[nextToWrite] == nil {
                    guard let (index, done, lent) = try await group.next() else { return }
                    finished[index] = done
                    memos.append(lent)
                }
                let done = finished.removeValue(forKey: nextToWrite)!
                nextToWrite += 1
                report.merge(done.tally)
                try output.write(contentsOf: done.bytes)
                progress(ImportProgress(file: name, fraction: reader.fraction, rows: reader.rows,
                                        rejected: reader.unreadable.count + report.invalid))
            }
            while let batch = try reader.next() {
                if nextToStart - nextToWrite >= workers { try await takeOne() }
                let index = nextToStart
                nextToStart += 1
                let lent = memos.popLast() ?? VerifierMemo()
                group.addTask { (index, await verify(batch, formatter: formatter, domains: lent, memo: memo), lent) }
            }
            while nextToWrite < nextToStart { try await takeOne() }
        }
        report.rows = reader.rows
        report.badRows = reader.unreadable.sorted { $0.line < $1.line }
        progress(ImportProgress(file: name, fraction: 1, rows: report.rows, rejected: report.badRows.count + report.invalid))
        return report
    }

    /// Verifies one batch (with DNS when asked) and formats its rows.
    func verify(_ batch: VerifyRowReader.Batch, formatter: VerifyFormatter, domains: VerifierMemo,
                memo: DomainStatusMemo) async -> VerifiedBatch {
        var tally = VerifyTally()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.bytes.count + batch.count * 64)
        guard let lookup = mailDomainStatus else {
            // offline: verify, count and format each row in one pass, with no array of results in between
            domains.facts.withLock { domains in
                batch.bytes.withUnsafeBufferPointer { rows in
                    for i in 0..<batch.count {
                        let result = verifier.verify(batch.emails[i], memo: &domains)
                        tally.count(result)
                        formatter.append(batch, i, bytes: rows, result: result, to: &bytes)
                    }
                }
            }
            return VerifiedBatch(bytes: bytes, tally: tally)
        }
        var results = domains.facts.withLock { domains in batch.emails.map { verifier.verify($0, memo: &domains) } }
        let domains = Set(results.compactMap { r in r.verdict.isInvalid ? nil : r.domain })
        let known = await memo.resolve(domains, concurrency: dnsConcurrency, with: lookup)
        results = results.map { r in r.domain.flatMap { known[$0] }.map { r.combined(with: $0) } ?? r }
        batch.bytes.withUnsafeBufferPointer { rows in
            for (i, result) in results.enumerated() {
                tally.count(result)
                formatter.append(batch, i, bytes: rows, result: result, to: &bytes)
            }
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

/// A ``DomainMemo`` that one batch at a time borrows, kept for the whole run. The lock is never contended (a memo is
/// lent to one task at a time); it lets the memo be changed in place from that task without a copy.
final class VerifierMemo: Sendable {
    let facts = Mutex(DomainMemo(capacity: 1 << 16, reserve: 8192))
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
