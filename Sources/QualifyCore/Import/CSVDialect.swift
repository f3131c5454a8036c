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
}
