/// A time zone's offset from UTC at an instant: what the core needs of a zone to place working hours. The core reads
/// no zone database; the caller passes the system's rules (QualifyApp wraps Foundation's `TimeZone`), tests may pass
/// fixed rules.
public protocol ZoneRules: Sendable {
    /// Seconds east of UTC in force at `instant` (e.g. 3,600 for Berlin in winter, 7,200 in summer).
    func offsetSeconds(at instant: Timestamp) -> Int
}

/// A zone with one offset all year (UTC, or a test's fixed zone).
public struct FixedOffset: ZoneRules, Hashable {
    public var seconds: Int
    public init(seconds: Int) { self.seconds = seconds }
    public static let utc = FixedOffset(seconds: 0)
    public func offsetSeconds(at instant: Timestamp) -> Int { seconds }
}

public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    /// The weekday of a day counted from 1970-01-01 (a Thursday).
    public init(daysSinceEpoch day: Int64) {
        let index = Int(((day + 3) % 7 + 7) % 7)
        self = Weekday.allCases[index]
    }

    public static func < (a: Weekday, b: Weekday) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A date on the calendar without a time or zone (a holiday).
public struct CivilDate: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// `2026-12-25`; nil when not such a date (month 13, February 30).
    public init?(text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= Int(Timestamp.daysInMonth(Int64(y), Int64(m))) else { return nil }
        (year, month, day) = (y, m, d)
    }

    public init(daysSinceEpoch: Int64) {
        let (y, m, d) = Timestamp.civil(fromDays: daysSinceEpoch)
        (year, month, day) = (Int(y), Int(m), Int(d))
    }

    public var daysSinceEpoch: Int64 { Timestamp.days(fromCivil: Int64(year), Int64(month), Int64(day)) }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}

/// When a person works: a time zone, working days, one span of hours a day, and holidays. Used to set an SLA's due
/// time in working time ("within 2 working hours"): a lead routed on Friday at 16:30 to someone working 09:00–17:00
/// Monday to Friday is due on Monday at 10:30.
public struct WorkingCalendar: Sendable, Hashable, Codable {
    /// An IANA zone name (`Europe/Berlin`); its rules are given to the arithmetic as ``ZoneRules``.
    public var zone: String
    public var days: [Weekday]
    /// Minutes after local midnight: the working day's start and end (start < end).
    public var startMinute: Int
    public var endMinute: Int
    public var holidays: [CivilDate]

    public init(zone: String, days: [Weekday], startMinute: Int, endMinute: Int, holidays: [CivilDate] = []) {
        self.zone = zone
        self.days = days.sorted()
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.holidays = holidays.sorted()
    }

    /// How far ahead the arithmetic looks for working time before it gives up (a calendar whose every day is a
    /// holiday): ten years of days.
    static let horizonDays: Int64 = 3_660

    /// The instant at which `span` of working time has passed since `start`. Time outside working hours does not
    /// count; a start outside them counts from the next working hour. Each local day's hours are placed with the
    /// offset in force that day, so a daylight-saving change moves them as the people's clocks move.
    public func adding(_ span: TimeSpan, to start: Timestamp, zone rules: any ZoneRules) -> Timestamp {
        var remaining = span.millis
        if remaining <= 0 { return start }
        var day = localDay(of: start, rules)
        let holidays = Set(self.holidays.map(\.daysSinceEpoch))
        let working = Set(days)
        for _ in 0..<Self.horizonDays {
            defer { day += 1 }
            guard working.contains(Weekday(daysSinceEpoch: day)), !holidays.contains(day) else { continue }
            let open = instant(day: day, minute: startMinute, rules)
            let close = instant(day: day, minute: endMinute, rules)
            let from = max(open, start)
            guard from < close else { continue }
            let available = close.millis - from.millis
            if remaining <= available { return Timestamp(millis: from.millis + remaining) }
            remaining -= available
        }
        return Timestamp(millis: start.millis + span.millis)
    }

    /// Working time between two instants (zero when `end` is not after `start`).
    public func workingTime(from start: Timestamp, to end: Timestamp, zone rules: any ZoneRules) -> TimeSpan {
        guard end > start else { return TimeSpan(millis: 0) }
        var total: Int64 = 0
        var day = localDay(of: start, rules)
        let last = localDay(of: end, rules)
        let holidays = Set(self.holidays.map(\.daysSinceEpoch))
        let working = Set(days)
        while day <= last {
            defer { day += 1 }
            guard working.contains(Weekday(daysSinceEpoch: day)), !holidays.contains(day) else { continue }
            let from = max(instant(day: day, minute: startMinute, rules), start)
            let to = min(instant(day: day, minute: endMinute, rules), end)
            if from < to { total += to.millis - from.millis }
        }
        return TimeSpan(millis: total)
    }

    /// Whether `instant` falls in working hours.
    public func isWorking(at instant: Timestamp, zone rules: any ZoneRules) -> Bool {
        let day = localDay(of: instant, rules)
        guard Set(days).contains(Weekday(daysSinceEpoch: day)), !holidays.contains(CivilDate(daysSinceEpoch: day)) else { return false }
        return instant >= self.instant(day: day, minute: startMinute, rules) && instant < self.instant(day: day, minute: endMinute, rules)
    }

    /// The local calendar day (days since 1970-01-01) an instant falls on.
    func localDay(of instant: Timestamp, _ rules: any ZoneRules) -> Int64 {
        let local = instant.millis + Int64(rules.offsetSeconds(at: instant)) * 1000
        return local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
    }

    /// The instant a local wall-clock time names. A time skipped by a clock change (02:30 on the night clocks go
    /// forward) is read with the offset before the change, which lands as far after the change as the time is; a time
    /// that happens twice (clocks going back) is its first occurrence.
    func instant(day: Int64, minute: Int, _ rules: any ZoneRules) -> Timestamp {
        let local = day * 86_400_000 + Int64(minute) * 60_000
        // the offsets in force a day either side cover any one change near this time
        let before = Int64(rules.offsetSeconds(at: Timestamp(millis: local - 86_400_000))) * 1000
        let after = Int64(rules.offsetSeconds(at: Timestamp(millis: local + 86_400_000))) * 1000
        let readings = [before, after].map { Timestamp(millis: local - $0) }.filter { t in
            t.millis + Int64(rules.offsetSeconds(at: t)) * 1000 == local
        }
        return readings.min() ?? Timestamp(millis: local - before)
    }
}
