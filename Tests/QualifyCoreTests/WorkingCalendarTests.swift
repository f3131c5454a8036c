import Foundation
import QualifyCore
import Testing

/// The system's zone rules, as QualifyApp passes them (the core has no zone database).
struct SystemZone: ZoneRules {
    let zone: TimeZone
    init(_ id: String) { zone = TimeZone(identifier: id)! }
    func offsetSeconds(at instant: Timestamp) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.millis) / 1000))
    }
}

@Suite struct WorkingCalendarTests {
    static func t(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }
    static let weekdays: [Weekday] = [.mon, .tue, .wed, .thu, .fri]
    static let berlin = WorkingCalendar(zone: "Europe/Berlin", days: weekdays, startMinute: 9 * 60, endMinute: 17 * 60,
                                        holidays: [CivilDate(text: "2026-12-25")!, CivilDate(text: "2026-12-28")!])
    static let newYork = WorkingCalendar(zone: "America/New_York", days: weekdays, startMinute: 9 * 60, endMinute: 17 * 60)

    @Test func weekdaysAndDates() {
        #expect(Weekday(daysSinceEpoch: 0) == .thu)   // 1970-01-01
        #expect(Weekday(daysSinceEpoch: -1) == .wed)
        #expect(CivilDate(text: "2026-02-29") == nil)
        #expect(CivilDate(text: "2028-02-29")?.description == "2028-02-29")
        #expect(CivilDate(text: "2026-13-01") == nil)
        #expect(CivilDate(text: "26-01-01") == nil)
    }

    @Test func inHoursTheClockRunsPlainly() {
        // Wednesday 10:00 Berlin (09:00 UTC in winter) + 2 working hours = 12:00 Berlin
        let due = Self.berlin.adding(.hours(2), to: Self.t("2026-12-02T09:00:00Z"), zone: SystemZone("Europe/Berlin"))
        #expect(due == Self.t("2026-12-02T11:00:00Z"))
    }

    @Test func aFridayAfternoonLeadIsDueOnMonday() {
        // Friday 16:30 Berlin + 2 h: 30 minutes on Friday, 90 on Monday → Monday 10:30 Berlin = 09:30 UTC
        let zone = SystemZone("Europe/Berlin")
        let due = Self.berlin.adding(.hours(2), to: Self.t("2026-12-04T15:30:00Z"), zone: zone)
        #expect(due == Self.t("2026-12-07T09:30:00Z"))
        #expect(Self.berlin.workingTime(from: Self.t("2026-12-04T15:30:00Z"), to: due, zone: zone) == .hours(2))
        #expect(!Self.berlin.isWorking(at: Self.t("2026-12-05T10:00:00Z"), zone: zone))
    }

    @Test func holidaysDoNotCount() {
        // Thursday 24 Dec 16:00 Berlin + 2 h: 1 h on the 24th, 25th a holiday, weekend, 28th a holiday → Tue 29th 10:00
        let due = Self.berlin.adding(.hours(2), to: Self.t("2026-12-24T15:00:00Z"), zone: SystemZone("Europe/Berlin"))
        #expect(due == Self.t("2026-12-29T09:00:00Z"))
    }

    @Test func beforeHoursCountsFromTheStart() {
        // Monday 06:00 Berlin + 1 h → 10:00 Berlin
        let due = Self.berlin.adding(.hours(1), to: Self.t("2026-12-07T05:00:00Z"), zone: SystemZone("Europe/Berlin"))
        #expect(due == Self.t("2026-12-07T09:00:00Z"))
    }

    @Test func summerTimeStartsInBerlin() {
        // Friday 27 March 2026 16:00 CET (15:00 UTC) + 3 h: 1 h Friday; clocks go forward Sunday 29th; Monday 09:00 is
        // CEST (07:00 UTC) → 2 h later 11:00 CEST = 09:00 UTC
        let due = Self.berlin.adding(.hours(3), to: Self.t("2026-03-27T15:00:00Z"), zone: SystemZone("Europe/Berlin"))
        #expect(due == Self.t("2026-03-30T09:00:00Z"))
    }

    @Test func summerTimeStartsEarlierInNewYork() {
        // Friday 6 March 2026 16:00 EST (21:00 UTC) + 2 h: 1 h Friday; clocks go forward Sunday 8 March; Monday 09:00
        // EDT = 13:00 UTC → 10:00 EDT = 14:00 UTC. The same span in Berlin that week has no change.
        let due = Self.newYork.adding(.hours(2), to: Self.t("2026-03-06T21:00:00Z"), zone: SystemZone("America/New_York"))
        #expect(due == Self.t("2026-03-09T14:00:00Z"))
        let berlinDue = Self.berlin.adding(.hours(2), to: Self.t("2026-03-06T15:00:00Z"), zone: SystemZone("Europe/Berlin"))
        #expect(berlinDue == Self.t("2026-03-09T09:00:00Z"))
    }

    @Test func autumnChangeInBothZones() {
        // Berlin: Friday 23 Oct 2026 16:00 CEST (14:00 UTC) + 2 h → Monday 26th 10:00 CET = 09:00 UTC
        #expect(Self.berlin.adding(.hours(2), to: Self.t("2026-10-23T14:00:00Z"), zone: SystemZone("Europe/Berlin"))
                == Self.t("2026-10-26T09:00:00Z"))
        // New York: Friday 30 Oct 2026 16:00 EDT (20:00 UTC) + 2 h → Monday 2 Nov 10:00 EST = 15:00 UTC
        #expect(Self.newYork.adding(.hours(2), to: Self.t("2026-10-30T20:00:00Z"), zone: SystemZone("America/New_York"))
                == Self.t("2026-11-02T15:00:00Z"))
    }

    @Test func aSkippedWallClockTimeLandsAfterTheChange() {
        // a calendar starting at 02:30 on the Sunday Berlin's clocks jump from 02:00 to 03:00: work starts at 03:30 CEST
        let night = WorkingCalendar(zone: "Europe/Berlin", days: [.sun], startMinute: 150, endMinute: 300)
        let due = night.adding(.hours(1), to: Self.t("2026-03-28T12:00:00Z"), zone: SystemZone("Europe/Berlin"))
        #expect(due == Self.t("2026-03-29T02:30:00Z"))   // 03:30 CEST + 1 h = 04:30 CEST
    }

    @Test func fixedOffsetsAndEmptyCalendars() {
        let utc = WorkingCalendar(zone: "UTC", days: [.mon], startMinute: 0, endMinute: 60)
        #expect(utc.adding(.hours(2), to: Self.t("2026-12-07T00:00:00Z"), zone: FixedOffset.utc) == Self.t("2026-12-14T01:00:00Z"))
        // every day a holiday for ten years: plain time rather than forever
        let none = WorkingCalendar(zone: "UTC", days: [.mon], startMinute: 0, endMinute: 60,
                                   holidays: (0..<600).map { CivilDate(daysSinceEpoch: CivilDate(text: "2026-12-07")!.daysSinceEpoch + Int64($0) * 7) })
        #expect(none.adding(.hours(1), to: Self.t("2026-12-07T00:00:00Z"), zone: FixedOffset.utc) == Self.t("2026-12-07T01:00:00Z"))
    }
}
