/// A JSON object of text values (`{"url":"/pricing"}`): the stored form of event properties and lead fields.
///
/// Hand-written rather than Foundation's coders because it runs once per event on ingest and on every replay, where
/// the general coders cost more than the scoring itself; it reads and writes only this one shape.
public enum FlatJSON {
    public static func encode(_ values: [String: String]) -> String {
        if values.isEmpty { return "{}" }
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        out.append(UInt8(ascii: "{"))
        for key in values.keys.sorted() {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(values[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string of `s`, byte by byte: only ASCII bytes are ever escaped, so a multi-byte character passes whole.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(34)
        var s = s
        s.withUTF8 { bytes in
            for c in bytes {
                switch c {
                case 34: out.append(92); out.append(34)
                case 92: out.append(92); out.append(92)
                case 10: out.append(92); out.append(UInt8(ascii: "n"))
                case 13: out.append(92); out.append(UInt8(ascii: "r"))
                case 9: out.append(92); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
                default: out.append(c)
                }
            }
        }
        out.append(34)
    }

    /// Reads an object whose values are strings; nil when the text is not one.
    public static func decode(_ text: String) -> [String: String]? {
        var text = text
        return text.withUTF8 { decode($0) }
    }

    static func decode(_ b: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        var i = 0
        func skip() { while i < b.count, b[i] == 32 || b[i] == 10 || b[i] == 13 || b[i] == 9 { i += 1 } }
        func string() -> String? {
            guard i < b.count, b[i] == 34 else { return nil }
            i += 1
            // most values hold no escape: made straight from the bytes (a value per property of every event replayed)
            let start = i
            while i < b.count, b[i] != 34, b[i] != 92 { i += 1 }
            guard i < b.count else { return nil }
            if b[i] == 34 {
                defer { i += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            }
            var raw = Array(b[start..<i])
            while i < b.count {
                let c = b[i]
                if c == 34 { i += 1; return String(decoding: raw, as: UTF8.self) }
                if c == 92 {
                    i += 1
                    guard i < b.count else { return nil }
                    switch b[i] {
                    case 34: raw.append(34)
                    case 92: raw.append(92)
                    case 47: raw.append(47)
                    case 98: raw.append(8)
                    case 102: raw.append(12)
                    case 110: raw.append(10)
                    case 114: raw.append(13)
                    case 116: raw.append(9)
                    case 117:
                        guard var code = hex4(i + 1) else { return nil }
                        i += 4
                        if (0xD800..<0xDC00).contains(code), i + 6 < b.count, b[i + 1] == 92, b[i + 2] == 117,
                           let low = hex4(i + 3), (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                        raw.append(contentsOf: Array(String(scalar).utf8))
                    default: return nil
                    }
                    i += 1
                } else {
                    raw.append(c)
                    i += 1
                }
            }
            return nil
        }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= b.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = b[at + k]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 65...70: d = UInt32(c - 55)
                case 97...102: d = UInt32(c - 87)
                default: return nil
                }
                v = v * 16 + d
            }
            return v
        }
        skip()
        guard i < b.count, b[i] == 123 else { return nil }
        i += 1
        var out: [String: String] = [:]
        skip()
        if i < b.count, b[i] == 125 { i += 1; skip(); return i == b.count ? out : nil }
        while true {
            skip()
            guard let key = string() else { return nil }
            skip()
            guard i < b.count, b[i] == 58 else { return nil }
            i += 1
            skip()
            guard let value = string() else { return nil }
            out[key] = value
            skip()
            guard i < b.count else { return nil }
            if b[i] == 44 { i += 1; continue }
            if b[i] == 125 { i += 1; break }
            return nil
        }
        skip()
        return i == b.count ? out : nil
    }
}
