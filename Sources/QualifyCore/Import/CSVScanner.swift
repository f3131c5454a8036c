/// A strict, streaming RFC 4180 CSV reader that knows line numbers.
///
/// Written here rather than taken from CSV.swift (the listed CSV library) because an import must report *which line*
/// is bad and why, and carry on with the good rows: CSV.swift silently accepts stray quotes, lets an unterminated quote
/// swallow the rest of the file, has no field-size limit and reports no positions. This reader does all four, works
/// on bytes (fast on multi-gigabyte event files) and holds only the current chunk.
///
/// Feed it chunks with ``append(_:)``; call ``next(final:)`` until it returns `.needMore` (append the next chunk) or
/// `.end`. Pass `final: true` once the input is exhausted.
public struct CSVScanner: Sendable {
    public enum Step: Sendable, Hashable {
        /// a record and the line it starts on (1-based)
        case record([String], line: Int)
        /// a record that could not be read; the scanner has skipped past it
        case bad(line: Int, CSVProblem)
        case needMore
        case end
    }

    public var maxFieldBytes: Int
    /// A record (all its fields, quoted line breaks included) longer than this is bad; the scanner then discards the
    /// rest of its line chunk by chunk, so an over-long line costs a bounded buffer however long it runs.
    public var maxRecordBytes: Int
    /// Fields a row may have: far above any export's columns, low enough that a row of commas costs no more than a
    /// few hundred kilobytes of empty fields before it is refused.
    public static let maxFields = 10_000
    public var delimiter: UInt8
    // internal, not private: ``nextVerbatim(final:column:appendingTo:)`` (CSVScanner+Verbatim.swift) reads them
    var buffer: [UInt8] = []
    var position = 0
    var line = 1
    var startedBOMCheck = false
    /// A bad record whose line has not ended within the bytes appended so far: its bytes are dropped as they come.
    var skipping: (line: Int, problem: CSVProblem)?
    /// ``nextVerbatim(final:column:appendingTo:)``'s field positions and unquoted field bytes, kept between calls
    var verbatimFields: [RecordField] = []
    var verbatimScratch: [UInt8] = []

    public init(delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 8 << 20) {
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = max(maxRecordBytes, maxFieldBytes)
    }

