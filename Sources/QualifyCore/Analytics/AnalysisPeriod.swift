/// The calendar bucket revenue is summed into for the XYZ analysis: ISO weeks (Monday to Sunday), calendar months or
/// calendar quarters, all in UTC.
///
/// A period is an `Int` counted from the Unix epoch so consecutive periods differ by one and "periods between first and
/// last" is a subtraction: months are `year × 12 + month − 1`, quarters `year × 4 + (month − 1) / 3`, weeks the number
/// of Mondays since the Monday before 1970-01-01 (which was a Thursday).
public enum AnalysisPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case week, month, quarter

    /// The period that contains a day (days since 1970-01-01, UTC).
    public func index(ofDay day: Int64) -> Int {
        switch self {
        case .week:
            // 1969-12-29 (day −3) was a Monday: shift so Mondays start a bucket, then floor-divide.
            let shifted = day + 3
            return Int(shifted >= 0 ? shifted / 7 : (shifted - 6) / 7)
        case .month:
            let (y, m, _) = Timestamp.civil(fromDays: day)
            return Int(y * 12 + m - 1)
        case .quarter:
            let (y, m, _) = Timestamp.civil(fromDays: day)
            return Int(y * 4 + (m - 1) / 3)
        }
    }

    /// The period that contains a calendar date (month 1–12).
    public func index(year: Int64, month: Int64, day: Int64) -> Int {
        switch self {
        case .week: return index(ofDay: Timestamp.days(fromCivil: year, month, day))
        case .month: return Int(year * 12 + month - 1)
        case .quarter: return Int(year * 4 + (month - 1) / 3)
        }
    }

    /// The period that contains a moment.
    public func index(of time: Timestamp) -> Int {
        index(ofDay: time.millis.floorDivided(by: 86_400_000).0)
    }

    /// The first day of a period (days since 1970-01-01).
    public func firstDay(of index: Int) -> Int64 {
        let i = Int64(index)
        switch self {
        case .week: return i * 7 - 3
        case .month:
            let (y, m) = i.floorDivided(by: 12)
            return Timestamp.days(fromCivil: y, m + 1, 1)
        case .quarter:
            let (y, q) = i.floorDivided(by: 4)
            return Timestamp.days(fromCivil: y, q * 3 + 1, 1)
        }
    }

    /// `2023-W03` is not used for weeks because ISO week-years confuse readers at New Year; a week is named by its
    /// Monday: `2023-01-16`. Months are `2023-01`, quarters `2023-Q1`.
    public func label(of index: Int) -> String {
        let i = Int64(index)
        switch self {
        case .week:
            return Timestamp(millis: firstDay(of: index) * 86_400_000).isoDate
        case .month:
            let (y, m) = i.floorDivided(by: 12)
            return "\(y)-\(m < 9 ? "0" : "")\(m + 1)"
        case .quarter:
            let (y, q) = i.floorDivided(by: 4)
            return "\(y)-Q\(q + 1)"
        }
    }

    /// "weekly", "monthly", "quarterly": for the generated group descriptions.
    public var adjective: String {
        switch self {
        case .week: return "weekly"
        case .month: return "monthly"
        case .quarter: return "quarterly"
        }
    }
}
