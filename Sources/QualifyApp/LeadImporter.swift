import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// Streams a CSV of leads into the store: headers auto-mapped (plus overrides), rows deduplicated by normalized
/// email and merged, accounts linked by domain, bad rows reported with their line while good rows land. Each batch
/// is one transaction; re-running the same file changes nothing.
public struct LeadImporter: Sendable {
    public var store: any LeadStore
    public var overrides: [String: String]
    public var batchSize: Int
    /// The delimiter; nil: read from the header line (comma, semicolon, tab or pipe).
    public var delimiter: UInt8?
    /// Read an ambiguous creation date like 03/06/2025 as day first (3 June) instead of month first (6 March).
    public var dayFirst: Bool

    public init(store: any LeadStore, overrides: [String: String] = [:], batchSize: Int = 1000, delimiter: UInt8? = nil,
                dayFirst: Bool = false) {
        self.store = store
        self.overrides = overrides
        self.batchSize = batchSize
        self.delimiter = delimiter
        self.dayFirst = dayFirst
    }

    public struct Report: Sendable {
        public var rows = 0
        public var created = 0
        public var merged = 0
        public var unchanged = 0
        public var rejected: [RejectedRow] = []
        /// rows with an invalid address, kept in quarantine (a subset of ``rejected``)
        public var quarantined = 0
        public var mapping: HeaderMapping?
        /// The delimiter the file was read with.
        public var delimiter: UInt8 = 44
        /// Rows whose creation date could not be read (the lead is kept, dated at import), and the first few of them.
        public var undated = 0
        public var undatedExamples: [(line: Int, value: String)] = []
    }

