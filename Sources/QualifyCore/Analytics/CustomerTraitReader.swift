/// Which columns of a transactions file are traits of the customer.
public enum TraitSelection: Sendable, Hashable {
    /// every column other than the customer, date and amount columns with between 2 and `maxDistinct` distinct
    /// non-blank values over all rows (more looks like an id, a timestamp or free text)
    case automatic(maxDistinct: Int)
    /// these columns, as named (exact header, else the header matched ignoring case, spaces and punctuation)
    case named([String])

    public static let standard = TraitSelection.automatic(maxDistinct: 50)
}

/// A column the automatic selection left out, and why.
public struct SkippedTraitColumn: Sendable, Hashable, Codable {
    public var column: String
    public var reason: String
}

public enum CustomerTraitProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case file(TransactionFileProblem)
    case unknownTrait(String, headers: [String])
    case roleColumn(String, TransactionRole)

    public var description: String {
        switch self {
        case .file(let problem): return problem.description
        case .unknownTrait(let name, let headers):
            return "--traits names '\(name)', which is not a column of the file (columns: \(headers.joined(separator: ", ")))"
        case .roleColumn(let name, let role):
            return "--traits names '\(name)', which is the \(role.rawValue) column; a trait must describe the customer "
                + "(pick another column, or give the \(role.rawValue) role to another column with --map)"
        }
    }
}

/// Streams a transactions file into a ``CustomerTraitTally``: the same header mapping (``TransactionColumns``, with
/// `--map` overrides) and the same row rules as ``TransactionReader`` — a row counts only if that reader would use it
/// (a customer, a date and an amount that can be read, no extra fields) — so the customers are the ABC-XYZ ones. Feed
/// it the same chunks. Pure: bytes in, values out.
public struct CustomerTraitReader: Sendable {
    public private(set) var tally = CustomerTraitTally(traits: [])
    public private(set) var columns: TransactionColumns?
    /// positions of the trait columns, parallel to the tally's columns
    private var positions: [Int] = []

    public let selection: TraitSelection
    public let delimiter: TransactionDelimiter
    public let dayFirst: Bool
    public let overrides: [String: String]
    private var pending: [UInt8] = []
    private var line = 1
    private var checkedBOM = false
    private var overlong = OverlongRowSkipper()

    public init(selection: TraitSelection, delimiter: TransactionDelimiter = .comma, dayFirst: Bool = false,
                overrides: [String: String] = [:]) {
        self.selection = selection
        self.delimiter = delimiter
        self.dayFirst = dayFirst
        self.overrides = overrides
    }

