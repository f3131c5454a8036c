import Foundation
import QualifyCore

/// Streams a transactions file (customer, date, amount) into a ``TransactionLedger`` for the ABC-XYZ analysis: the
/// file is read in 4 MiB chunks (memory follows the number of customers and active periods, not the file size),
/// headers are auto-mapped with `--map COLUMN=ROLE` overrides, and bad rows are reported with their line and reason
/// while the good rows are used.
public struct TransactionImporter: Sendable {
    public var period: AnalysisPeriod
    public var delimiter: TransactionDelimiter
    public var dayFirst: Bool
    public var overrides: [String: String]
    /// how many rejected rows to keep with their reasons (all are counted)
    public var keepRejected: Int

    public init(period: AnalysisPeriod = .month, delimiter: TransactionDelimiter = .comma, dayFirst: Bool = false,
                overrides: [String: String] = [:], keepRejected: Int = 1000) {
        self.period = period
        self.delimiter = delimiter
        self.dayFirst = dayFirst
        self.overrides = overrides
        self.keepRejected = keepRejected
    }

    public struct Report: Sendable {
        public var ledger: TransactionLedger
        public var columns: TransactionColumns
        /// data rows read (used + rejected)
        public var rows: Int
        public var rejectedCount: Int
        /// the first `keepRejected` rejected rows, in line order
        public var rejected: [RejectedRow]
        public var usedRows: Int { rows - rejectedCount }
    }

    /// Reads the file at `path`. Throws ``ImportError`` when the file is missing, empty or its header cannot be mapped.
    public func run(path: String, progress: (ImportProgress) -> Void = { _ in }) throws -> Report {
        var chunks = try FileChunks(path: path)
        var reader = TransactionReader(period: period, delimiter: delimiter, dayFirst: dayFirst, overrides: overrides)
        reader.keepRejected = keepRejected
        let name = (path as NSString).lastPathComponent
        do {
            while let data = try chunks.next() {
                try reader.read(data, final: false)
                progress(ImportProgress(file: name, fraction: chunks.fraction, rows: reader.rows, rejected: reader.rejectedCount))
            }
            try reader.read([], final: true)
        } catch let problem as TransactionFileProblem {
            switch problem {
            case .empty: throw ImportError.empty(path)
            case .header, .headerLine: throw ImportError.header(path, problem.description)
            }
        }
        progress(ImportProgress(file: name, fraction: 1, rows: reader.rows, rejected: reader.rejectedCount))
        guard let columns = reader.columns else { throw ImportError.empty(path) }
        return Report(ledger: reader.ledger, columns: columns, rows: reader.rows, rejectedCount: reader.rejectedCount,
                      rejected: reader.rejected.map { RejectedRow(line: $0.line, reason: $0.reason) })
    }

    /// The delimiter of the file at `path` as its first line shows it: comma, semicolon, tab or pipe (whitespace-separated
    /// files are named with `--delimiter whitespace`). Comma when the file cannot be read (the import then says why).
    public static func sniffDelimiter(path: String) -> TransactionDelimiter {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .comma }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
        return .byte(CSVDialect.sniffDelimiter(head))
    }

    /// Reads `COLUMN=ROLE` overrides as given on the command line.
    public static func overrides(_ pairs: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in pairs {
            guard let eq = pair.lastIndex(of: "="), eq != pair.startIndex, pair.index(after: eq) != pair.endIndex else {
                throw MapOptionError(description: "--map '\(pair)' is not COLUMN=ROLE (e.g. --map 'Account Name=customer'; roles: customer, date, amount)")
            }
            out[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        return out
    }

    /// A `--map` value that is not `COLUMN=ROLE`.
    public struct MapOptionError: Error, CustomStringConvertible {
        public var description: String
    }
}
