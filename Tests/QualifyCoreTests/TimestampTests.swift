import QualifyCore
import Testing

/// Expected values are seconds since 1970 computed by hand: 2026-01-01T00:00:00Z is 1_767_225_600, and
/// 2026-03-01 is 59 days (31 + 28) later: 1_772_323_200.
@Suite struct TimestampTests {
    static let march1st2026: Int64 = 1_772_323_200

    struct Parse: CustomTestStringConvertible, Sendable {
        let text: String
        let millis: Int64?
        var testDescription: String { "'\(text)' → \(millis.map(String.init) ?? "nil")" }
    }

    static let parses: [Parse] = [
        Parse(text: "1970-01-01", millis: 0),
        Parse(text: "1970-01-01T00:00:00Z", millis: 0),
        Parse(text: "2000-01-01", millis: 946_684_800_000),
        Parse(text: "2024-01-01T00:00:00Z", millis: 1_704_067_200_000),
        Parse(text: "2026-03-01", millis: march1st2026 * 1000),
        Parse(text: "2026-03-01T10:15:00Z", millis: (march1st2026 + 10 * 3600 + 15 * 60) * 1000),
        Parse(text: "2026-03-01T10:15Z", millis: (march1st2026 + 10 * 3600 + 15 * 60) * 1000),
        Parse(text: "2026-03-01T10:15", millis: (march1st2026 + 10 * 3600 + 15 * 60) * 1000),
        Parse(text: "2026-03-01 10:15:00", millis: (march1st2026 + 10 * 3600 + 15 * 60) * 1000),
        Parse(text: "2026-03-01t10:15:00z", millis: (march1st2026 + 10 * 3600 + 15 * 60) * 1000),
        Parse(text: "2026-03-01T10:15:07.5Z", millis: (march1st2026 + 10 * 3600 + 15 * 60 + 7) * 1000 + 500),
        Parse(text: "2026-03-01T10:15:07,25Z", millis: (march1st2026 + 10 * 3600 + 15 * 60 + 7) * 1000 + 250),
        Parse(text: "2026-03-01T10:15:07.123456789Z", millis: (march1st2026 + 10 * 3600 + 15 * 60 + 7) * 1000 + 123),
        // offsets: local time minus the offset is UTC
        Parse(text: "2026-03-01T10:15:00+05:30", millis: (march1st2026 + 4 * 3600 + 45 * 60) * 1000),
        Parse(text: "2026-03-01T10:15:00+0530", millis: (march1st2026 + 4 * 3600 + 45 * 60) * 1000),
        Parse(text: "2026-03-01T00:30:00+01:00", millis: (march1st2026 - 1800) * 1000),
        Parse(text: "2026-02-28T23:30:00-02:00", millis: (march1st2026 + 5400) * 1000),
        Parse(text: "2026-03-01T10:15:00+00:00", millis: (march1st2026 + 10 * 3600 + 15 * 60) * 1000),
        // leap days
        Parse(text: "2024-02-29T12:00:00Z", millis: 1_709_208_000_000),
        Parse(text: "2000-02-29", millis: 951_782_400_000),
        // a leap second is read as :59
        Parse(text: "2016-12-31T23:59:60Z", millis: 1_483_228_799_000),
        // invalid
        Parse(text: "", millis: nil),
        Parse(text: "2026-02-30", millis: nil),
        Parse(text: "2026-02-29", millis: nil),
        Parse(text: "1900-02-29", millis: nil),
        Parse(text: "2026-04-31", millis: nil),
        Parse(text: "2026-13-01", millis: nil),
        Parse(text: "2026-00-10", millis: nil),
        Parse(text: "2026-01-00", millis: nil),
        Parse(text: "2026-3-01", millis: nil),
        Parse(text: "26-03-01", millis: nil),
        Parse(text: "2026/03/01", millis: nil),
        Parse(text: "2026-03-01T", millis: nil),
        Parse(text: "2026-03-01T24:00:00Z", millis: nil),
        Parse(text: "2026-03-01T10:60:00Z", millis: nil),
        Parse(text: "2026-03-01T10:15:61Z", millis: nil),
        Parse(text: "2026-03-01T10:15:00.Z", millis: nil),
        Parse(text: "2026-03-01T10:15:00+05", millis: nil),
        Parse(text: "2026-03-01T10:15:00+24:00", millis: nil),
        Parse(text: "2026-03-01T10:15:00+05:60", millis: nil),
        Parse(text: "2026-03-01T10:15:00 UTC", millis: nil),
        Parse(text: "2026-03-01T10:15:00Zjunk", millis: nil),
        Parse(text: "2026-03-01Z", millis: nil),
        Parse(text: "2026-03-01x", millis: nil),
        Parse(text: "yesterday", millis: nil),
    ]

    @Test("ISO-8601 text parses to the hand-computed instant, or not at all", arguments: parses)
    func parsing(_ row: Parse) {
        #expect(Timestamp(iso8601: row.text)?.millis == row.millis)
    }

