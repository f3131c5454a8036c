/// A cell written to a CSV file that people open in a spreadsheet (the queue's export, quarantined rows, the ABC-XYZ
/// and ICP files): RFC 4180 quoting, and CSV injection neutralised as OWASP recommends — a text that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would run as a formula in Excel, LibreOffice or Sheets, so it is written
/// with a leading apostrophe (`'=HYPERLINK(…)`) and quoted. A plain number (`-12.5`, `+3`, `1e-3`) is left as it is.
/// Files that echo a user's own rows back (`verify --out`, `predict --out`) and files Qualify reads again
/// (`train --from-store --table`) are written verbatim.
public enum CSVCell {
    public static func field(_ text: String) -> String {
        var out: [UInt8] = []
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            let formula = bytes.first.map { [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13].contains($0) } == true
                && !isPlainNumber(bytes)
            let quoted = formula || bytes.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            guard quoted else {
                out.append(contentsOf: bytes)
                return
            }
            out.append(34)
            if formula { out.append(UInt8(ascii: "'")) }
            for b in bytes {
                if b == 34 { out.append(34) }
                out.append(b)
            }
            out.append(34)
        }
    }

    /// RFC 4180 quoting alone, the text kept verbatim: for files Qualify or the user's own tools read back (the demo's
    /// data, `train --from-store --table`, rows echoed by `predict --out`).
    public static func verbatim(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var out = "\""
        for c in text {
            if c == "\"" { out.append("\"") }
            out.append(c)
        }
        return out + "\""
    }

    /// `[+-]digits[.digits][e[+-]digits]` (or `.digits`), nothing else.
    static func isPlainNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == 43 || bytes[i] == 45 { i += 1 }
        var mantissa = digits()
        if i < bytes.count, bytes[i] == 46 {
            i += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if i < bytes.count, bytes[i] == 101 || bytes[i] == 69 {
            i += 1
            if i < bytes.count, bytes[i] == 43 || bytes[i] == 45 { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == bytes.count
    }
}
