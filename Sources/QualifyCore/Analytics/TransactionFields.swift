/// Reading a transaction's date and amount straight from the bytes of a field (the import hot path: no `String` per
/// field, no Foundation formatter).
public enum TransactionFields {
    /// The day (days since 1970-01-01) a date field names, or nil.
    ///
    /// Accepted: ISO `2023-01-15` (also `2023/01/15`, `2023-1-5`) optionally followed by a time, where an ISO date-time
    /// with a zone (`2023-01-15T23:30:00-05:00`) is moved to its UTC day; `19970101` (YYYYMMDD, as CDNOW writes it);
    /// `1/15/2023` — month first, as US exports and spreadsheets write it, unless `dayFirst` — optionally followed by a
    /// time (`1/15/2023 10:30`, ignored); `15.01.2023` (dots are always day first). Years must have four digits.
    public static func day(_ b: UnsafeBufferPointer<UInt8>, dayFirst: Bool = false) -> Int64? {
        civil(b, dayFirst: dayFirst).map { Timestamp.days(fromCivil: $0.year, $0.month, $0.day) }
    }

    /// The UTC calendar date a date field names (see ``day(_:dayFirst:)``), or nil: months and quarters need no day
    /// count, so the import path skips the round trip through one.
    public static func civil(_ b: UnsafeBufferPointer<UInt8>, dayFirst: Bool = false) -> (year: Int64, month: Int64, day: Int64)? {
        let n = b.count
        var i = 0
        func number(maxDigits: Int) -> (value: Int64, digits: Int) {
            var v: Int64 = 0
            var k = 0
            while i < n, k < maxDigits, b[i] >= 48, b[i] <= 57 {
                v = v * 10 + Int64(b[i] - 48)
                i += 1
                k += 1
            }
            return (v, k)
        }
        let first = number(maxDigits: 8)
        let y: Int64, m: Int64, d: Int64
        if first.digits == 8 {
            y = first.value / 10_000
            m = first.value / 100 % 100
            d = first.value % 100
        } else if first.digits == 4 {
            guard i < n, b[i] == 45 || b[i] == 47 else { return nil }
            let separator = b[i]
            i += 1
            let month = number(maxDigits: 2)
            guard month.digits > 0, i < n, b[i] == separator else { return nil }
            i += 1
            let dayOfMonth = number(maxDigits: 2)
            guard dayOfMonth.digits > 0 else { return nil }
            (y, m, d) = (first.value, month.value, dayOfMonth.value)
            if i < n, separator == 45, month.digits == 2, dayOfMonth.digits == 2 {
                // an ISO date-time: let the full parser apply the zone
                guard let t = Timestamp(iso8601: String(decoding: b, as: UTF8.self)) else { return nil }
                let (cy, cm, cd) = Timestamp.civil(fromDays: t.millis.floorDivided(by: 86_400_000).0)
                return (cy, cm, cd)
            }
        } else if first.digits == 1 || first.digits == 2 {
            guard i < n, b[i] == 47 || b[i] == 46 || b[i] == 45 else { return nil }
            let separator = b[i]
            i += 1
            let second = number(maxDigits: 2)
            guard second.digits > 0, i < n, b[i] == separator else { return nil }
            i += 1
            let year = number(maxDigits: 4)
            guard year.digits == 4 else { return nil }
            y = year.value
            if separator == 46 || dayFirst {
                (d, m) = (first.value, second.value)
            } else {
                (m, d) = (first.value, second.value)
            }
        } else {
            return nil
        }
        if i < n {
            // a time after the date: `T` or a space, then only clock characters (read as the same day)
            guard b[i] == 32 || b[i] == 84 else { return nil }
            i += 1
            guard i < n, b[i] >= 48, b[i] <= 57 else { return nil }
            while i < n {
                let c = b[i] | 0x20
                guard (b[i] >= 48 && b[i] <= 58) || b[i] == 46 || b[i] == 32 || c == 97 || c == 112 || c == 109 else { return nil }
                i += 1
            }
        }
        guard y >= 1000, (1...12).contains(m), d >= 1, d <= Timestamp.daysInMonth(y, m) else { return nil }
        return (y, m, d)
    }

