/// How the fields of a transactions file are separated.
public enum TransactionDelimiter: Sendable, Hashable {
    /// one byte (`,` `;` or tab) with RFC 4180 quoting, read as strictly as ``CSVScanner`` reads lead files
    case byte(UInt8)
    /// runs of spaces and tabs, no quoting (fixed-width text exports such as CDNOW's `CDNOW_master.txt`)
    case whitespace

    public static let comma = TransactionDelimiter.byte(UInt8(ascii: ","))

    /// `comma` or `,`, `semicolon` or `;`, `tab`, `whitespace` (or `space`).
    public init?(name: String) {
        switch name.lowercased() {
        case "comma", ",": self = .comma
        case "semicolon", ";": self = .byte(UInt8(ascii: ";"))
        case "tab", "\t", "\\t": self = .byte(9)
        case "whitespace", "space", "spaces": self = .whitespace
        default: return nil
        }
    }
}

/// A data row that was not used, with the line it starts on and why.
public struct TransactionRejection: Sendable, Hashable {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// A problem with the file as a whole: nothing can be read from it.
public enum TransactionFileProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case header(TransactionHeaderProblem)
    case headerLine(CSVProblem)
    case empty

    public var description: String {
        switch self {
        case .header(let problem): return problem.description
        case .headerLine(let problem): return "the header line cannot be read: \(problem)"
        case .empty: return "the file is empty; expected a header line (customer, date, amount columns) and rows"
        }
    }
}

/// Streams a transactions file into a ``TransactionLedger``: feed it the file's bytes in chunks of any size.
///
/// The first non-blank line is the header, mapped by ``TransactionColumns``. Every later row either lands in the
/// ledger or is rejected with its line and reason (bad quoting, too many fields, no customer, a date or amount that
/// cannot be read) while the good rows are used. Only the three mapped columns are decoded; no `String` is made per
/// field, which keeps a 10-million-row file to seconds. Pure: bytes in, values out.
public struct TransactionReader: Sendable {
    public private(set) var ledger: TransactionLedger
    public private(set) var columns: TransactionColumns? {
        didSet { layout = columns.map { Layout(customer: $0.customer, date: $0.date, amount: $0.amount, count: $0.headers.count) } }
    }
    /// the column positions alone, read for every row (copying `columns` would retain its arrays per row)
    private struct Layout {
        var customer, date, amount, count: Int
    }
    private var layout: Layout?
    /// data rows read (used + rejected)
    public private(set) var rows = 0
    public private(set) var rejectedCount = 0
    /// the first ``keepRejected`` rejected rows, in file order
    public private(set) var rejected: [TransactionRejection] = []
    public var keepRejected = 1000
    public var maxFieldBytes = 1 << 20

    public let delimiter: TransactionDelimiter
    public let dayFirst: Bool
    public let overrides: [String: String]
    private var pending: [UInt8] = []
    private var line = 1
    private var checkedBOM = false
    private var overlong = OverlongRowSkipper()

    public init(period: AnalysisPeriod, delimiter: TransactionDelimiter = .comma, dayFirst: Bool = false,
                overrides: [String: String] = [:]) {
        ledger = TransactionLedger(period: period)
        self.delimiter = delimiter
        self.dayFirst = dayFirst
        self.overrides = overrides
    }

    /// Reads the next chunk; call with `final: true` once, after the last chunk (the chunk may be empty).
    public mutating func read(_ chunk: some Sequence<UInt8>, final: Bool) throws(TransactionFileProblem) {
        let (kept, endedRow) = overlong.admit(Array(chunk))
        if endedRow { line += 1 }
        pending.append(contentsOf: kept)
        if !checkedBOM {
            if pending.count < 3 && !final { return }
            checkedBOM = true
            if pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
            if pending.starts(with: [0xFF, 0xFE]) || pending.starts(with: [0xFE, 0xFF]) { throw .headerLine(.utf16) }
        }
        var buffer: [UInt8] = []
        swap(&buffer, &pending)
        let consumed = try buffer.withUnsafeBufferPointer { (p) throws(TransactionFileProblem) -> Int in try scan(p, final: final) }
        pending = consumed < buffer.count ? Array(buffer[consumed...]) : []
        let rowLine = line
        if overlong.overflowed(&pending) {
            guard columns != nil else { throw .headerLine(.recordTooLong(limit: overlong.limit)) }
            rows += 1
            reject(rowLine, overlong.problem)
            if !overlong.skipping { line += 1 }
        }
        if final && columns == nil { throw .empty }
    }

    /// The text of every rejected-row reason begins with the value in quotes, cut to this many characters.
    static let shownValueLength = 40

    /// Rows handed to the ledger together (see ``TransactionLedger/add(_:keysIn:)``).
    static let batchSize = 256

    private mutating func scan(_ p: UnsafeBufferPointer<UInt8>, final: Bool) throws(TransactionFileProblem) -> Int {
        var batch: [TransactionLedger.PendingRow] = []
        batch.reserveCapacity(Self.batchSize)
        defer { if !batch.isEmpty { ledger.add(batch, keysIn: p) } }
        return try scanRecords(p, final: final, batch: &batch)
    }

