import QualifyCore
import Testing

/// Fit: fields updates merge into the lead, fit rules are re-evaluated, the ledger explains every change of grade.
@Suite struct FitScoringTests {
    typealias F = Fixtures
    let t0 = Fixtures.t0

    static let vp = ["job_title": "VP of Sales", "employees": "51-200", "industry": " SaaS "]

    @Test func aDecisionMakerAtAMidSizeSoftwareCompanyGradesA() {
        let (state, ledger, _) = F.run([F.fields("f1", t0, Self.vp)])
        #expect(ledger == ["decision-maker", "company-size", "target-industry"].map { id in
            LedgerEntry(kind: .fit, ruleID: id, group: nil, eventID: EventID("f1"), eventType: "$fields", at: t0,
                        points: id == "target-industry" ? 10 : 20)
        })
        #expect(state.fitPoints == 50)
        #expect(state.grade == .a)
        #expect(state.fitMatches == ["decision-maker": 20, "company-size": 20, "target-industry": 10])
        #expect(state.fields == Self.vp)
        #expect(state.typeCounts.isEmpty)
    }

    @Test func theSameFieldsAtAFreeMailAddressGradeB() {
        let (state, ledger, _) = F.run([F.fields("f1", t0, lead: F.bob, Self.vp)], lead: F.bob)
        #expect(ledger.last?.ruleID == "free-mail")
        #expect(ledger.last?.points == -15)
        #expect(state.fitPoints == 35)
        #expect(state.grade == .b)
    }

    @Test func aLeadWithNoFieldsUpdateHasGradeD() {
        let (state, _, _) = F.run([F.activity("e1", "content_download", t0)])
        #expect(state.fitPoints == 0)
        #expect(state.grade == .d)
        #expect(state.fitMatches.isEmpty)
    }

    @Test func emailKindRulesHoldFromTheFirstEventBeforeAnyFields() {
        let (state, ledger, _) = F.run([
            F.activity("v1", "page_view", t0, lead: F.bob),
            F.fields("f1", F.at(days: 1), lead: F.bob, Self.vp),
        ], lead: F.bob)
        #expect(ledger.first == LedgerEntry(kind: .fit, ruleID: "free-mail", group: nil, eventID: EventID("v1"),
                                            eventType: "page_view", at: t0, points: -15))
        #expect(ledger.map(\.ruleID) == ["free-mail", "visit", "decision-maker", "company-size", "target-industry"])
        #expect(state.fitPoints == 35)
        #expect(state.grade == .b)
        #expect(state.lastActivity == t0)
    }

    @Test func aRuleThatStopsMatchingTakesItsPointsBackAndTheGradeDrops() {
        let (state, ledger, _) = F.run([
            F.fields("f1", t0, Self.vp),
            F.fields("f2", F.at(days: 1), source: "import:leads.csv", ["employees": "20"]),
        ])
        #expect(ledger.count == 4)
        #expect(ledger.last == LedgerEntry(kind: .fit, ruleID: "company-size", group: nil, eventID: EventID("f2"),
                                           eventType: "$fields", at: F.at(days: 1), points: -20,
                                           note: "no longer matches after update from import:leads.csv"))
        #expect(state.fitPoints == 30)
        #expect(state.grade == .b)
        #expect(state.fitMatches["company-size"] == nil)
        #expect(state.fields["employees"] == "20")
        #expect(state.fields["job_title"] == "VP of Sales")
    }

    @Test func aRuleThatMatchesAgainScoresAgainAndAStillMatchingRuleScoresOnce() {
        let (state, ledger, _) = F.run([
            F.fields("f1", t0, Self.vp),
            F.fields("f2", F.at(days: 1), ["employees": "20"]),
            F.fields("f3", F.at(days: 2), ["employees": "1,200", "job_title": "Head of Growth"]),
        ])
        #expect(ledger.map(\.points) == [20, 20, 10, -20, 20])
        #expect(ledger.map(\.eventID.rawValue) == ["f1", "f1", "f1", "f2", "f3"])
        #expect(state.fitPoints == 50)
        #expect(ledger.filter { $0.kind == .fit }.map(\.points).reduce(0, +) == state.fitPoints)
    }

    @Test func emptyValuesDoNotEraseKnownFields() {
        let (state, ledger, _) = F.run([
            F.fields("f1", t0, Self.vp),
            F.fields("f2", F.at(days: 1), ["job_title": "", "employees": "   "]),
        ])
        #expect(ledger.count == 3)
        #expect(state.fields == Self.vp)
        #expect(state.fitPoints == 50)
    }

    // MARK: value tests, through a one-rule model

    struct Case: CustomTestStringConvertible, Sendable {
        let test: ValueTest
        let value: String?
        let matches: Bool
        var testDescription: String { "\(test.summary) on \(value.map { "'\($0)'" } ?? "no value") → \(matches)" }
    }

    static let cases: [Case] = [
        Case(test: .equals("Germany"), value: " germany ", matches: true),
        Case(test: .equals("Germany"), value: "Germany East", matches: false),
        Case(test: .equals("Germany"), value: nil, matches: false),
        Case(test: .oneOf(["DE", "AT", "CH"]), value: "at", matches: true),
        Case(test: .oneOf(["DE", "AT", "CH"]), value: "FR", matches: false),
        Case(test: .contains("/Pricing"), value: "https://x.io/pricing/eu", matches: true),
        Case(test: .contains("/pricing"), value: "https://x.io/price", matches: false),
        Case(test: .matches(#"(?i)\bvp\b"#), value: "Senior VP, Sales", matches: true),
        Case(test: .matches(#"(?i)\bvp\b"#), value: "MVP engineer", matches: false),
        Case(test: .between(50, 5000), value: "51-200", matches: true),
        Case(test: .between(50, 5000), value: "50", matches: true),
        Case(test: .between(50, 5000), value: "5000", matches: true),
        Case(test: .between(50, 5000), value: "5001", matches: false),
        Case(test: .between(50, 5000), value: "1,200", matches: true),
        Case(test: .between(50, 5000), value: "10-49", matches: false),
        Case(test: .between(50, 5000), value: "unknown", matches: false),
        Case(test: .atLeast(5001), value: "10000+", matches: true),
        Case(test: .atLeast(5001), value: "$5,000.50", matches: false),
        Case(test: .exists(true), value: "x", matches: true),
        Case(test: .exists(true), value: nil, matches: false),
        Case(test: .exists(false), value: nil, matches: true),
        Case(test: .exists(false), value: "x", matches: false),
    ]

    @Test("Value tests on lead fields", arguments: cases)
    func valueTest(_ c: Case) throws {
        let model = QualificationModel(
            name: "one-rule",
            fit: FitSection(rules: [FitRule(id: "r", when: .field("f", c.test), points: 10)], grades: GradeThresholds(a: 30, b: 20, c: 10)),
            engagement: Fixtures.model.engagement, stages: Fixtures.stages, offers: [:])
        let engine = try Engine(model: model)
        let fields = c.value.map { ["f": $0] } ?? ["other": "x"]
        let (state, _, _) = F.run([F.fields("f1", t0, fields)], engine: engine)
        #expect((state.fitMatches["r"] != nil) == c.matches)
        #expect(state.grade == (c.matches ? .c : .d))
    }

    @Test("Conditions combine with any, all and not", arguments: [
        (FieldCondition.any([.field("country", .equals("DE")), .field("country", .equals("AT"))]), true),
        (.all([.field("country", .equals("DE")), .email(.company)]), true),
        (.all([.field("country", .equals("DE")), .email(.freeProvider)]), false),
        (.not(.email(.freeProvider)), true),
        (.not(.any([.email(.role), .field("country", .oneOf(["DE"]))])), false),
    ])
    func combinations(condition: FieldCondition, matches: Bool) throws {
        let model = QualificationModel(
            name: "combined",
            fit: FitSection(rules: [FitRule(id: "r", when: condition, points: 10)], grades: GradeThresholds(a: 30, b: 20, c: 10)),
            engagement: Fixtures.model.engagement, stages: Fixtures.stages, offers: [:])
        let (state, _, _) = F.run([F.fields("f1", t0, ["country": "de"])], engine: try Engine(model: model))
        #expect((state.fitMatches["r"] != nil) == matches)
    }

    @Test func aRegexThatDoesNotCompileIsRejectedWhenTheModelIsCompiled() {
        var model = Fixtures.model
        model.fit.rules[0].when = .field("job_title", .matches("(unclosed"))
        #expect(throws: ModelIssue.self) { try Engine(model: model) }
        do {
            _ = try Engine(model: model)
        } catch {
            #expect(error.path == "fit.rules[0].when")
            #expect(error.message.contains("(unclosed"))
        }
    }

    static let numberTexts: [(String, Double)] = [
        ("250", 250), ("51-200", 51), ("1,200", 1200), ("1000+", 1000), ("$2.5", 2.5), ("€ 40", 40), ("-5", -5),
        ("  12 ", 12), ("10k", 10), ("0", 0),
    ]

    @Test("Numbers are read from CRM text", arguments: numberTexts)
    func numbers(text: String, value: Double) {
        #expect(NumberValue.leading(text) == value)
    }

    @Test("Text without a leading number reads as none", arguments: ["", "unknown", "about 50", "-", "n/a", "1.2.3"])
    func notNumbers(text: String) {
        #expect(NumberValue.leading(text) == nil)
    }
}
