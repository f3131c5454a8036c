import Foundation
import QualifyCore

/// Reads a CSV file for `qualify verify` in batches of rows with their line numbers; the header comes first, and rows
/// that cannot be read are kept in ``unreadable`` with their line and reason.
struct VerifyRowReader {
    struct Batch: Sendable {
        var rows: [[String]] = []
        var lines: [Int] = []
    }

    let path: String
    let batchSize: Int
    private var chunks: FileChunks
    private var scanner = CSVScanner()
    private var final = false
    private var done = false
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
                if let data = try chunks.next() { scanner.append(data) } else { final = true }
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
        batch.rows.reserveCapacity(batchSize)
        batch.lines.reserveCapacity(batchSize)
        while batch.rows.count < batchSize {
            switch scanner.next(final: final) {
            case .needMore:
                if let data = try chunks.next() { scanner.append(data) } else { final = true }
            case .end:
                done = true
                return batch.rows.isEmpty ? nil : batch
            case .bad(let line, let problem):
                rows += 1
                unreadable.append(RejectedRow(line: line, reason: problem.description))
            case .record(var fields, let line):
                rows += 1
                if fields.count > width {
                    unreadable.append(RejectedRow(line: line, reason: "row has \(fields.count) fields but the header has \(width) (quote fields that contain commas)"))
                    continue
                }
                if fields.count < width { fields += Array(repeating: "", count: width - fields.count) }
                batch.rows.append(fields)
                batch.lines.append(line)
            }
        }
        return batch
    }
}
