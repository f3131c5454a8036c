import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// Reads an events file (CSV or JSON lines) into batches of incoming events with their line numbers; rows that
/// cannot become an event are kept in ``rejected`` with their line and reason.
struct EventBatchReader {
    /// Events with their line numbers as origins.
    typealias Batch = EventBatch

    let path: String
    let format: EventImporter.Format
    let batchSize: Int
    private var chunks: FileChunks
    private var scanner = CSVScanner()
    /// The delimiter given; nil: read from the header line.
    private let delimiter: UInt8?
    private var sniffed = false
    private var columns: (id: Int?, email: Int, type: Int, at: Int, properties: [(Int, String)])?
    private let maps: [String: String]
    private let dayFirst: Bool
    /// Ids for events without one (a CSV without an id column, JSON lines without "id").
    private var derived = DerivedEventIDs()
    private var final = false
    private var done = false
    private var pending = Data()
    private var pendingStart = 0
    private var lineNumber = 0
    private(set) var rows = 0
    private(set) var rejected: [RejectedRow] = []

    init(path: String, format: EventImporter.Format, batchSize: Int, delimiter: UInt8? = nil, maps: [String: String] = [:],
         dayFirst: Bool = false) throws {
        self.path = path
        self.maps = maps
        self.dayFirst = dayFirst
        self.delimiter = delimiter
        self.format = format
        self.batchSize = batchSize
        self.chunks = try FileChunks(path: path)
    }

    var fraction: Double {
        chunks.fraction(pending: format == .csv ? scanner.pendingBytes : pending.count - pendingStart)
    }

    /// The next batch, or nil at the end of the file.
    mutating func next() throws -> Batch? {
        if done { return nil }
        var batch = Batch()
        batch.events.reserveCapacity(batchSize)
        switch format {
        case .csv: try readCSV(into: &batch)
        case .jsonl: try readJSONLines(into: &batch)
        }
        return batch.events.isEmpty && done ? nil : batch
    }

    private mutating func readCSV(into batch: inout Batch) throws {
        while batch.events.count < batchSize {
            switch scanner.next(final: final) {
            case .needMore:
                if let data = try chunks.next() {
                    if !sniffed {
                        sniffed = true
                        scanner = CSVScanner(delimiter: delimiter ?? CSVDialect.sniffDelimiter(data))
                    }
                    scanner.append(data)
                } else { final = true }
            case .end:
                if columns == nil { throw ImportError.empty(path) }
                done = true
                return
            case .bad(let line, let problem):
                if columns == nil { throw ImportError.header(path, problem.description) }
                rows += 1
                rejected.append(RejectedRow(line: line, reason: problem.description))
            case .record(let fields, let line):
                guard let c = columns else {
                    columns = try EventImporter.resolveColumns(fields, overrides: maps, path: path)
                    continue
                }
                rows += 1
                let width = c.properties.count + (c.id == nil ? 3 : 4)
                if fields.count > width {
                    rejected.append(RejectedRow(line: line, reason: "row has \(fields.count) fields but the header has \(width)"))
                    continue
                }
                func field(_ i: Int) -> String { i < fields.count ? fields[i].trimmingSpaces : "" }
                guard let at = CSVDialect.time(field(c.at), dayFirst: dayFirst) else {
                    rejected.append(RejectedRow(line: line, reason: EventRejection.invalidTimestamp(field(c.at)).description
                                                + " (dates like 3/1/2025 2:05 PM are read month first; --day-first reads 03/01/2025 as 3 January)"))
                    continue
                }
                var properties: [String: String] = [:]
                for (i, name) in c.properties where i < fields.count && !fields[i].isEmpty { properties[name] = fields[i] }
                var event = IncomingEvent(id: EventID(c.id.map(field) ?? ""), email: field(c.email), type: field(c.type), at: at,
                                          properties: properties)
                if c.id == nil { event.id = derived.id(for: event) }
                batch.events.append(event)
                batch.origins.append(line)
            }
        }
    }

    private mutating func readJSONLines(into batch: inout Batch) throws {
        while batch.events.count < batchSize {
            guard let newline = pending[pendingStart...].firstIndex(of: 10) else {
                if final {
                    if pendingStart >= pending.endIndex {
                        done = true
                        return
                    }
                    take(pending[pendingStart...], into: &batch)
                    pendingStart = pending.endIndex
                    continue
                }
                // keep the unfinished line, then read on
                pending = Data(pending[pendingStart...])
                pendingStart = pending.startIndex
                if let data = try chunks.next() { pending.append(data) } else { final = true }
                continue
            }
            take(pending[pendingStart..<newline], into: &batch)
            pendingStart = pending.index(after: newline)
        }
    }

    private mutating func take(_ slice: Data, into batch: inout Batch) {
        lineNumber += 1
        if slice.allSatisfy({ $0 == 32 || $0 == 13 || $0 == 9 }) { return }
        rows += 1
        switch EventImporter.parseJSONLine(Data(slice), dayFirst: dayFirst) {
        case .success(let (parsed, hasID)):
            var event = parsed
            if !hasID { event.id = derived.id(for: event) }
            batch.events.append(event)
            batch.origins.append(lineNumber)
        case .failure(let why):
            rejected.append(RejectedRow(line: lineNumber, reason: why.description))
        }
    }
}
