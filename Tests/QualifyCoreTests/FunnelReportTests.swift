import QualifyCore
import Testing

/// The funnel on a history small enough to work out by hand (the expected figures are derived in the comments).
@Suite struct FunnelReportTests {
    static func t(_ date: String) -> Timestamp { Timestamp(iso8601: date)! }
    static func move(_ from: Stage, _ to: Stage, _ date: String, _ reason: String = "rule") -> FunnelLead.Move {
        .init(from: from, to: to, at: t(date), reason: reason)
    }

    /// A: Jan 5 → IQL Jan 6 → MQL Jan 10 → SQL Jan 20 → opportunity Jan 25 → customer Feb 10 (webinar).
    /// B: Jan 7 → IQL Jan 8 → SQL Jan 18 (skips MQL) → recycled Jan 28, rejected for "no budget" (webinar).
    /// C: Feb 1 → IQL Feb 3, still there (ads). D: arrived Dec 20, before the window → IQL Jan 2 → disqualified
    /// Jan 15 as spam (ads). E: Mar 1, nothing since (no source). Window: Jan 1 – Mar 31.
    static let leads: [FunnelLead] = [
        FunnelLead(arrivedAt: t("2026-01-05"), moves: [
            move(.new, .iql, "2026-01-06"), move(.iql, .mql, "2026-01-10"), move(.mql, .sql, "2026-01-20"),
            move(.sql, .opportunity, "2026-01-25", "accept: called"), move(.opportunity, .customer, "2026-02-10", "win: signed"),
        ], group: "webinar"),
        FunnelLead(arrivedAt: t("2026-01-07"), moves: [
            move(.new, .iql, "2026-01-08"), move(.iql, .sql, "2026-01-18"),
            move(.sql, .recycled, "2026-01-28", "reject [no budget]: too small"),
        ], group: "webinar"),
        FunnelLead(arrivedAt: t("2026-02-01"), moves: [move(.new, .iql, "2026-02-03")], group: "ads"),
        FunnelLead(arrivedAt: t("2025-12-20"), moves: [
            move(.new, .iql, "2026-01-02"), move(.iql, .disqualified, "2026-01-15", "disqualify [spam]: bot"),
        ], group: "ads"),
        FunnelLead(arrivedAt: t("2026-03-01"), moves: []),
    ]

    static func report() -> FunnelReport {
        var tally = FunnelTally(options: FunnelOptions(from: t("2026-01-01"), to: t("2026-03-31")), groupedBy: "source")
        for lead in leads { tally.add(lead) }
        return tally.report()
    }

    @Test func stageEntriesConversionAndTimeInStage() {
        let r = Self.report()
        #expect(r.arrivals == 4)  // D arrived before the window
        let row = Dictionary(uniqueKeysWithValues: r.stages.map { ($0.stage, $0) })
        // new: A, B, C, E entered; A, B, C moved on. Finished stays 1, 1, 2 days; E still there after 30 days.
        #expect(row[.new]!.entered == 4)
        #expect(row[.new]!.advanced.successes == 3)
        #expect(row[.new]!.medianDays == 1 && row[.new]!.p90Days == 2)
        #expect(row[.new]!.stillThere == 1 && row[.new]!.stalled == 1)
        // IQL: A, B, C and D (its IQL entry is in the window); A and B went further. Stays 4, 10, 13; C open 56 days.
        #expect(row[.iql]!.entered == 4 && row[.iql]!.advanced.successes == 2)
        #expect(row[.iql]!.medianDays == 10 && row[.iql]!.p90Days == 13)
        #expect(row[.iql]!.stillThere == 1 && row[.iql]!.stalled == 1)
        // MQL: A only (B skipped it). SQL: A and B; A went on, B was recycled. Stays 5 and 10.
        #expect(row[.mql]!.entered == 1 && row[.mql]!.medianDays == 10)
        #expect(row[.sql]!.entered == 2 && row[.sql]!.advanced.successes == 1)
        #expect(row[.sql]!.medianDays == 5 && row[.sql]!.p90Days == 10)
        #expect(row[.opportunity]!.entered == 1 && row[.opportunity]!.medianDays == 16)
        // customer: A, still there (49 days), no finished stays so no p90 and nobody counted as stalled.
        #expect(row[.customer]!.entered == 1 && row[.customer]!.advanced.successes == 0)
        #expect(row[.customer]!.p90Days == nil && row[.customer]!.stillThere == 1 && row[.customer]!.stalled == 0)
    }

