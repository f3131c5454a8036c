import Foundation
import QualifyCore

/// Reads a CSV file for `qualify verify` in batches of rows with their line numbers; the header comes first, and rows
/// that cannot be read are kept in ``unreadable`` with their line and reason.
///
/// For CSV output a row is kept as its bytes in canonical form (see ``CSVScanner/nextVerbatim(final:column:appendingTo:)``):
/// a row already in that form, as most are, is copied without decoding any field but the email; any other is read
/// field by field and quoted again. For JSON lines every field is decoded.
struct VerifyRowReader {
    struct Batch: Sendable {
        /// Each row's email cell.
        var emails: [String] = []
        var lines: [Int] = []
        /// CSV rows' bytes, one after the other (canonical quoting, no line breaks, short rows padded with empty
        /// fields); row `i` ends at `ends[i]`. Empty when reading every field.
        var bytes: [UInt8] = []
        var ends: [Int] = []
        /// Every field of every row (when reading every field, for JSON lines).
        var rows: [[String]] = []

        var count: Int { lines.count }
    }

    let path: String
    let batchSize: Int
    /// The email column; set before reading rows.
    var column = 0
    /// Keep rows as CSV bytes (true) or as fields (false).
    var asBytes = true
    private var chunks: FileChunks
    private var scanner = CSVScanner()
    private var final = false
    private var done = false
    /// The file's delimiter, read from its header line; a row is copied through verbatim only from a comma file
    /// (others are written back comma-separated).
    private(set) var delimiter: UInt8 = 44
    private var sniffed = false
    private(set) var headers: [String]?
    private(set) var rows = 0
    private(set) var unreadable: [RejectedRow] = []

    init(path: String, batchSize: Int) throws {
        self.path = path
        self.batchSize = batchSize
        self.chunks = try FileChunks(path: path)
    }

    var fraction: Double { chunks.fraction }

    /// Reads up to the header line and returns it.
    mutating func readHeader() throws -> [String] {
        while headers == nil {
            switch scanner.next(final: final) {
            case .needMore:
                if let data = try chunks.next() {
                    if !sniffed {
                        sniffed = true
                        delimiter = CSVDialect.sniffDelimiter(data)
                        scanner = CSVScanner(delimiter: delimiter)
                    }
                    scanner.append(data)
                } else { final = true }
            case .end:
                throw ImportError.empty(path)
            case .bad(_, let problem):
                throw ImportError.header(path, problem.description)
            case .record(let fields, _):
                headers = fields
            }
        }
        return headers!
    }

    /// The next batch of rows, or nil at the end of the file.
    mutating func next() throws -> Batch? {
        guard !done, let width = headers?.count else { return nil }
        var batch = Batch()
        batch.emails.reserveCapacity(batchSize)
        batch.lines.reserveCapacity(batchSize)
        if asBytes {
            batch.ends.reserveCapacity(batchSize)
            batch.bytes.reserveCapacity(batchSize * 64)
        } else {
            batch.rows.reserveCapacity(batchSize)
        }
        while batch.count < batchSize {
            if asBytes, delimiter == 44 {
                let mark = batch.bytes.count
                if let record = scanner.nextVerbatim(final: final, column: column, appendingTo: &batch.bytes) {
                    rows += 1
                    if record.fieldCount > width {
                        batch.bytes.removeSubrange(mark...)
                        unreadable.append(tooManyFields(record.fieldCount, width: width, line: record.line))
                        continue
                    }
                    for _ in record.fieldCount..<width { batch.bytes.append(UInt8(ascii: ",")) }
                    batch.ends.append(batch.bytes.count)
                    batch.emails.append(record.field)
                    batch.lines.append(record.line)
                    continue
                }
            }
            switch scanner.next(final: final) {
            case .needMore:
                if let data = try chunks.next() { scanner.append(data) } else { final = true }
            case .end:
                done = true
                return batch.count == 0 ? nil : batch
            case .bad(let line, let problem):
                rows += 1
                unreadable.append(RejectedRow(line: line, reason: problem.description))
            case .record(var fields, let line):
                rows += 1
                if fields.count > width {
                    unreadable.append(tooManyFields(fields.count, width: width, line: line))
                    continue
                }
                if fields.count < width { fields += Array(repeating: "", count: width - fields.count) }
                batch.emails.append(fields[column])
                batch.lines.append(line)
                if asBytes {
                    for (i, field) in fields.enumerated() {
                        if i > 0 { batch.bytes.append(UInt8(ascii: ",")) }
                        VerifyFormatter.appendCSV(field, to: &batch.bytes)
                    }
                    batch.ends.append(batch.bytes.count)
                } else {
                    batch.rows.append(fields)
                }
            }
        }
        return batch
    }

    private func tooManyFields(_ count: Int, width: Int, line: Int) -> RejectedRow {
        RejectedRow(line: line, reason: "row has \(count) fields but the header has \(width) (quote fields that contain commas)")
    }
}