    private mutating func scanRecords(_ p: UnsafeBufferPointer<UInt8>, final: Bool,
                                      batch: inout [TransactionLedger.PendingRow]) throws(TransactionFileProblem) -> Int {
        let n = p.count
        var fields: [RecordField] = []
        var scratch: [UInt8] = []
        var i = 0
        while true {
            while i < n, p[i] == 10 || p[i] == 13 {
                if p[i] == 10 { line += 1 }
                i += 1
            }
            if i >= n { return i }
            let recordLine = line
            let parsed: ParsedRecord
            switch delimiter {
            case .byte(let d):
                parsed = RecordParser.csv(p, from: i, line: line, final: final, delimiter: d, maxFieldBytes: maxFieldBytes,
                                          fields: &fields, scratch: &scratch)
            case .whitespace:
                parsed = RecordParser.whitespace(p, from: i, line: line, final: final, fields: &fields)
            }
            switch parsed {
            case .needMore:
                return i
            case .bad(let problem, let problemLine, let resume, let nextLine):
                guard columns != nil else { throw .headerLine(problem) }
                rows += 1
                reject(problemLine, problem.description)
                i = resume
                line = nextLine
            case .record(let end, let nextLine):
                i = end
                line = nextLine
                if fields.isEmpty { continue }
                guard let layout else {
                    try readHeader(p, fields, scratch)
                    continue
                }
                rows += 1
                use(p, fields, scratch, layout, recordLine, &batch)
            }
        }
    }

    private mutating func readHeader(_ p: UnsafeBufferPointer<UInt8>, _ fields: [RecordField], _ scratch: [UInt8]) throws(TransactionFileProblem) {
        let headers = fields.map { f in RecordParser.withBytes(f, p, scratch) { String(decoding: $0, as: UTF8.self).trimmingSpaces } }
        switch TransactionColumns.resolve(headers: headers, overrides: overrides) {
        case .success(let found): columns = found
        case .failure(let problem): throw .header(problem)
        }
    }

    private mutating func use(_ p: UnsafeBufferPointer<UInt8>, _ fields: [RecordField], _ scratch: [UInt8],
                              _ columns: Layout, _ recordLine: Int, _ batch: inout [TransactionLedger.PendingRow]) {
        if fields.count > columns.count {
            reject(recordLine, "row has \(fields.count) fields but the header has \(columns.count)")
            return
        }
        func header(_ column: Int) -> String { self.columns?.headers[column] ?? "" }
        func field(_ column: Int) -> RecordField? { column < fields.count ? fields[column].trimmed(p, scratch) : nil }
        func shown(_ f: RecordField) -> String {
            let text = RecordParser.withBytes(f, p, scratch) { String(decoding: $0, as: UTF8.self) }
            return text.count > Self.shownValueLength ? String(text.prefix(Self.shownValueLength - 1)) + "…" : text
        }
        guard let customer = field(columns.customer), !customer.isEmpty else {
            return reject(recordLine, "no customer (column '\(header(columns.customer))' is empty)")
        }
        guard RecordParser.withBytes(customer, p, scratch, { $0.allSatisfy { $0 < 0x80 } || String(validating: $0, as: UTF8.self) != nil }) else {
            return reject(recordLine, "customer in column '\(header(columns.customer))' is not valid UTF-8 (save the file as UTF-8)")
        }
        guard let date = field(columns.date), !date.isEmpty else {
            return reject(recordLine, "no date (column '\(header(columns.date))' is empty)")
        }
        let dayFirst = dayFirst
        guard let civil = RecordParser.withBytes(date, p, scratch, { TransactionFields.civil($0, dayFirst: dayFirst) }) else {
            let hint = dayFirst ? "15/1/2023 (day first)" : "1/15/2023 (month first; --day-first for 15/1/2023)"
            return reject(recordLine, "date '\(shown(date))' in column '\(header(columns.date))' is not a date; expected 2023-01-15, \(hint) or 19970101")
        }
        guard let amountField = field(columns.amount), !amountField.isEmpty else {
            return reject(recordLine, "no amount (column '\(header(columns.amount))' is empty)")
        }
        guard let amount = RecordParser.withBytes(amountField, p, scratch, { TransactionFields.amount($0) }) else {
            return reject(recordLine, "amount '\(shown(amountField))' in column '\(header(columns.amount))' is not a number; "
                          + "expected e.g. 1234.56, -12 or $1,234.56 (decimal point)")
        }
        let period = Int32(truncatingIfNeeded: ledger.period.index(year: civil.year, month: civil.month, day: civil.day))
        let row = TransactionLedger.PendingRow(keyStart: customer.start, keyEnd: customer.end, period: period, amount: amount)
        if customer.inScratch {
            // a quoted key lives in the scratch buffer, which the next record overwrites: add it now, in file order
            if !batch.isEmpty { ledger.add(batch, keysIn: p) }
            batch.removeAll(keepingCapacity: true)
            scratch.withUnsafeBufferPointer { ledger.add([row], keysIn: $0) }
        } else {
            batch.append(row)
            if batch.count == Self.batchSize {
                ledger.add(batch, keysIn: p)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    private mutating func reject(_ line: Int, _ reason: String) {
        rejectedCount += 1
        if rejected.count < keepRejected { rejected.append(TransactionRejection(line: line, reason: reason)) }
    }
}
