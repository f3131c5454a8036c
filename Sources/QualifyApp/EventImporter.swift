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
        // The next batch is parsed while earlier ones are written (``IngestPipeline``).
        let pipeline = IngestPipeline(store: store, options: options, now: now, batchSize: batchSize)
        try await pipeline.run(next: { try reader.next() }, finished: { done in
            for (i, outcome) in done.outcomes.enumerated() {
                let type = done.batch.events[i].type
                switch outcome {
                case .applied: report.applied += 1; report.typeCounts[type, default: 0] += 1
                case .duplicate: report.duplicates += 1; report.typeCounts[type, default: 0] += 1
                case .rejected(let why): report.rejected.append(RejectedRow(line: done.batch.origins[i], reason: why.description))
                }
            }
            progress(ImportProgress(file: name, fraction: reader.fraction, rows: reader.rows,
                                    rejected: report.rejected.count + reader.rejected.count))
        })
        report.rows = reader.rows
        report.rejected += reader.rejected
        report.rejected.sort { $0.line < $1.line }
        progress(ImportProgress(file: name, fraction: 1, rows: report.rows, rejected: report.rejected.count))
        return report
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
