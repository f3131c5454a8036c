import Foundation
import QualifyCore

/// Formats verified rows as CSV (RFC 4180: a field is quoted when it holds a comma, a quote or a line break, and inner
/// quotes are doubled) or as JSON lines.
struct VerifyFormatter: Sendable {
    let format: EmailFileVerifier.Format
    let headers: [String]
    let withDNS: Bool

    /// The columns added after the input's own.
    static func added(withDNS: Bool) -> [String] {
        ["verdict", "reasons", "suggestion", "normalized"] + (withDNS ? ["dns"] : [])
    }

    func header() -> [UInt8] {
        guard format == .csv else { return [] }
        var out: [UInt8] = []
        for (i, h) in (headers + Self.added(withDNS: withDNS)).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendCSV(h, to: &out)
        }
        out.append(10)
        return out
    }

    /// Appends row `i` of `batch` with its result: the row's CSV bytes and the added columns, or a JSON line.
    func append(_ batch: VerifyRowReader.Batch, _ i: Int, bytes: UnsafeBufferPointer<UInt8>, result: EmailVerification,
                to out: inout [UInt8]) {
        switch format {
        case .csv:
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(i == 0 ? 0 : batch.ends[i - 1])..<batch.ends[i]]))
            out.append(UInt8(ascii: ","))
            appendAddedColumns(result, to: &out)
        case .jsonl:
            appendJSONRow(batch.rows[i], line: batch.lines[i], result: result, to: &out)
        }
    }

    /// The verdict columns of a CSV row, from the comma before them to the line break.
    func appendAddedColumns(_ result: EmailVerification, to out: inout [UInt8]) {
        Self.appendPlain(result.verdict.label, to: &out)
        out.append(UInt8(ascii: ","))
        // the verdict's reasons, then the notes (what `result.reasons` gives, without making an array a row)
        var first = true
        func reason(_ r: HygieneReason) {
            if !first { out.append(UInt8(ascii: ";")) }
            first = false
            Self.appendPlain(r.rawValue, to: &out)
        }
        switch result.verdict {
        case .valid: break
        case .risky(let rs): rs.forEach(reason)
        case .invalid(let r), .unknown(let r): reason(r)
        }
        result.notes.forEach(reason)
        out.append(UInt8(ascii: ","))
        if let s = result.suggestion { Self.appendCSV(s, to: &out) }
        out.append(UInt8(ascii: ","))
        if let n = result.normalized { Self.appendCSV(n, to: &out) }
        if withDNS {
            out.append(UInt8(ascii: ","))
            if let d = result.dns { out.append(contentsOf: d.code.utf8) }
        }
        out.append(10)
    }

    func appendJSONRow(_ row: [String], line: Int, result: EmailVerification, to out: inout [UInt8]) {
        out.append(contentsOf: "{\"line\":\(line),\"email\":".utf8)
        Self.appendJSON(result.input, to: &out)
        out.append(contentsOf: ",\"verdict\":".utf8)
        Self.appendJSON(result.verdict.label, to: &out)
        out.append(contentsOf: ",\"reasons\":[".utf8)
        for (i, r) in result.reasons.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendJSON(r.rawValue, to: &out)
        }
        out.append(contentsOf: "],\"suggestion\":".utf8)
        Self.appendJSON(result.suggestion, to: &out)
        out.append(contentsOf: ",\"normalized\":".utf8)
        Self.appendJSON(result.normalized, to: &out)
        if withDNS {
            out.append(contentsOf: ",\"dns\":".utf8)
            Self.appendJSON(result.dns?.code, to: &out)
        }
        out.append(contentsOf: ",\"detail\":".utf8)
        Self.appendJSON(result.detail, to: &out)
        out.append(contentsOf: ",\"row\":{".utf8)
        for (i, (h, v)) in zip(headers, row).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendJSON(h, to: &out)
            out.append(UInt8(ascii: ":"))
            Self.appendJSON(v, to: &out)
        }
        out.append(contentsOf: "}}\n".utf8)
    }

    static func appendCSV(_ field: String, to out: inout [UInt8]) {
        var field = field
        field.withUTF8 { b in
            var needsQuotes = false
            for c in b where c == 44 || c == 34 || c == 10 || c == 13 {  // , " LF CR
                needsQuotes = true
                break
            }
            guard needsQuotes else {
                out.append(contentsOf: b)
                return
            }
            out.append(34)
            for c in b {
                if c == 34 { out.append(34) }
                out.append(c)
            }
            out.append(34)
        }
    }

    /// Appends text known to need no quoting (codes, labels).
    static func appendPlain(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    static func appendJSON(_ s: String?, to out: inout [UInt8]) {
        guard let s else {
            out.append(contentsOf: "null".utf8)
            return
        }
        out.append(34)
        for b in s.utf8 {
            switch b {
            case 34: out.append(contentsOf: [92, 34])
            case 92: out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, 110])
            case 13: out.append(contentsOf: [92, 114])
            case 9: out.append(contentsOf: [92, 116])
            case 0..<32:
                let hex = String(b, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: out.append(b)
            }
        }
        out.append(34)
    }
}
