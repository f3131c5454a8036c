/// A JSON string token read from bytes, for the hand-written JSON readers (``FlatJSON``, the API's batch body).
public enum JSONText {
    /// The string whose opening quote is at `b[i]`, with `i` moved past its closing quote; nil when no whole string
    /// starts there or it holds an escape JSON does not have.
    ///
    /// `strict` refuses what a JSON parser refuses — a raw control character, a lone surrogate escape, bytes that are
    /// not UTF-8; lenient, those are kept (a lone surrogate and bad bytes as U+FFFD), as for the stored form, which
    /// only ``FlatJSON`` writes.
    public static func string(_ b: UnsafeBufferPointer<UInt8>, at i: inout Int, strict: Bool) -> String? {
        guard i < b.count, b[i] == 0x22 else { return nil }
        var k = i + 1
        let start = k
        // most strings hold no escape: made straight from the bytes
        while k < b.count, b[k] != 0x22, b[k] != 0x5C, !strict || b[k] >= 0x20 { k += 1 }
        guard k < b.count else { return nil }
        if b[k] == 0x22 {
            i = k + 1
            return text(UnsafeBufferPointer(rebasing: b[start..<k]), strict: strict)
        }
        var raw = Array(b[start..<k])
        while k < b.count {
            let c = b[k]
            if c == 0x22 {
                i = k + 1
                return raw.withUnsafeBufferPointer { text($0, strict: strict) }
            }
            if c != 0x5C {
                if strict, c < 0x20 { return nil }
                raw.append(c)
                k += 1
                continue
            }
            k += 1
            guard k < b.count else { return nil }
            switch b[k] {
            case 0x22, 0x5C, 0x2F: raw.append(b[k])
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "u"):
                guard var code = hex4(b, k + 1) else { return nil }
                k += 4
                if (0xD800..<0xDC00).contains(code), k + 6 < b.count, b[k + 1] == 0x5C, b[k + 2] == UInt8(ascii: "u"),
                   let low = hex4(b, k + 3), (0xDC00..<0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    k += 6
                }
                if let scalar = Unicode.Scalar(code) {
                    raw.append(contentsOf: String(scalar).utf8)
                } else if strict {
                    return nil
                } else {
                    raw.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD
                }
            default: return nil
            }
            k += 1
        }
        return nil
    }

    /// Appends `s` as a JSON string, byte by byte (only ASCII bytes are escaped, so a multi-byte character passes
    /// whole). `likeFoundation`: as Foundation's `JSONEncoder` writes it (`\/`, `\b`, `\f`), for answers that must
    /// equal the generated code's; otherwise as the stored form has always been written (`/` as is, `\u0008`).
    public static func appendQuoted(_ s: String, to out: inout [UInt8], likeFoundation: Bool) {
        out.append(0x22)
        for c in s.utf8 {
            switch c {
            case 0x22, 0x5C: out.append(0x5C); out.append(c)
            case 0x2F where likeFoundation: out.append(0x5C); out.append(c)
            case 0x08 where likeFoundation: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C where likeFoundation: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(0x22)
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool) -> String? {
        strict ? String(validating: bytes, as: UTF8.self) : String(decoding: bytes, as: UTF8.self)
    }

    private static func hex4(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= b.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = b[at + k]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x37)
            case 0x61...0x66: digit = UInt32(c - 0x57)
            default: return nil
            }
            value = value * 16 + digit
        }
        return value
    }
}