    @Test func exitsCarryTheActionAndReasonCode() {
        let r = Self.report()
        #expect(r.exits.map(\.to) == [.disqualified, .recycled])
        #expect(r.exits.map(\.action) == ["disqualify", "reject"])
        #expect(r.exits.map(\.code) == ["spam", "no budget"])
        #expect(r.exits.map(\.count) == [1, 1])
    }

    @Test func cohortsCountOnlyHorizonsThatHavePassed() {
        let r = Self.report()
        #expect(r.cohorts.map(\.month) == ["2026-01", "2026-02", "2026-03"])
        let jan = r.cohorts[0]
        #expect(jan.arrivals == 2)
        // January's last arrivals are 30 days old on Mar 3 ≤ Mar 31; 60 days would be Apr 2: not yet.
        #expect(jan.reachedSQL[0]?.successes == 2 && jan.reachedSQL[1] == nil && jan.reachedSQL[2] == nil)
        #expect(jan.reachedCustomer[0]?.successes == 0)  // A became a customer 36 days after arriving
        let feb = r.cohorts[1]
        #expect(feb.reachedSQL[0]?.successes == 0 && feb.reachedSQL[0]?.trials == 1)
        #expect(r.cohorts[2].reachedSQL.allSatisfy { $0 == nil })
    }

    @Test func groupsSideBySideWithIntervals() {
        let r = Self.report()
        #expect(r.groupedBy == "source")
        #expect(r.groups.map(\.value) == ["webinar", "(none)", "ads"])
        let webinar = r.groups[0]
        #expect(webinar.arrivals == 2)
        // B skipped MQL but reached SQL: it passed MQL on its way.
        #expect(webinar.reached.map(\.share.successes) == [2, 2, 2, 1, 1])
        #expect(r.groups[2].reached.map(\.share.successes) == [1, 0, 0, 0, 0])
        // Wilson interval of 1 in 2: 9.5 %–90.5 %.
        let half = webinar.reached[4].share
        #expect(abs(half.low! - 0.0945) < 0.001 && abs(half.high! - 0.9055) < 0.001)
        #expect(half.text == "50.0 % (9.5–90.5)")
    }

    @Test func movesAfterTheReportsDateAreNotSeen() {
        var tally = FunnelTally(options: FunnelOptions(to: Self.t("2026-01-19")))
        for lead in Self.leads { tally.add(lead) }
        let r = tally.report()
        let sql = r.stages.first { $0.stage == .sql }!
        #expect(sql.entered == 1)  // B on Jan 18; A's SQL on Jan 20 has not happened yet
        #expect(sql.stillThere == 1)
        #expect(r.exits.map(\.action) == ["disqualify"])
        #expect(r.arrivals == 3)  // A, B and D (no window start); C and E arrive later
    }

    @Test func theWindowAndGroupAreReadOnceForEveryShell() throws {
        let now = Self.t("2026-06-01T12:00:00Z")
        let r = try FunnelRequest(from: "2026-01-01", to: "2026-03-31", by: " lead_source ", now: now)
        #expect(r.options.from == Self.t("2026-01-01") && r.options.to == Self.t("2026-04-01"))  // to: the end of that day
        #expect(r.group == .field("lead_source"))
        let open = try FunnelRequest(from: "", to: nil, by: "", now: now)  // an empty form
        #expect(open.options.from == nil && open.options.to == FunnelOptions.end(now: now) && open.group == nil)
        #expect(throws: FunnelRequest.Problem.notADate(field: "from", text: "July")) { try FunnelRequest(from: "July", to: nil, by: nil, now: now) }
        #expect(throws: FunnelRequest.Problem.notAGroup("\"x")) { try FunnelRequest(from: nil, to: nil, by: "\"x", now: now) }
        do {
            _ = try FunnelRequest(from: "2026-05-02", to: "2026-05-01", by: nil, now: now)
            Issue.record("a window ending before it starts was accepted")
        } catch { #expect(error.field == "from") }
    }
}
