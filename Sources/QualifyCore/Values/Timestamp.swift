/// A point in time, in milliseconds since 1970-01-01T00:00:00Z (UTC).
///
/// The core never reads a clock: every function that needs "now" takes a `Timestamp`.
public struct Timestamp: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(seconds: Int64) { self.millis = seconds * 1000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.millis < rhs.millis }

    public func adding(_ span: TimeSpan) -> Timestamp { Timestamp(millis: millis + span.millis) }
    public func subtracting(_ span: TimeSpan) -> Timestamp { Timestamp(millis: millis - span.millis) }
    public func span(since other: Timestamp) -> TimeSpan { TimeSpan(millis: millis - other.millis) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let parsed = Timestamp(iso8601: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO-8601 date or date-time")
            }
            self = parsed
        } else {
            self.millis = try container.decode(Int64.self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }

    public var description: String { iso8601 }

    /// `2026-03-01T10:15:00Z`, with milliseconds only when they are not zero.
    public var iso8601: String {
        let (days, msOfDay) = millis.floorDivided(by: 86_400_000)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let h = msOfDay / 3_600_000
        let mi = (msOfDay / 60_000) % 60
        let s = (msOfDay / 1000) % 60
        let ms = msOfDay % 1000
        var out = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2))"
        if ms != 0 { out += ".\(pad(ms, 3))" }
        return out + "Z"
    }

    /// `2026-03-01`
    public var isoDate: String {
        let (days, _) = millis.floorDivided(by: 86_400_000)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, `±HH:MM` or no zone (read as UTC),
    /// and a space instead of `T`. Hand-written because Foundation's formatters are slow on the import path
    /// and the core has no dependencies.
    public init?(iso8601 text: some StringProtocol) {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = digits(4), expect(45), let mo = digits(2), expect(45), let d = digits(2) else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= Timestamp.daysInMonth(y, mo) else { return nil }
        var ms: Int64 = 0
        if i < b.count {
            guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
            i += 1
            guard let h = digits(2), expect(58), let mi = digits(2), h < 24, mi < 60 else { return nil }
            ms = (h * 3600 + mi * 60) * 1000
            if expect(58) {
                guard let s = digits(2), s < 61 else { return nil }
                ms += min(s, 59) * 1000
                if expect(46) || expect(44) {
                    var scale: Int64 = 100
                    var any = false
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        ms += Int64(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                        any = true
                    }
                    guard any else { return nil }
                }
            }
            if i < b.count {
                if b[i] == 90 || b[i] == 122 {
                    i += 1
                } else if b[i] == 43 || b[i] == 45 {
                    let sign: Int64 = b[i] == 43 ? 1 : -1
                    i += 1
                    guard let oh = digits(2) else { return nil }
                    _ = expect(58)
                    guard let om = digits(2), oh < 24, om < 60 else { return nil }
                    ms -= sign * (oh * 3600 + om * 60) * 1000
                } else {
                    return nil
                }
            }
            guard i == b.count else { return nil }
        }
        self.millis = Timestamp.days(fromCivil: y, mo, d) * 86_400_000 + ms
    }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithm (public domain), proleptic Gregorian calendar.
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}

private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension Int64 {
    func floorDivided(by d: Int64) -> (Int64, Int64) {
        let q = self >= 0 ? self / d : (self - d + 1) / d
        return (q, self - q * d)
    }
}

/// A length of time, e.g. a half-life or a cap window. Written in a model as `30d`, `12h`, `90m`, `2w`.
public struct TimeSpan: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var millis: Int64
    public init(millis: Int64) { self.millis = millis }
    public static func days(_ n: Int64) -> TimeSpan { TimeSpan(millis: n * 86_400_000) }
    public static func hours(_ n: Int64) -> TimeSpan { TimeSpan(millis: n * 3_600_000) }
    public static func seconds(_ n: Int64) -> TimeSpan { TimeSpan(millis: n * 1_000) }
    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.millis < rhs.millis }

    /// Parses `<integer><unit>` with unit `w`, `d`, `h`, `m` or `s`.
    public init?(text: String) {
        let t = text.trimmingSpaces
        guard let unit = t.last, let n = Int64(t.dropLast()), n >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "w": scale = 7 * 86_400_000
        case "d": scale = 86_400_000
        case "h": scale = 3_600_000
        case "m": scale = 60_000
        case "s": scale = 1000
        default: return nil
        }
        let (product, overflow) = n.multipliedReportingOverflow(by: scale)
        if overflow { return nil }
        self.millis = product
    }

    public var description: String {
        for (unit, scale) in [("w", Int64(7 * 86_400_000)), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where millis != 0 && millis % scale == 0 {
            return "\(millis / scale)\(unit)"
        }
        return "\(millis)ms"
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks (no Foundation in the core).
    public var trimmingSpaces: String {
        // Fast path (the import hot path): nothing to trim when both ends are visible ASCII.
        let whole = String(self)
        if let first = whole.utf8.first, let last = whole.utf8.last, first > 32, first < 128, last > 32, last < 128 {
            return whole
        }
        if whole.isEmpty { return "" }
        let scalars = whole.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
