/// Punycode (RFC 3492): the Bootstring encoding that IDNA uses to write a Unicode domain label in ASCII
/// (`münchen` ↔ `mnchen-3ya`, shown in DNS as `xn--mnchen-3ya`).
///
/// Hand-written because none of the libraries this project may use does it: the Swift standard library has no IDNA,
/// Foundation on Linux does not convert host names, and the listed packages (NIO, Hummingbird, AsyncHTTPClient …)
/// pass ASCII host names through. The algorithm is section 6 of the RFC, with its overflow checks; it is tested
/// against the RFC's own samples (section 7.1).
public enum Punycode {
    static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 0x80
    /// Decoding stops beyond this many code points (a DNS label holds at most 63 bytes; this is generous).
    static let maxCodePoints = 256

    /// Encodes code points as Punycode (without the `xn--` prefix); basic (ASCII) code points are copied as they are.
    /// Nil when the input is too long to encode without overflow.
    public static func encode(_ input: some Collection<Unicode.Scalar>) -> String? {
        let codes = input.map { Int($0.value) }
        guard codes.count <= maxCodePoints else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(codes.count + 8)
        for c in codes where c < 0x80 { output.append(UInt8(c)) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN, delta = 0, bias = initialBias
        while handled < codes.count {
            // the smallest code point not yet handled (labels are short: a linear scan is fine)
            var m = Int.max
            for c in codes where c >= n && c < m { m = c }
            let (step, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= Int(Int32.max) - step else { return nil }
            delta += step
            n = m
            for c in codes {
                if c < n {
                    delta += 1
                    guard delta <= Int(Int32.max) else { return nil }
                }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = threshold(k, bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, firstTime: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes Punycode (without the `xn--` prefix) to code points. Nil when the text is not valid Punycode: a
    /// non-ASCII character, a bad digit, an overflow, or a result that is not a Unicode scalar or is a basic code
    /// point that should have been written literally.
    public static func decode(_ input: some StringProtocol) -> [Unicode.Scalar]? {
        let bytes = Array(input.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var output: [Unicode.Scalar] = []
        var position = 0
        if let dash = bytes.lastIndex(of: UInt8(ascii: "-")), dash > 0 {
            for b in bytes[..<dash] { output.append(Unicode.Scalar(b)) }
            position = dash + 1
        }
        var n = initialN, i = 0, bias = initialBias
        let limit = Int(Int32.max)
        while position < bytes.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard position < bytes.count, let d = digitValue(bytes[position]) else { return nil }
                position += 1
                guard d <= (limit - i) / w else { return nil }
                i += d * w
                let t = threshold(k, bias)
                if d < t { break }
                guard w <= limit / (base - t) else { return nil }
                w *= base - t
                k += base
            }
            let count = output.count + 1
            bias = adapt(i - oldI, count, firstTime: oldI == 0)
            guard i / count <= limit - n else { return nil }
            n += i / count
            i %= count
            guard n >= 0x80, let scalar = Unicode.Scalar(UInt32(n)), output.count < maxCodePoints else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    static func threshold(_ k: Int, _ bias: Int) -> Int {
        k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
    }

    static func adapt(_ delta: Int, _ count: Int, firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    static func digit(_ d: Int) -> UInt8 {
        d < 26 ? UInt8(ascii: "a") + UInt8(d) : UInt8(ascii: "0") + UInt8(d - 26)
    }

    static func digitValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(b - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(b - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(b - UInt8(ascii: "0")) + 26
        default: return nil
        }
    }
}
