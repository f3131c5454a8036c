@testable import QualifyCore
import Testing

/// `nextVerbatim` must read exactly what `next(final:)` reads: a row it takes is the canonical encoding of the fields
/// `next` would give, and whatever it declines `next` reads as before.
@Suite struct CSVScannerVerbatimTests {
    enum Read: Equatable {
        case record([String], line: Int)
        case bad(line: Int, CSVProblem)
    }

    /// RFC 4180 as `qualify verify` writes it: quoted only when a field holds a comma, a quote or a line break.
    static func canonical(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(44) }
            let b = Array(f.utf8)
            if b.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
                out.append(34)
                for c in b {
                    if c == 34 { out.append(34) }
                    out.append(c)
                }
                out.append(34)
            } else {
                out += b
            }
        }
        return out
    }

    /// Every step of `next(final:)` alone.
    static func plain(_ bytes: [UInt8], chunk: Int, maxFieldBytes: Int) -> [Read] {
        var scanner = CSVScanner(maxFieldBytes: maxFieldBytes)
        var offset = 0, final = false
        var out: [Read] = []
        while true {
            switch scanner.next(final: final) {
            case .needMore:
                if offset < bytes.count {
                    scanner.append(bytes[offset..<min(bytes.count, offset + chunk)])
                    offset += chunk
                } else { final = true }
            case .end: return out
            case .record(let f, let line): out.append(.record(f, line: line))
            case .bad(let line, let p): out.append(.bad(line: line, p))
            }
        }
    }

    /// `nextVerbatim` first, `next(final:)` when it declines; verbatim rows are checked against `expected` as they come.
    static func mixed(_ bytes: [UInt8], chunk: Int, maxFieldBytes: Int, column: Int, expected: [Read]) -> (reads: [Read], verbatim: Int) {
        var scanner = CSVScanner(maxFieldBytes: maxFieldBytes)
        var offset = 0, final = false, verbatim = 0
        var out: [Read] = []
        while true {
            var row: [UInt8] = [9]  // bytes already there stay
            if out.count > 0, let v = scanner.nextVerbatim(final: final, column: column, appendingTo: &row) {
                verbatim += 1
                guard out.count < expected.count, case .record(let fields, let line) = expected[out.count] else {
                    Issue.record("verbatim row at line \(v.line) where next(final:) reads \(out.count < expected.count ? "\(expected[out.count])" : "nothing")")
                    return (out, verbatim)
                }
                #expect(Array(row.dropFirst()) == canonical(fields))
                #expect(v.line == line && v.fieldCount == fields.count)
                #expect(v.field == (column < fields.count ? fields[column] : ""))
                out.append(.record(fields, line: line))
                continue
            }
            #expect(row == [9], "a declined row appends nothing")
            switch scanner.next(final: final) {
            case .needMore:
                if offset < bytes.count {
                    scanner.append(bytes[offset..<min(bytes.count, offset + chunk)])
                    offset += chunk
                } else { final = true }
            case .end: return (out, verbatim)
            case .record(let f, let line): out.append(.record(f, line: line))
            case .bad(let line, let p): out.append(.bad(line: line, p))
            }
        }
    }

    static let tricky: [UInt8] = Array(#"""
        id,Email,Note\#r
        1,ana@acme.com,plain\#r
        2,"bo@acme.com",needless quotes
        3,cy@acme.com,"has, comma"
        4,dee@gmail.com,"has ""quote"""
        5,ed@acme.com,"multi
        line"\#r
        6,fi@acme.com
        7,gu@acme.com,a,b
        8,"ha@acme.com,x",q

        \#r
        9,in@acme.com,bad"quote
        10,josé@münchen.de,utf8\#r11,ok@x.com,"café, au lait"
        12,"x"y,after quote
        13,,empty
        14,"",empty quoted
        15,"""a b""@acme.com",quoted local
        16,"cr\#rinside@x.com",z
        17,q@x.com,"0123456789,123456789"
        18,q@x.com,"0123456789""23456789"
        19,q@x.com,"0123456789,1234567890"
        20,q@x.com,"01234567890123456""
        9",next
        21,q@x.com,012345678901234567890
        22,q@x.com,"0123456789012345678
        90",after a line break
        23,LAST@ACME.COM,"no newline at end"
        """#.utf8) + [10] + Array("24,a@b.co,\"x".utf8) + [0xFF] + Array(",\"\n25,a\u{0}b@x.co,n\n26,last@x.co,\"end,\"".utf8)

    @Test("Rows read verbatim are the canonical form of what next(final:) reads, at every chunk size", arguments: [1, 2, 3, 5, 16, 4096])
    func sameAsNext(chunk: Int) {
        let expected = Self.plain(Self.tricky, chunk: chunk, maxFieldBytes: 20)
        let (reads, verbatim) = Self.mixed(Self.tricky, chunk: chunk, maxFieldBytes: 20, column: 1, expected: expected)
        #expect(reads == expected)
        if chunk >= 16 { #expect(verbatim >= 12) }
    }

    @Test func onlyCanonicalRowsAreTakenVerbatim() {
        var scanner = CSVScanner()
        scanner.append(Array("h\n\"x,y\",\"z\"\"\"\n\"plain\",b\n".utf8))
        #expect(scanner.next(final: true) == .record(["h"], line: 1))
        var out: [UInt8] = []
        #expect(scanner.nextVerbatim(final: true, column: 0, appendingTo: &out) == .init(line: 2, fieldCount: 2, field: "x,y"))
        #expect(out == Array("\"x,y\",\"z\"\"\"".utf8))
        #expect(scanner.nextVerbatim(final: true, column: 0, appendingTo: &out) == nil)
        #expect(scanner.next(final: true) == .record(["plain", "b"], line: 3))
    }

    /// RecordParser copies a quoted field's bytes in runs; the size limit must stop it where CSVScanner stops.
    @Test("RecordParser reads like CSVScanner around the field size limit", arguments: [8, 9, 10, 11])
    func recordParserLimit(limit: Int) {
        // (a multi-line field that passes the limit after a line break is left out: there CSVScanner's line count
        // after the row is one short, a known quirk both readers do not share)
        let text = Array(#"""
            a,"0123456789"
            b,"012345678"""
            c,"0123456789xyz
            y"
            d,"01234567""9",z
            e,""""""""""""""
            g,"ab
            cd",z
            f,ok

            """#.utf8)
        var fromParser: [Read] = []
        var fields: [RecordField] = [], scratch: [UInt8] = []
        var i = 0, line = 1
        text.withUnsafeBufferPointer { p in
            while i < p.count {
                if p[i] == 10 || p[i] == 13 {
                    if p[i] == 10 { line += 1 }
                    i += 1
                    continue
                }
                switch RecordParser.csv(p, from: i, line: line, final: true, delimiter: 44, maxFieldBytes: limit,
                                        fields: &fields, scratch: &scratch) {
                case .record(let end, let next):
                    fromParser.append(.record(fields.map { f in RecordParser.withBytes(f, p, scratch) { String(decoding: $0, as: UTF8.self) } },
                                              line: line))
                    (i, line) = (end, next)
                case .bad(let problem, let at, let resume, let next):
                    fromParser.append(.bad(line: at, problem))
                    (i, line) = (resume, next)
                case .needMore:
                    Issue.record("needMore with final input")
                    return
                }
            }
        }
        #expect(fromParser == Self.plain(text, chunk: text.count, maxFieldBytes: limit))
    }
}
