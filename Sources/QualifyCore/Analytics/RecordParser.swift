/// Where one field of a record lies: a byte range of the input, or of the scratch buffer for a quoted field (whose
/// doubled quotes had to be undone).
struct RecordField: Sendable, Hashable {
    var start: Int
    var end: Int
    var inScratch: Bool

    var isEmpty: Bool { start == end }

    /// The field without leading and trailing spaces and tabs.
    func trimmed(_ p: UnsafeBufferPointer<UInt8>, _ scratch: [UInt8]) -> RecordField {
        var f = self
        RecordParser.withBytes(self, p, scratch) { b in
            var lo = 0, hi = b.count
            while lo < hi, b[lo] == 32 || b[lo] == 9 { lo += 1 }
            while hi > lo, b[hi - 1] == 32 || b[hi - 1] == 9 { hi -= 1 }
            f.start = start + lo
            f.end = start + hi
        }
        return f
    }
}

/// The outcome of reading one record.
enum ParsedRecord {
    /// a record ending at `end` (after its line break); the next record starts on `nextLine`
    case record(end: Int, nextLine: Int)
    /// a record that cannot be read: the problem, its line, and where reading resumes
    case bad(CSVProblem, line: Int, resume: Int, nextLine: Int)
    /// the record runs past the end of the input: call again with more
    case needMore
}

/// Splits records into fields over raw bytes. The CSV rules are ``CSVScanner``'s (RFC 4180, strict, problems named
/// with ``CSVProblem``), rewritten over unsafe buffers without a `String` per field for the transaction hot path.
enum RecordParser {
    static func withBytes<R>(_ f: RecordField, _ p: UnsafeBufferPointer<UInt8>, _ scratch: [UInt8],
                             _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if f.inScratch {
            return scratch.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[f.start..<f.end])) }
        }
        return body(UnsafeBufferPointer(rebasing: p[f.start..<f.end]))
    }

    /// One CSV record starting at `from` (not on a blank line).
    static func csv(_ p: UnsafeBufferPointer<UInt8>, from: Int, line: Int, final: Bool, delimiter: UInt8, maxFieldBytes: Int,
                    fields: inout [RecordField], scratch: inout [UInt8]) -> ParsedRecord {
        let n = p.count
        let quote: UInt8 = 34
        var i = from
        var current = line
        fields.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)

        /// A bad record: skip to the end of the physical line where the problem is.
        func bad(_ problem: CSVProblem, at problemLine: Int) -> ParsedRecord {
            while i < n, p[i] != 10 { i += 1 }
            if i >= n && !final { return .needMore }
            if i < n { i += 1 }
            return .bad(problem, line: problemLine, resume: i, nextLine: current + 1)
        }

        while true {
            if i < n, p[i] == quote {
                let quoteLine = current
                let start = scratch.count
                i += 1
                var closed = false
                while i < n {
                    // the bytes up to the next quote, copied in one go (but stopping one byte past the size limit,
                    // where a byte-by-byte copy would have stopped)
                    let run = i
                    let limit = min(n, i + max(1, maxFieldBytes - (scratch.count - start) + 1))
                    while i < limit, p[i] != quote {
                        if p[i] == 10 { current += 1 }
                        i += 1
                    }
                    if i > run {
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[run..<i]))
                        if scratch.count - start > maxFieldBytes {
                            return bad(.fieldTooLong(field: fields.count + 1, limit: maxFieldBytes), at: quoteLine)
                        }
                    }
                    guard i < n, p[i] == quote else { continue }
                    if i + 1 < n {
                        if p[i + 1] == quote {
                            scratch.append(quote)
                            i += 2
                            continue
                        }
                    } else if !final {
                        return .needMore
                    }
                    i += 1
                    closed = true
                    break
                }
                if !closed {
                    if !final { return .needMore }
                    // resynchronize on the line after the one where the quote opened
                    var k = from
                    var l = line
                    while k < n, l <= quoteLine {
                        if p[k] == 10 { l += 1 }
                        k += 1
                    }
                    return .bad(.unterminatedQuote(field: fields.count + 1), line: quoteLine, resume: k, nextLine: l)
                }
                fields.append(RecordField(start: start, end: scratch.count, inScratch: true))
                if i < n, p[i] != delimiter, p[i] != 10, p[i] != 13 {
                    return bad(.textAfterClosingQuote(field: fields.count), at: current)
                }
            } else {
                let start = i
                while i < n {
                    let c = p[i]
                    if c == delimiter || c == 10 || c == 13 { break }
                    if c == quote { return bad(.quoteInUnquotedField(field: fields.count + 1), at: current) }
                    i += 1
                }
                if i >= n && !final { return .needMore }
                if i - start > maxFieldBytes {
                    return bad(.fieldTooLong(field: fields.count + 1, limit: maxFieldBytes), at: current)
                }
                fields.append(RecordField(start: start, end: i, inScratch: false))
            }
            if i >= n { return .record(end: i, nextLine: current) }
            let c = p[i]
            if c == delimiter {
                i += 1
                continue
            }
            // end of record: \n, \r\n or \r
            if c == 13 {
                if i + 1 >= n && !final { return .needMore }
                i += 1
                if i < n, p[i] == 10 { i += 1 }
            } else {
                i += 1
            }
            return .record(end: i, nextLine: current + 1)
        }
    }

    /// One whitespace-separated record: fields are runs of anything but spaces, tabs and line breaks; no quoting. A
    /// line of only spaces gives no fields (the caller skips it like a blank line).
    static func whitespace(_ p: UnsafeBufferPointer<UInt8>, from: Int, line: Int, final: Bool,
                           fields: inout [RecordField]) -> ParsedRecord {
        let n = p.count
        var i = from
        fields.removeAll(keepingCapacity: true)
        while true {
            while i < n, p[i] == 32 || p[i] == 9 { i += 1 }
            if i >= n { return final ? .record(end: i, nextLine: line) : .needMore }
            let c = p[i]
            if c == 10 || c == 13 {
                if c == 13 {
                    if i + 1 >= n && !final { return .needMore }
                    i += 1
                    if i < n, p[i] == 10 { i += 1 }
                } else {
                    i += 1
                }
                return .record(end: i, nextLine: line + 1)
            }
            let start = i
            while i < n, p[i] != 32, p[i] != 9, p[i] != 10, p[i] != 13 { i += 1 }
            if i >= n && !final { return .needMore }
            fields.append(RecordField(start: start, end: i, inScratch: false))
        }
    }
}
