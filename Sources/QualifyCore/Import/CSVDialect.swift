/// How a CSV file is written, read from its header line: the delimiter a CRM export uses (comma; semicolon where the
/// decimal separator is a comma, as Excel writes in much of Europe; tab) and the date a "Create Date" column holds.
public enum CSVDialect {
    /// The delimiters recognised, by the name `--delimiter` takes.
    public static let delimiters: [(name: String, byte: UInt8)] = [("comma", 44), ("semicolon", 59), ("tab", 9), ("pipe", 124)]

    /// The byte `--delimiter` names: `,` `;` `|`, `tab` (or `\t`), or a name above; nil when it names none.
    public static func delimiter(named text: String) -> UInt8? {
        switch text.lowercased() {
        case ",", "comma": return 44
        case ";", "semicolon": return 59
        case "\t", "\\t", "tab": return 9
        case "|", "pipe": return 124
        default: return nil
        }
    }

    /// The delimiter of the first line of `bytes` (a BOM skipped): whichever of comma, semicolon, tab and pipe occurs
    /// most often outside quotes; comma when none does (a one-column file).
    public static func sniffDelimiter(_ bytes: some Collection<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [44: 0, 59: 0, 9: 0, 124: 0]
        var quoted = false
        for c in bytes {
            if c == 34 { quoted.toggle(); continue }
            if quoted { continue }
            if c == 10 || c == 13 { break }
            if counts[c] != nil { counts[c]! += 1 }
        }
        let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!
        return best.value == 0 ? 44 : best.key
    }

    /// The time a lead's creation date names: ISO-8601 (with or without a time and zone), else a calendar date —
    /// `M/D/YYYY` (US, the default), `D/M/YYYY` with `dayFirst`, `D.M.YYYY`, `YYYY/MM/DD`, `YYYYMMDD`, each optionally
    /// followed by a time of day (read as that day, 00:00 UTC). Nil when it names no date (or an impossible one,
    /// like 25/03/2025 read month first: the caller reports it and suggests `--day-first`).
    public static func date(_ text: String, dayFirst: Bool) -> Timestamp? {
        let text = text.trimmingSpaces
        if let t = Timestamp(iso8601: text) { return t }
        return TransactionFields.day(text, dayFirst: dayFirst).map { Timestamp(millis: $0 * 86_400_000) }
    }

    /// The moment an event's time names: ISO-8601, else a calendar date as ``date(_:dayFirst:)`` reads it, optionally
    /// followed by a time of day `H:MM`, `H:MM:SS` or `H:MM:SS.fff`, with or without `AM`/`PM` (`3/1/2025 2:05 PM`), read
    /// as UTC. Nil when it names no moment, or the time of day is not one.
    public static func time(_ text: String, dayFirst: Bool) -> Timestamp? {
        let text = text.trimmingSpaces
        if let t = Timestamp(iso8601: text) { return t }
        guard let space = text.firstIndex(where: { $0 == " " || $0 == "T" }) else {
            return TransactionFields.day(text, dayFirst: dayFirst).map { Timestamp(millis: $0 * 86_400_000) }
        }
        guard let day = TransactionFields.day(String(text[..<space]), dayFirst: dayFirst),
              let millis = timeOfDay(String(text[text.index(after: space)...]).trimmingSpaces) else { return nil }
        return Timestamp(millis: day * 86_400_000 + millis)
    }

    /// Milliseconds into the day of `H:MM[:SS[.fff]][ AM|PM]`, or nil.
    static func timeOfDay(_ text: String) -> Int64? {
        var clock = text.uppercased()
        var meridiem: String?
        for suffix in ["AM", "PM"] where clock.hasSuffix(suffix) {
            meridiem = suffix
            clock = String(clock.dropLast(2)).trimmingSpaces
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts[0].count <= 2, parts[1].count == 2,
              var hour = Int64(parts[0]), let minute = Int64(parts[1]), minute < 60 else { return nil }
        var millis: Int64 = 0
        if parts.count == 3 {
            let secondParts = parts[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard secondParts[0].count == 2, let second = Int64(secondParts[0]), second < 60 else { return nil }
            millis = second * 1000
            if secondParts.count == 2 {
                let fraction = secondParts[1].prefix(3)
                guard !fraction.isEmpty, fraction.allSatisfy(\.isASCII), let f = Int64(fraction) else { return nil }
                millis += f * [100, 10, 1][fraction.count - 1]
            }
        }
        switch meridiem {
        case "AM"?:
            guard (1...12).contains(hour) else { return nil }
            if hour == 12 { hour = 0 }
        case "PM"?:
            guard (1...12).contains(hour) else { return nil }
            if hour != 12 { hour += 12 }
        default:
            guard hour < 24 else { return nil }
        }
        return (hour * 60 + minute) * 60_000 + millis
    }
}