    public func run(path: String, now: Timestamp, progress: @Sendable (ImportProgress) -> Void = { _ in }) async throws -> Report {
        var chunks = try FileChunks(path: path)
        var report = Report()
        // the delimiter is read off the first chunk's header line unless given
        let first = try chunks.next()
        report.delimiter = delimiter ?? first.map { CSVDialect.sniffDelimiter($0) } ?? 44
        var scanner = CSVScanner(delimiter: report.delimiter)
        if let first { scanner.append(first) }
        var mapping: HeaderMapping?
        var batch: [LeadUpsert] = []
        var held: [QuarantinedLead] = []
        var final = false
        let name = (path as NSString).lastPathComponent

        // A batch's write runs while the next batch is read and scored ahead on a snapshot (UpsertAhead): one write
        // at a time, in file order, so a later row for an address always merges after an earlier one.
        typealias Written = (order: [LeadKey], rows: [LeadKey: Int], outcomes: [UpsertOutcome])
        var pending: Task<Written, Error>?
        func settle() async throws {
            guard let task = pending else { return }
            pending = nil
            let written = try await task.value
            for (key, outcome) in zip(written.order, written.outcomes) {
                let rows = written.rows[key]!
                switch outcome {
                case .created: report.created += 1; report.merged += rows - 1
                case .merged: report.merged += rows
                case .unchanged: report.unchanged += rows
                }
            }
        }

        func flush() async throws {
            guard !batch.isEmpty else { return }
            // Rows for the same email inside a batch are merged first (later non-empty values win), so re-importing
            // a file that lists a lead twice changes nothing.
            var order: [LeadKey] = []
            var merged: [LeadKey: (upsert: LeadUpsert, rows: Int)] = [:]
            for row in batch {
                if var existing = merged[row.key] {
                    existing.upsert.fields.merge(row.fields) { $1 }
                    existing.upsert.origin += ", \(row.origin)"
                    existing.upsert.at = [existing.upsert.at, row.at].compactMap { $0 }.min()
                    existing.rows += 1
                    merged[row.key] = existing
                } else {
                    order.append(row.key)
                    merged[row.key] = (row, 1)
                }
            }
            batch.removeAll(keepingCapacity: true)
            let upserts = order.map { merged[$0]!.upsert }
            let rows = merged.mapValues(\.rows)
            let store = self.store
            // scored while the previous batch is written
            let ahead = store.scoresAhead && upserts.count >= UpsertAhead.minimumRows ? try await UpsertAhead(store: store, rows: upserts, now: now) : nil
            try await settle()
            if !held.isEmpty {
                _ = try await store.quarantine(held)
                report.quarantined += held.count
                held.removeAll()
            }
            pending = Task { (order, rows, try await store.upsertLeads(upserts, source: name, at: now, ahead: ahead)) }
            progress(ImportProgress(file: name, fraction: chunks.fraction(pending: scanner.pendingBytes), rows: report.rows,
                                    rejected: report.rejected.count))
        }

        do {
            loop: while true {
                switch scanner.next(final: final) {
                case .needMore:
                    if let data = try chunks.next() { scanner.append(data) } else { final = true }
                case .end:
                    break loop
                case .bad(let line, let problem):
                    if mapping == nil { throw ImportError.header(path, problem.description) }
                    report.rows += 1
                    report.rejected.append(RejectedRow(line: line, reason: problem.description))
                case .record(let fields, let line):
                    guard let m = mapping else {
                        switch HeaderMapping.resolve(headers: fields.map { $0.trimmingSpaces }, overrides: overrides) {
                        case .success(let m): mapping = m
                        case .failure(let problem): throw ImportError.header(path, problem.description)
                        }
                        report.mapping = mapping
                        continue
                    }
                    report.rows += 1
                    if fields.count > m.fields.count {
                        report.rejected.append(RejectedRow(line: line, reason: "row has \(fields.count) fields but the header has \(m.fields.count)"))
                        continue
                    }
                    let rawEmail = fields.count > m.emailColumn ? fields[m.emailColumn] : ""
                    let key: LeadKey
                    switch EmailAddress.identity(rawEmail) {
                    case .success(let k): key = k
                    case .failure(let problem):
                        if rawEmail.trimmingSpaces.isEmpty {
                            report.rejected.append(RejectedRow(line: line, reason: "no email"))
                        } else {
                            let reason = "email '\(rawEmail)' is not valid: \(problem)"
                            report.rejected.append(RejectedRow(line: line, reason: reason + " (quarantined)"))
                            var values: [String: String] = [:]
                            for (i, value) in fields.enumerated() where i != m.emailColumn && !m.fields[i].isEmpty && !value.trimmingSpaces.isEmpty {
                                values[m.fields[i]] = value.trimmingSpaces
                            }
                            held.append(QuarantinedLead(email: rawEmail, reason: "\(problem)", source: name, line: line, fields: values, at: now))
                        }
                        continue
                    }
                    var values: [String: String] = [:]
                    for (i, value) in fields.enumerated() where i != m.emailColumn && !m.fields[i].isEmpty {
                        let v = value.trimmingSpaces
                        if !v.isEmpty { values[m.fields[i]] = v }
                    }
                    var createdAt: Timestamp?
                    if let text = values["created_at"] {
                        createdAt = CSVDialect.date(text, dayFirst: dayFirst)
                        if createdAt == nil {
                            report.undated += 1
                            if report.undatedExamples.count < 5 { report.undatedExamples.append((line, String(text.prefix(60)))) }
                        }
                    }
                    batch.append(LeadUpsert(key: key, fields: values, origin: "line \(line)", at: createdAt))
                    if batch.count >= batchSize { try await flush() }
                }
            }
            if mapping == nil { throw ImportError.empty(path) }
            try await flush()
            try await settle()
        } catch {
            // a write still running is waited for: nothing is left half-done behind the error
            _ = try? await pending?.value
            throw error
        }
        if !held.isEmpty {
            _ = try await store.quarantine(held)
            report.quarantined += held.count
        }
        report.rejected.sort { $0.line < $1.line }
        progress(ImportProgress(file: name, fraction: 1, rows: report.rows, rejected: report.rejected.count))
        return report
    }
}
