import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// Streams events from CSV or JSON lines into the store in batches (one transaction each), idempotent by event id:
/// importing the same file twice changes nothing.
///
/// CSV: columns `id`, `email`, `type`, `at` (common aliases accepted, or named with ``maps``); every other column is a
/// property. Times in ISO-8601 or a calendar date with an optional time of day (``CSVDialect/time(_:dayFirst:)``). A
/// file without ids gets ids derived from each event's content (``DerivedEventIDs``).
/// JSON lines: one object per line, `{"id": …, "email": …, "type": …, "at": "2026-03-01T10:00:00Z", "properties": {…}}`.
public struct EventImporter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    public var store: any LeadStore
    public var options: IngestOptions
    public var batchSize: Int
    /// The CSV delimiter; nil: read from the header line (comma, semicolon, tab or pipe).
    public var delimiter: UInt8?
    /// CSV column header → its role (`id`, `email`, `type`, `at`) or the property it fills, instead of the automatic match.
    public var maps: [String: String] = [:]
    /// Read ambiguous dates like 03/06/2025 day first.
    public var dayFirst = false

    public init(store: any LeadStore, options: IngestOptions = IngestOptions(), batchSize: Int = 5000) {
        self.store = store
        self.options = options
        self.batchSize = batchSize
    }

    public struct Report: Sendable {
        public var rows = 0
        public var applied = 0
        public var duplicates = 0
        public var rejected: [RejectedRow] = []
        /// How many events of each type were stored or already there (see ``UnscoredEventTypes``).
        public var typeCounts: [String: Int] = [:]
    }

    public static func format(forPath path: String) -> Format {
        let ext = (path as NSString).pathExtension.lowercased()
        return ["jsonl", "ndjson", "json"].contains(ext) ? .jsonl : .csv
    }

    static let columnAliases: [String: [String]] = [
        "id": ["id", "event id", "eventid", "event_id", "uuid", "message id"],
        "email": ["email", "lead", "lead email", "lead_email", "e-mail", "email address", "contact email"],
        "type": ["type", "event", "event type", "event_type", "action", "activity"],
        "at": ["at", "timestamp", "time", "occurred at", "occurred_at", "date", "datetime", "created at", "created_at"],
    ]

    public func run(path: String, format: Format? = nil, now: Timestamp,
                    progress: @Sendable (ImportProgress) -> Void = { _ in }) async throws -> Report {
        var reader = try EventBatchReader(path: path, format: format ?? Self.format(forPath: path), batchSize: batchSize, delimiter: delimiter,
                                          maps: maps, dayFirst: dayFirst)
        var report = Report()
        let name = (path as NSString).lastPathComponent
        let store = self.store
        let options = self.options
        // The next batch is parsed while earlier ones are written: up to the store's `ingestWriters` batches in
        // flight (two for both stores), so parsing, scoring and a server's round trips overlap. Batches in flight never
        // share a lead or an event id: such events wait for a later batch (in file order), so batches do not queue
        // behind each other's row locks, and of two events with one id the first in the file is the one applied, as
        // with one batch at a time. How events are split never changes the result.
        let writers = max(1, store.ingestWriters)
        let batchSize = self.batchSize
        typealias Done = (batch: Int, lines: [Int], types: [String], outcomes: [IngestOutcome])
        try await withThrowingTaskGroup(of: Done.self) { group in
            var busy: [Int: (emails: Set<String>, ids: Set<EventID>)] = [:]  // what each batch in flight holds
            var held = EventBatchReader.Batch()
            var number = 0
            func collectOne() async throws {
                guard let done = try await group.next() else { return }
                busy[done.batch] = nil
                for (i, outcome) in done.outcomes.enumerated() {
                    switch outcome {
                    case .applied: report.applied += 1; report.typeCounts[done.types[i], default: 0] += 1
                    case .duplicate: report.duplicates += 1; report.typeCounts[done.types[i], default: 0] += 1
                    case .rejected(let why): report.rejected.append(RejectedRow(line: done.lines[i], reason: why.description))
                    }
                }
                progress(ImportProgress(file: name, fraction: reader.fraction, rows: reader.rows,
                                        rejected: report.rejected.count + reader.rejected.count))
            }
            func send(_ batch: EventBatchReader.Batch) {
                number += 1
                let n = number
                busy[n] = writers > 1 ? (Set(batch.events.map { Self.leadIdentity($0.email) }), Set(batch.events.map(\.id))) : ([], [])
                group.addTask { (n, batch.lines, batch.events.map(\.type), try await store.ingest(batch.events, options: options, now: now)) }
            }
            func split(_ pending: EventBatchReader.Batch) -> (go: EventBatchReader.Batch, wait: EventBatchReader.Batch) {
                Self.split(pending, busyLeads: busy.values.reduce(into: Set<String>()) { $0.formUnion($1.emails) },
                           busyIDs: busy.values.reduce(into: Set<EventID>()) { $0.formUnion($1.ids) })
            }
            while let next = try reader.next() {
                if busy.count == writers { try await collectOne() }
                var pending = held
                pending.events += next.events
                pending.lines += next.lines
                var (go, wait) = writers > 1 ? split(pending) : (pending, EventBatchReader.Batch())
                // Nothing free, or too much waiting: let a batch in flight finish first.
                while !busy.isEmpty, go.events.isEmpty || wait.events.count > batchSize {
                    try await collectOne()
                    (go, wait) = split(pending)
                }
                held = wait
                if !go.events.isEmpty { send(go) }
            }
            while !busy.isEmpty { try await collectOne() }
            if !held.events.isEmpty {
                send(held)
                try await collectOne()
            }
        }
        report.rows = reader.rows
        report.rejected += reader.rejected
        report.rejected.sort { $0.line < $1.line }
        progress(ImportProgress(file: name, fraction: 1, rows: report.rows, rejected: report.rejected.count))
        return report
    }

    /// The lead an event's address names, as the store keys it (``EmailAddress/identity(_:)``: `Ada@ACME.io` and
    /// `ada@acme.io` are one lead); the address as written when it is not valid (the store rejects the event).
    static func leadIdentity(_ email: String) -> String {
        (try? EmailAddress.identity(email).get())?.email ?? email
    }

    /// Splits `pending` into the events free to go now and those whose lead (by identity) or id a batch in flight
    /// holds, or an earlier event that waits has; both in file order.
    static func split(_ pending: EventBatchReader.Batch, busyLeads: Set<String>, busyIDs: Set<EventID>)
        -> (go: EventBatchReader.Batch, wait: EventBatchReader.Batch)
    {
        if busyLeads.isEmpty && busyIDs.isEmpty { return (pending, EventBatchReader.Batch()) }
        var ids = busyIDs
        var go = EventBatchReader.Batch(), wait = EventBatchReader.Batch()
        for (event, line) in zip(pending.events, pending.lines) {
            if busyLeads.contains(leadIdentity(event.email)) || ids.contains(event.id) {
                ids.insert(event.id)
                wait.events.append(event)
                wait.lines.append(line)
            } else {
                go.events.append(event)
                go.lines.append(line)
            }
        }
        return (go, wait)
    }

    /// The roles `--map` may give a column besides a property name.
    public static let roles = ["id", "email", "type", "at"]

    /// Each role's column (the id's may be absent: ids are then derived, ``DerivedEventIDs``) and the property every
    /// other column fills. `overrides`: header → role or property name, before the automatic match.
    static func resolveColumns(_ headers: [String], overrides: [String: String] = [:], path: String) throws
        -> (id: Int?, email: Int, type: Int, at: Int, properties: [(Int, String)]) {
        for column in overrides.keys where !headers.contains(column) {
            throw ImportError.header(path, "--map names column '\(column)', which is not among the headers [\(headers.joined(separator: ", "))]")
        }
        var found: [String: Int] = [:]
        var properties: [(Int, String)] = []
        // columns given a role by --map first, so an automatic match gives way to the user's choice
        for (i, header) in headers.enumerated() {
            guard let role = overrides[header], roles.contains(role) else { continue }
            if let other = found[role] {
                throw ImportError.header(path, "--map gives role '\(role)' to both '\(headers[other])' and '\(header)'")
            }
            found[role] = i
        }
        for (i, header) in headers.enumerated() where !found.values.contains(i) {
            let h = header.trimmingSpaces.lowercased()
            if let property = overrides[header] {
                properties.append((i, property))
            } else if let (role, _) = columnAliases.first(where: { $0.value.contains(h) }), found[role] == nil {
                found[role] = i
            } else {
                properties.append((i, LeadFields.snakeCase(header).isEmpty ? "column_\(i + 1)" : LeadFields.snakeCase(header)))
            }
        }
        for role in ["email", "type", "at"] where found[role] == nil {
            throw ImportError.header(path, "no '\(role)' column among the headers [\(headers.joined(separator: ", "))]; expected one named \(columnAliases[role]!.prefix(4).joined(separator: ", ")), or name yours with --map 'COLUMN=\(role)'")
        }
        return (found["id"], found["email"]!, found["type"]!, found["at"]!, properties)
    }

    static func parseJSONLine(_ data: Data, dayFirst: Bool = false) -> Result<(event: IncomingEvent, hasID: Bool), LineProblem> {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            return .failure(LineProblem("not a JSON object: \(String(decoding: data.prefix(80), as: UTF8.self))"))
        }
        guard let dict = object as? [String: Any] else { return .failure("expected a JSON object with id, email, type, at") }
        func text(_ key: String) -> String? {
            switch dict[key] {
            case let s as String: return s
            case let n as NSNumber: return n.stringValue
            default: return nil
            }
        }
        // no id: the reader derives one from the event's content (DerivedEventIDs)
        let id = text("id") ?? ""
        guard let email = text("email") else { return .failure("missing 'email'") }
        guard let type = text("type") else { return .failure("missing 'type'") }
        guard let atText = text("at") ?? text("timestamp") else { return .failure("missing 'at' (an ISO-8601 time)") }
        guard let at = CSVDialect.time(atText, dayFirst: dayFirst) else { return .failure(LineProblem(EventRejection.invalidTimestamp(atText).description)) }
        let known: Set<String> = ["id", "email", "type", "at", "timestamp", "properties"]
        if let unknown = dict.keys.first(where: { !known.contains($0) }) {
            return .failure(LineProblem("unknown key '\(unknown)' (put custom values under \"properties\")"))
        }
        var properties: [String: String] = [:]
        if let raw = dict["properties"] {
            guard let p = raw as? [String: Any] else { return .failure("'properties' must be an object") }
            for (k, v) in p {
                switch v {
                case let s as String: properties[k] = s
                case let n as NSNumber: properties[k] = n.stringValue
                case is NSNull: continue
                default: return .failure(LineProblem("property '\(k)' must be text, a number or a boolean"))
                }
            }
        }
        return .success((IncomingEvent(id: EventID(id), email: email, type: type, at: at, properties: properties), text("id") != nil))
    }
}

struct LineProblem: Error, CustomStringConvertible, ExpressibleByStringLiteral {
    var description: String
    init(_ description: String) { self.description = description }
    init(stringLiteral value: String) { self.description = value }
}