    /// Bytes appended but not yet read into records (for progress: what was read minus this is what was used).
    public var pendingBytes: Int { buffer.count - position }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func next(final: Bool) -> Step {
        if let skip = skipping {
            // the rest of a bad record's line: drop it until its line break (or the end of the input)
            while position < buffer.count, buffer[position] != 10 { position += 1 }
            if position >= buffer.count && !final { return .needMore }
            if position < buffer.count { position += 1 }
            skipping = nil
            line = skip.line + 1
            return .bad(line: skip.line, skip.problem)
        }
        if !startedBOMCheck {
            if buffer.count < 3 && !final { return .needMore }
            startedBOMCheck = true
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            if buffer.starts(with: [0xFF, 0xFE]) || buffer.starts(with: [0xFE, 0xFF]) {
                position = buffer.count
                buffer = []
                return .bad(line: 1, .utf16)
            }
        }
        // skip blank lines
        while position < buffer.count, buffer[position] == 10 || buffer[position] == 13 {
            if buffer[position] == 10 { line += 1 }
            position += 1
        }
        if position >= buffer.count { return final ? .end : .needMore }
        let startLine = line
        var fields: [String] = []
        var i = position
        var currentLine = line
        var problem: CSVProblem?
        var problemLine = startLine
        var fieldBytes: [UInt8] = []
        fieldLoop: while true {
            fieldBytes.removeAll(keepingCapacity: true)
            // many fields, each within the field limit, still make a row too long to keep
            if fields.count >= Self.maxFields {
                problem = .tooManyFields(limit: Self.maxFields)
                problemLine = currentLine
                break fieldLoop
            }
            if i - position > maxRecordBytes {
                problem = .recordTooLong(limit: maxRecordBytes)
                problemLine = currentLine
                break fieldLoop
            }
            if i < buffer.count, buffer[i] == 34 {
                // quoted field
                let quoteLine = currentLine
                i += 1
                var closed = false
                while i < buffer.count {
                    let c = buffer[i]
                    if c == 34 {
                        if i + 1 < buffer.count, buffer[i + 1] == 34 {
                            fieldBytes.append(34)
                            i += 2
                            continue
                        }
                        if i + 1 >= buffer.count && !final { return .needMore }
                        i += 1
                        closed = true
                        break
                    }
                    if c == 10 { currentLine += 1 }
                    fieldBytes.append(c)
                    i += 1
                    if fieldBytes.count > maxFieldBytes {
                        problem = .fieldTooLong(field: fields.count + 1, limit: maxFieldBytes)
                        problemLine = quoteLine
                        break fieldLoop
                    }
                }
                if !closed {
                    if !final { return .needMore }
                    problem = .unterminatedQuote(field: fields.count + 1)
                    problemLine = quoteLine
                    // resynchronize on the line after the one where the quote opened
                    i = position
                    currentLine = startLine
                    while i < buffer.count, currentLine <= quoteLine {
                        if buffer[i] == 10 { currentLine += 1 }
                        i += 1
                    }
                    position = i
                    line = currentLine
                    return .bad(line: problemLine, problem!)
                }
                if i < buffer.count, buffer[i] != delimiter, buffer[i] != 10, buffer[i] != 13 {
                    problem = .textAfterClosingQuote(field: fields.count + 1)
                    problemLine = currentLine
                    break fieldLoop
                }
            } else {
                while i < buffer.count {
                    let c = buffer[i]
                    if c == delimiter || c == 10 || c == 13 { break }
                    if c == 34 {
                        problem = .quoteInUnquotedField(field: fields.count + 1)
                        problemLine = currentLine
                        break fieldLoop
                    }
                    fieldBytes.append(c)
                    i += 1
                    if fieldBytes.count > maxFieldBytes {
                        problem = .fieldTooLong(field: fields.count + 1, limit: maxFieldBytes)
                        problemLine = currentLine
                        break fieldLoop
                    }
                }
                if i >= buffer.count && !final { return .needMore }
            }
            guard let text = String(validating: fieldBytes, as: UTF8.self) else {
                problem = .invalidUTF8(field: fields.count + 1)
                problemLine = currentLine
                break fieldLoop
            }
            if fieldBytes.contains(0) {
                problem = .nulByte(field: fields.count + 1)
                problemLine = currentLine
                break fieldLoop
            }
            fields.append(text)
            if i >= buffer.count {
                position = i
                line = currentLine
                return .record(fields, line: startLine)
            }
            let c = buffer[i]
            if c == delimiter {
                i += 1
                continue
            }
            // end of record: \n, \r\n or \r
            if c == 13 {
                if i + 1 >= buffer.count && !final { return .needMore }
                i += 1
                if i < buffer.count, buffer[i] == 10 { i += 1 }
            } else {
                i += 1
            }
            currentLine += 1
            position = i
            line = currentLine
            return .record(fields, line: startLine)
        }
        // A bad record: skip to the end of the physical line where the problem is. A line that goes on past the bytes
        // appended so far is dropped as it comes (not kept whole in memory).
        while i < buffer.count, buffer[i] != 10 {
            i += 1
        }
        if i >= buffer.count && !final {
            skipping = (problemLine, problem!)
            position = buffer.count
            return .needMore
        }
        if i < buffer.count { i += 1 }
        position = i
        line = problemLine + 1
        return .bad(line: problemLine, problem!)
    }
}

public enum CSVProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case unterminatedQuote(field: Int)
    case quoteInUnquotedField(field: Int)
    case textAfterClosingQuote(field: Int)
    case fieldTooLong(field: Int, limit: Int)
    case recordTooLong(limit: Int)
    case tooManyFields(limit: Int)
    case invalidUTF8(field: Int)
    case nulByte(field: Int)
    case utf16

    public var description: String {
        switch self {
        case .unterminatedQuote(let f): return "field \(f) opens a quote that is never closed (fix the quoting, or double a quote inside a quoted field: \"\")"
        case .quoteInUnquotedField(let f): return "field \(f) has a '\"' but does not start with one (quote the whole field and double inner quotes)"
        case .textAfterClosingQuote(let f): return "field \(f) has text after its closing quote"
        case .fieldTooLong(let f, let limit): return "field \(f) is longer than \(limit) bytes"
        case .tooManyFields(let limit): return "the row has more than \(limit) fields (is this the right delimiter, or a CSV file at all?)"
        case .recordTooLong(let limit): return "the row is longer than \(limit) bytes (is a quote left open, or is this not a CSV file?)"
        case .invalidUTF8(let f): return "field \(f) is not valid UTF-8 (save the file as UTF-8)"
        case .nulByte(let f): return "field \(f) contains a NUL byte (is this a binary file?)"
        case .utf16: return "the file is UTF-16; save it as UTF-8"
        }
    }
}