    /// Reads the next chunk; call with `final: true` once, after the last chunk (the chunk may be empty).
    public mutating func read(_ chunk: some Sequence<UInt8>, final: Bool) throws(CustomerTraitProblem) {
        let (kept, endedRow) = overlong.admit(Array(chunk))
        if endedRow { line += 1 }
        pending.append(contentsOf: kept)
        if !checkedBOM {
            if pending.count < 3 && !final { return }
            checkedBOM = true
            if pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3) }
            if pending.starts(with: [0xFF, 0xFE]) || pending.starts(with: [0xFE, 0xFF]) { throw .file(.headerLine(.utf16)) }
        }
        var buffer: [UInt8] = []
        swap(&buffer, &pending)
        let consumed = try buffer.withUnsafeBufferPointer { (p) throws(CustomerTraitProblem) -> Int in try scan(p, final: final) }
        pending = consumed < buffer.count ? Array(buffer[consumed...]) : []
        if overlong.overflowed(&pending) {
            guard columns != nil else { throw .file(.headerLine(.recordTooLong(limit: overlong.limit))) }
            if !overlong.skipping { line += 1 }
        }
        if final && columns == nil { throw .file(.empty) }
    }

    /// Columns the automatic selection left out (none when traits are named), in header order.
    public var skipped: [SkippedTraitColumn] {
        guard let columns, case .automatic(let maxDistinct) = selection else { return [] }
        let roles = [columns.customer, columns.date, columns.amount]
        var out: [SkippedTraitColumn] = []
        for (position, header) in columns.headers.enumerated() where !roles.contains(position) {
            guard let i = positions.firstIndex(of: position) else { continue }
            if tally.isDropped(i) {
                out.append(SkippedTraitColumn(column: header, reason: "more than \(maxDistinct) distinct values (an id, a date, an amount or free text)"))
            } else if tally.distinctCount(i) == 0 {
                out.append(SkippedTraitColumn(column: header, reason: "always blank"))
            } else if tally.distinctCount(i) == 1 {
                out.append(SkippedTraitColumn(column: header, reason: "one value only ('\(tally.columns[i].values[0])')"))
            }
        }
        return out
    }

    /// The traits to analyse: the named ones, or those the automatic selection kept (2 … maxDistinct values).
    public var traits: [String] {
        guard case .automatic = selection else { return tally.traits }
        return tally.columns.indices.filter { !tally.isDropped($0) && tally.distinctCount($0) >= 2 }.map { tally.columns[$0].header }
    }

    private mutating func scan(_ p: UnsafeBufferPointer<UInt8>, final: Bool) throws(CustomerTraitProblem) -> Int {
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
            let parsed: ParsedRecord
            switch delimiter {
            case .byte(let d):
                parsed = RecordParser.csv(p, from: i, line: line, final: final, delimiter: d, maxFieldBytes: 1 << 20,
                                          fields: &fields, scratch: &scratch)
            case .whitespace:
                parsed = RecordParser.whitespace(p, from: i, line: line, final: final, fields: &fields)
            }
            switch parsed {
            case .needMore:
                return i
            case .bad(let problem, _, let resume, let nextLine):
                guard columns != nil else { throw .file(.headerLine(problem)) }
                i = resume
                line = nextLine
            case .record(let end, let nextLine):
                i = end
                line = nextLine
                if fields.isEmpty { continue }
                if columns == nil {
                    try readHeader(p, fields, scratch)
                    continue
                }
                use(p, fields, scratch)
            }
        }
    }

    private mutating func readHeader(_ p: UnsafeBufferPointer<UInt8>, _ fields: [RecordField], _ scratch: [UInt8]) throws(CustomerTraitProblem) {
        let headers = fields.map { f in RecordParser.withBytes(f, p, scratch) { String(decoding: $0, as: UTF8.self).trimmingSpaces } }
        let found: TransactionColumns
        switch TransactionColumns.resolve(headers: headers, overrides: overrides) {
        case .success(let columns): found = columns
        case .failure(let problem): throw .file(.header(problem))
        }
        let roles: [(Int, TransactionRole)] = TransactionRole.allCases.map { (found.column(for: $0), $0) }
        switch selection {
        case .automatic:
            positions = headers.indices.filter { position in !roles.contains { $0.0 == position } }
        case .named(let names):
            positions = []
            for name in names {
                let position = headers.firstIndex(of: name)
                    ?? headers.firstIndex { LeadFields.squash($0) == LeadFields.squash(name) && !LeadFields.squash(name).isEmpty }
                guard let position else { throw .unknownTrait(name, headers: headers) }
                if let role = roles.first(where: { $0.0 == position })?.1 { throw .roleColumn(name, role) }
                if !positions.contains(position) { positions.append(position) }
            }
        }
        tally = CustomerTraitTally(traits: positions.map { headers[$0] })
        columns = found
    }

    /// Counts a row if ``TransactionReader`` would use it.
    private mutating func use(_ p: UnsafeBufferPointer<UInt8>, _ fields: [RecordField], _ scratch: [UInt8]) {
        guard let columns, fields.count <= columns.headers.count else { return }
        func field(_ column: Int) -> RecordField? { column < fields.count ? fields[column].trimmed(p, scratch) : nil }
        guard let customer = field(columns.customer), !customer.isEmpty,
              let date = field(columns.date), !date.isEmpty,
              let amount = field(columns.amount), !amount.isEmpty else { return }
        let dayFirst = dayFirst
        guard RecordParser.withBytes(customer, p, scratch, { $0.allSatisfy { $0 < 0x80 } || String(validating: $0, as: UTF8.self) != nil }),
              RecordParser.withBytes(date, p, scratch, { TransactionFields.civil($0, dayFirst: dayFirst) }) != nil,
              RecordParser.withBytes(amount, p, scratch, { TransactionFields.amount($0) }) != nil else { return }
        let key = RecordParser.withBytes(customer, p, scratch) { String(decoding: $0, as: UTF8.self) }
        var values: [String] = []
        values.reserveCapacity(positions.count)
        for position in positions {
            values.append(field(position).map { f in RecordParser.withBytes(f, p, scratch) { String(decoding: $0, as: UTF8.self) } } ?? "")
        }
        tally.add(customer: key, values: values)
        if case .automatic(let maxDistinct) = selection {
            for i in positions.indices where !tally.isDropped(i) && tally.distinctCount(i) > maxDistinct { tally.drop(i) }
        }
    }
}
