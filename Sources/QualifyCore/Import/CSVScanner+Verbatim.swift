extension CSVScanner {
    /// A record read by ``CSVScanner/nextVerbatim(final:column:appendingTo:)``.
    public struct VerbatimRecord: Sendable, Hashable {
        /// The line the record starts on (1-based).
        public var line: Int
        /// How many fields the record has.
        public var fieldCount: Int
        /// The text of the requested column; empty when the record has fewer fields.
        public var field: String
    }

    /// The next record when its bytes are already in canonical form: each field quoted exactly when it holds the
    /// delimiter, a quote, CR or LF (inner quotes doubled), valid UTF-8, no NUL. Its bytes, without the line break, are
    /// appended to `out` and only field `column` is decoded. Anything else (a field quoted without need, any problem,
    /// a record that does not end within the bytes appended so far) returns nil and consumes nothing: call
    /// ``next(final:)`` then, which reads the record field by field, names its problem or asks for more.
    ///
    /// For `qualify verify`, which writes every row back with columns added: copying a canonical row's bytes gives the
    /// same output as decoding every field into a `String` and quoting it again, at a fraction of the cost. The rules
    /// are the same as ``next(final:)``'s: ``RecordParser`` splits the record, and nil leaves every doubtful case to
    /// ``next(final:)``.
    public mutating func nextVerbatim(final: Bool, column: Int, appendingTo out: inout [UInt8]) -> VerbatimRecord? {
        guard startedBOMCheck, skipping == nil else { return nil }
        // skip blank lines, as next(final:) does
        while position < buffer.count, buffer[position] == 10 || buffer[position] == 13 {
            if buffer[position] == 10 { line += 1 }
            position += 1
        }
        guard position < buffer.count else { return nil }
        var fields = verbatimFields, scratch = verbatimScratch
        verbatimFields = []
        verbatimScratch = []
        defer {
            verbatimFields = fields
            verbatimScratch = scratch
        }
        let (start, line, delimiter, maxFieldBytes) = (position, self.line, self.delimiter, self.maxFieldBytes)
        let read = buffer.withUnsafeBufferPointer { p -> (end: Int, nextLine: Int, field: String)? in
            let parsed = RecordParser.csv(p, from: start, line: line, final: final, delimiter: delimiter,
                                          maxFieldBytes: maxFieldBytes, fields: &fields, scratch: &scratch)
            guard case .record(let end, let nextLine) = parsed else { return nil }
            // canonical quoting: a quoted field must need its quotes
            for f in fields where f.inScratch {
                var needed = false
                for c in scratch[f.start..<f.end] where c == delimiter || c == 34 || c == 10 || c == 13 {
                    needed = true
                    break
                }
                if !needed { return nil }
            }
            var stop = end
            if stop > start, p[stop - 1] == 10 { stop -= 1 }
            if stop > start, p[stop - 1] == 13 { stop -= 1 }
            let raw = UnsafeBufferPointer(rebasing: p[start..<stop])
            // UTF-8 and NUL over the whole record: delimiters and quotes are ASCII, so this is the same as per field
            var any: UInt8 = 0
            for c in raw {
                if c == 0 { return nil }
                any |= c
            }
            if any >= 0x80, String(validating: raw, as: UTF8.self) == nil { return nil }
            out.append(contentsOf: raw)
            let field = column < fields.count
                ? RecordParser.withBytes(fields[column], p, scratch) { String(decoding: $0, as: UTF8.self) } : ""
            return (end, nextLine, field)
        }
        guard let read else { return nil }
        position = read.end
        self.line = read.nextLine
        return VerbatimRecord(line: line, fieldCount: fields.count, field: read.field)
    }
}
