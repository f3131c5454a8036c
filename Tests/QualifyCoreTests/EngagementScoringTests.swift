import Foundation
import QualifyCore
import Testing

/// Engagement rules: points, the ledger, caps, `once`, negative points, decay and parallel score groups.
@Suite struct EngagementScoringTests {
    typealias F = Fixtures
    let t0 = Fixtures.t0

    @Test func anEventAddsItsRulePointsAndOneLedgerLine() {
        let (state, ledger, _) = F.run([F.activity("e1", "content_download", t0)])
        #expect(ledger == [LedgerEntry(kind: .engagement, ruleID: "download", group: "main", eventID: EventID("e1"),
                                       eventType: "content_download", at: t0, points: 15)])
        #expect(state.groups["main"] == GroupScore(value: 15, at: t0))
        #expect(state.engagement(at: t0, halfLife: .days(30)) == 15)
        #expect(state.eventCount == 1)
        #expect(state.firstSeen == t0)
        #expect(state.last == EventOrder(at: t0, id: EventID("e1")))
        #expect(state.typeCounts == ["content_download": 1])
    }

    @Test func everyMatchingRuleScoresInModelOrder() {
        let (state, ledger, _) = F.run([F.activity("e1", "page_view", t0, ["url": "https://acme.io/PRICING?x=1"])])
        #expect(ledger.map(\.ruleID) == ["visit", "pricing-page"])
        #expect(ledger.map(\.points) == [1, 10])
        #expect(state.groups["main"]?.value == 11)
    }

    @Test func aConditionThatDoesNotHoldScoresNothing() {
        let (_, ledger, _) = F.run([F.activity("e1", "page_view", t0, ["url": "/blog"]),
                                    F.activity("e2", "page_view", t0)])
        #expect(ledger.map(\.ruleID) == ["visit", "visit"])
    }

    @Test func anEventNoRuleKnowsIsCountedButScoresNothing() {
        let (state, ledger, changes) = F.run([F.activity("e1", "podcast_listen", t0)])
        #expect(ledger.isEmpty)
        #expect(changes.isEmpty)
        #expect(state.groups.isEmpty)
        #expect(state.typeCounts == ["podcast_listen": 1])
        #expect(state.eventCount == 1)
    }

    // MARK: caps

    @Test func tenVisitsUnderACapOfThreePerWeekGiveThree() {
        let views = (0..<10).map { F.activity("v\($0)", "page_view", F.at(hours: Double($0))) }
        let (state, ledger, _) = F.run(views)
        #expect(ledger.map(\.points) == [1, 1, 1])
        #expect(ledger.map(\.eventID) == [EventID("v0"), EventID("v1"), EventID("v2")])
        #expect(ledger.allSatisfy { $0.note == nil })
        #expect(state.capWindows["visit"] == CapWindow(start: t0, used: 3))
    }

    @Test func theCapWindowLastsExactlyItsLengthFromTheFirstScoredEvent() {
        let views = (0..<5).map { F.activity("v\($0)", "page_view", F.at(days: Double($0))) }
            + [F.activity("w0", "page_view", t0.adding(.days(7)).subtracting(TimeSpan(millis: 1))),
               F.activity("w1", "page_view", t0.adding(.days(7))),
               F.activity("w2", "page_view", F.at(days: 8)),
               F.activity("w3", "page_view", F.at(days: 9)),
               F.activity("w4", "page_view", F.at(days: 10))]
        let (state, ledger, _) = F.run(views)
        #expect(ledger.map(\.eventID.rawValue) == ["v0", "v1", "v2", "w1", "w2", "w3"])
        #expect(ledger.map(\.points).reduce(0, +) == 6)
        #expect(state.capWindows["visit"] == CapWindow(start: t0.adding(.days(7)), used: 3))
    }

    @Test func theLastPointsUnderACapArePartialWithANote() {
        let clicks = (0..<3).map { F.activity("c\($0)", "email_click", F.at(hours: Double($0))) }
        let (state, ledger, _) = F.run(clicks)
        #expect(ledger.map(\.points) == [2, 1])
        #expect(ledger.map(\.note) == [nil, "capped: at most 3 points per 1w"])
        #expect(state.groups["main"]?.value.isClose(to: 2 * pow(2, -1.0 / 720) + 1) == true)
    }

    @Test func aCapBoundsNegativePointsToo() {
        let bounces = [F.activity("b0", "email_bounce", t0), F.activity("b1", "email_bounce", F.at(days: 1)),
                       F.activity("b2", "email_bounce", F.at(days: 2)), F.activity("b3", "email_bounce", F.at(days: 30))]
        let (_, ledger, _) = F.run(bounces)
        #expect(ledger.map(\.points) == [-20, -10, -20])
        #expect(ledger.map(\.eventID.rawValue) == ["b0", "b1", "b3"])
        #expect(ledger[1].note == "capped: at most 30 points per 30d")
    }

    @Test func capsAreCountedPerRule() {
        // a pricing view scores both `visit` (capped) and `pricing-page` (not capped)
        let views = (0..<5).map { F.activity("p\($0)", "page_view", F.at(hours: Double($0)), ["url": "/pricing"]) }
        let (_, ledger, _) = F.run(views)
        #expect(ledger.filter { $0.ruleID == "visit" }.count == 3)
        #expect(ledger.filter { $0.ruleID == "pricing-page" }.count == 5)
    }

    // MARK: once

    @Test func aOnceRuleScoresOnlyTheFirstMatchingEvent() {
        let (state, ledger, _) = F.run([F.activity("t1", "trial_start", t0), F.activity("t2", "trial_start", F.at(days: 40)),
                                        F.activity("t3", "trial_start", F.at(days: 400))])
        #expect(ledger.map(\.eventID.rawValue) == ["t1"])
        #expect(ledger.map(\.points) == [40])
        #expect(state.onceFired == ["trial"])
        #expect(state.typeCounts["trial_start"] == 3)
    }

    // MARK: negative points and decay

    @Test func negativePointsLowerTheScoreBelowZero() {
        let (state, ledger, _) = F.run([F.activity("d", "content_download", t0), F.activity("u1", "unsubscribe", t0),
                                        F.activity("u2", "unsubscribe", t0)])
        #expect(ledger.map(\.points) == [15, -30])
        #expect(state.groups["main"] == GroupScore(value: -15, at: t0))
        #expect(state.engagement(at: F.at(days: 30), halfLife: .days(30)).isClose(to: -7.5))
    }

    static let halvings: [(days: Double, value: Double)] = [
        (0, 30), (30, 15), (60, 7.5), (90, 3.75), (15, 21.213_203_435_596_423), (1, 29.314_799_053_026_38),
    ]

    @Test("Thirty points halve every half-life", arguments: halvings)
    func decay(days: Double, expected: Double) {
        let (state, _, _) = F.run([F.activity("w", "webinar_attend", t0)])
        let value = state.engagement(at: F.at(days: days), halfLife: .days(30))
        #expect(value.isClose(to: expected, relative: 1e-9), "\(value)")
    }

    @Test func pointsAddToTheDecayedValue() {
        let (state, _, _) = F.run([F.activity("w", "webinar_attend", t0), F.activity("d", "content_download", F.at(days: 30))])
        // 30 halved after 30 days, plus 15
        #expect(state.groups["main"]?.value.isClose(to: 30) == true)
        #expect(state.groups["main"]?.at == F.at(days: 30))
        #expect(state.engagement(at: F.at(days: 60), halfLife: .days(30)).isClose(to: 15))
    }

    @Test func decayFactorsAndAmplitudes() {
        let e = Decay.epoch
        #expect(e == Timestamp(iso8601: "2024-01-01")!)
        #expect(Decay.factor(from: e, to: e, halfLife: .days(30)) == 1)
        #expect(Decay.factor(from: e, to: e.adding(.days(30)), halfLife: .days(30)) == 0.5)
        #expect(Decay.factor(from: e.adding(.days(6)), to: e, halfLife: .days(3)) == 4)
        #expect(GroupScore(value: 10, at: e).amplitude(halfLife: .days(30)) == 10)
        #expect(GroupScore(value: 10, at: e.adding(.days(60))).amplitude(halfLife: .days(30)) == 40)
        // ordering by amplitude is ordering by the value at any common time
        let older = GroupScore(value: 50, at: F.t0)
        let newer = GroupScore(value: 30, at: F.at(days: 30))
        let h = TimeSpan.days(30)
        #expect(older.amplitude(halfLife: h) < newer.amplitude(halfLife: h))
        #expect(older.value(at: F.at(days: 30), halfLife: h) < newer.value(at: F.at(days: 30), halfLife: h))
        #expect(older.value(at: F.at(days: 90), halfLife: h) < newer.value(at: F.at(days: 90), halfLife: h))
        #expect(older.value(at: F.at(days: 30), halfLife: h).isClose(to: 25))
    }

    @Test func aLedgerEntryIsWorthItsDecayedPointsAndFitEntriesDoNotDecay() {
        let engagement = LedgerEntry(kind: .engagement, ruleID: "r", group: "main", eventID: EventID("e"), eventType: "x",
                                     at: t0, points: 8)
        let fit = LedgerEntry(kind: .fit, ruleID: "r", group: nil, eventID: EventID("e"), eventType: "$fields", at: t0, points: 8)
        #expect(engagement.value(at: F.at(days: 60), halfLife: .days(30)) == 2)
        #expect(fit.value(at: F.at(days: 60), halfLife: .days(30)) == 8)
    }

    // MARK: groups

    @Test func groupsScoreInParallelWithTheirOwnHalfLives() {
        let (state, ledger, _) = F.run([
            F.activity("x1", "product_x_demo", t0),
            F.activity("x2", "page_view", t0, ["url": "/product-x/docs"]),
        ])
        #expect(ledger.map(\.ruleID) == ["x-demo", "visit", "x-docs"])
        #expect(ledger.map(\.group) == ["product-x", "main", "product-x"])
        #expect(state.groups["product-x"]?.value == 29)
        #expect(state.groups["main"]?.value == 1)
        #expect(state.engagement("product-x", at: F.at(days: 10), halfLife: .days(10)).isClose(to: 14.5))
        #expect(state.engagement("main", at: F.at(days: 30), halfLife: .days(30)).isClose(to: 0.5))
        #expect(state.engagement("nowhere", at: t0, halfLife: .days(30)) == 0)
    }

    @Test("Numbers print with a fixed number of decimals", arguments: [
        (60.0, 1, "60.0"), (49.928, 1, "49.9"), (0.05, 1, "0.1"), (-0.04, 1, "0.0"), (-2.5, 0, "-3"), (5000, 0, "5000"),
        (1.005, 2, "1.00"), (12.3456, 3, "12.346"),
    ] as [(Double, Int, String)])
    func formatting(value: Double, digits: Int, text: String) {
        #expect(value.formatted(digits) == text)
    }

    @Test func aHugeNumberPrintsInsteadOfCrashing() async {
        #expect((1e19).formatted(0) == "1e+19")
        #expect((-3e20).formatted(2) == "-3e+20")
    }

    @Test func temperatureAndGradeThresholdsAreInclusive() {
        let temperature = TemperatureThresholds(hot: 60, warm: 25)
        #expect([60, 59.999, 25, 24.999, 0, -10].map(temperature.temperature(for:)) == [.hot, .warm, .warm, .cold, .cold, .cold])
        let grades = GradeThresholds(a: 50, b: 30, c: 10)
        #expect([80, 50, 49, 30, 29, 10, 9, 0, -15].map(grades.grade(for:)) == [.a, .a, .b, .b, .c, .c, .d, .d, .d])
        #expect(Grade.a > .b && Grade.b > .c && Grade.c > .d)
        #expect(Grade.allCases.sorted() == [.d, .c, .b, .a])
    }
}