    /// The day a date text names (see ``day(_:dayFirst:)``).
    public static func day(_ text: String, dayFirst: Bool = false) -> Int64? {
        var text = text
        return text.withUTF8 { day($0, dayFirst: dayFirst) }
    }

    /// The number an amount field holds, or nil.
    ///
    /// Accepted: `1234.56`, `-12`, `+3.5`, `1,234.56` (commas only between groups of three digits), `$1,234.56`,
    /// `-$5`, `€12.50`, `£3`, `(12.50)` (accounting negative), `1.5e3`. A decimal comma (`12,50`) is refused rather than
    /// misread as 1250.
    public static func amount(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var lo = 0
        var hi = b.count
        var negative = false
        if hi - lo >= 2, b[lo] == 40, b[hi - 1] == 41 {  // (12.50)
            negative = true
            lo += 1
            hi -= 1
        }
        func skipCurrency() {
            if lo < hi, b[lo] == 36 { lo += 1 }  // $
            else if hi - lo >= 3, b[lo] == 0xE2, b[lo + 1] == 0x82, b[lo + 2] == 0xAC { lo += 3 }  // €
            else if hi - lo >= 2, b[lo] == 0xC2, b[lo + 1] == 0xA3 { lo += 2 }  // £
        }
        skipCurrency()
        if lo < hi, b[lo] == 45 || b[lo] == 43 {
            if b[lo] == 45 { negative.toggle() }
            lo += 1
        }
        skipCurrency()
        guard lo < hi else { return nil }
        var mantissa: UInt64 = 0
        var significant = 0
        var fraction = 0
        var digits = 0
        var groupDigits = -1  // digits since the last thousands comma (-1: none seen)
        var i = lo
        while i < hi {
            let c = b[i]
            if c >= 48, c <= 57 {
                if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(c - 48)
                    if mantissa > 0 { significant += 1 }
                } else {
                    return slowAmount(b, lo, hi, negative)
                }
                digits += 1
                if groupDigits >= 0 { groupDigits += 1 }
            } else if c == 44 {
                guard digits > 0, groupDigits == -1 || groupDigits == 3 else { return nil }
                groupDigits = 0
            } else {
                break
            }
            i += 1
        }
        guard groupDigits == -1 || groupDigits == 3 else { return nil }
        if i < hi, b[i] == 46 {
            i += 1
            while i < hi, b[i] >= 48, b[i] <= 57 {
                if significant >= 19 { return slowAmount(b, lo, hi, negative) }
                mantissa = mantissa * 10 + UInt64(b[i] - 48)
                if mantissa > 0 { significant += 1 }
                fraction += 1
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < hi {
            guard b[i] | 0x20 == 101 else { return nil }  // e / E
            return slowAmount(b, lo, hi, negative)
        }
        // Exact: a mantissa below 2^53 divided by an exact power of ten is correctly rounded.
        let value: Double
        if significant <= 15, fraction < powersOfTen.count {
            value = Double(mantissa) / powersOfTen[fraction]
        } else {
            return slowAmount(b, lo, hi, negative)
        }
        return negative ? -value : value
    }

    /// The number an amount text holds (see ``amount(_:)``).
    public static func amount(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { amount($0) }
    }

    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { acc, _ in acc * 10 } }

    /// Long mantissas and exponents: Swift's own (correctly rounded) parser on the text without thousands commas.
    private static func slowAmount(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ negative: Bool) -> Double? {
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]).filter { $0 != 44 }, as: UTF8.self)
        // the sign and currency are already consumed: the rest must start with a digit or a point
        guard let lead = text.utf8.first, (lead >= 48 && lead <= 57) || lead == 46,
              let v = Double(text), v.isFinite else { return nil }
        return negative ? -v : v
    }
}