    static let formats: [(Int64, String, String)] = [
        (0, "1970-01-01T00:00:00Z", "1970-01-01"),
        (1_772_360_100_000, "2026-03-01T10:15:00Z", "2026-03-01"),
        (1_772_360_100_007, "2026-03-01T10:15:00.007Z", "2026-03-01"),
        (1_709_208_000_000, "2024-02-29T12:00:00Z", "2024-02-29"),
        (-1, "1969-12-31T23:59:59.999Z", "1969-12-31"),
        (253_402_300_799_000, "9999-12-31T23:59:59Z", "9999-12-31"),
    ]

    @Test("Formatting gives UTC with milliseconds only when they are not zero", arguments: formats)
    func formatting(millis: Int64, iso8601: String, isoDate: String) {
        let t = Timestamp(millis: millis)
        #expect(t.iso8601 == iso8601)
        #expect(t.isoDate == isoDate)
        #expect(t.description == iso8601)
    }

    @Test("Formatting then parsing gives back the same instant", arguments: [
        0, -1, -86_400_001, 1, 999, 1_000, 951_782_400_000, 1_709_208_000_123, 1_772_360_100_007,
        4_102_444_799_999, 253_402_300_799_999,
    ] as [Int64])
    func roundTrip(millis: Int64) {
        let t = Timestamp(millis: millis)
        #expect(Timestamp(iso8601: t.iso8601) == t)
    }

    @Test func everyDayOfSeveralYearsRoundTripsThroughItsDate() {
        // 1999-01-01 … 2028-12-31, one instant per day at 13:37:42.042
        let start = Timestamp(iso8601: "1999-01-01T13:37:42.042Z")!
        for day in Int64(0)..<(30 * 366) {
            let t = start.adding(.days(day))
            guard Timestamp(iso8601: t.iso8601) == t, Timestamp(iso8601: t.isoDate)?.adding(.hours(13)).isoDate == t.isoDate else {
                Issue.record("round trip failed for \(t.iso8601)")
                return
            }
        }
    }

    @Test func codingWritesISOTextAndReadsTextOrMillis() throws {
        let t = Timestamp(millis: 1_772_360_100_007)
        let encoded = try JSONRoundTrip.encode(t)
        #expect(encoded == #""2026-03-01T10:15:00.007Z""#)
        #expect(try JSONRoundTrip.decode(Timestamp.self, from: encoded) == t)
        #expect(try JSONRoundTrip.decode(Timestamp.self, from: "1772360100007") == t)
        #expect(throws: DecodingError.self) { try JSONRoundTrip.decode(Timestamp.self, from: #""2026-02-30""#) }
    }

    @Test func arithmeticAndOrder() {
        let t = Timestamp(seconds: Self.march1st2026)
        #expect(t.millis == Self.march1st2026 * 1000)
        #expect(t.adding(.days(1)).span(since: t) == .hours(24))
        #expect(t.subtracting(.hours(1)) < t)
        #expect(t.adding(TimeSpan(text: "2w")!).isoDate == "2026-03-15")
    }

    // MARK: TimeSpan

    static let spans: [(String, Int64)] = [
        ("30d", 30 * 86_400_000),
        ("12h", 12 * 3_600_000),
        ("2w", 14 * 86_400_000),
        ("90m", 90 * 60_000),
        ("10s", 10_000),
        ("0d", 0),
        (" 7d ", 7 * 86_400_000),
    ]

    @Test("Durations parse as an integer and a unit", arguments: spans)
    func spanParsing(text: String, millis: Int64) {
        #expect(TimeSpan(text: text)?.millis == millis)
    }

    @Test("Durations without a known unit or a whole non-negative number are rejected", arguments: [
        "", "d", "30", "30D", "30 days", "1.5d", "-5d", "30x", "d30", "3d4h",
    ])
    func spanRejection(text: String) {
        #expect(TimeSpan(text: text) == nil)
    }

    @Test("A duration prints in its largest whole unit", arguments: [
        (TimeSpan.days(30), "30d"),
        (TimeSpan.days(14), "2w"),
        (TimeSpan.days(3), "3d"),
        (TimeSpan.hours(24), "1d"),
        (TimeSpan.hours(71), "71h"),
        (TimeSpan(millis: 90 * 60_000), "90m"),
        (TimeSpan(millis: 60 * 60_000), "1h"),
        (TimeSpan(millis: 10_000), "10s"),
        (TimeSpan(millis: 1_500), "1500ms"),
        (TimeSpan(millis: 0), "0ms"),
    ])
    func spanDescription(span: TimeSpan, text: String) {
        #expect(span.description == text)
    }

    @Test("A printed duration parses back to itself", arguments: ["30d", "2w", "12h", "90m", "10s", "3d", "71h"])
    func spanRoundTrip(text: String) {
        #expect(TimeSpan(text: text)?.description == text)
    }

    @Test func aDurationTooLargeForMillisecondsIsRejectedNotACrash() async {
        // 20_000_000_000 weeks is 1.2e19 ms, more than Int64 holds.
        #expect(TimeSpan(text: "20000000000w") == nil)
    }
}
