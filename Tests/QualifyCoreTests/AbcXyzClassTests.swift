import QualifyCore
import Testing

/// Builds a ledger from (customer, ISO date, amount) rows.
func ledger(_ rows: [(String, String, Double)], period: AnalysisPeriod = .month) -> TransactionLedger {
    var ledger = TransactionLedger(period: period)
    for (customer, date, amount) in rows {
        ledger.add(customer: customer, at: Timestamp(iso8601: date)!, amount: amount)
    }
    return ledger
}

/// One purchase per customer in the same month: only ABC varies.
func revenues(_ pairs: [(String, Double)], abc: AbcCutoffs = .standard) -> AbcXyzReport {
    AbcXyzAnalysis.run(ledger(pairs.map { ($0.0, "2024-01-15", $0.1) }), settings: AbcXyzSettings(abc: abc))
}

@Suite struct AbcXyzClassTests {
    struct AbcCase: CustomTestStringConvertible, Sendable {
        let name: String
        let revenues: [Double]
        let cutoffs: AbcCutoffs
        let expected: String  // classes in rank order
        var testDescription: String { name }
    }

    /// Hand-computed: the share *before* each customer (revenue of those ranked above / total) decides its class.
    static let abcCases: [AbcCase] = [
        // before: 0, .50, .80, .95 → a customer exactly at a cut-off is in the next class
        AbcCase(name: "a share of exactly 80 % before a customer makes it B", revenues: [50, 30, 15, 5], cutoffs: .standard, expected: "AABC"),
        // before: 0, .60, .90 → the second straddles 80 % (60 → 90) and is A
        AbcCase(name: "the customer that crosses 80 % is still A", revenues: [60, 30, 10], cutoffs: .standard, expected: "AAB"),
        // before: 0, .70, .90, .96
        AbcCase(name: "B ends where 95 % has been reached before the customer", revenues: [70, 20, 6, 4], cutoffs: .standard, expected: "AABC"),
        AbcCase(name: "a single customer is A", revenues: [42], cutoffs: .standard, expected: "A"),
        // before: 0, .90 → the top customer alone passes 80 % and 95 %
        AbcCase(name: "one dominant customer leaves the rest to C when it passes 95 %", revenues: [96, 2, 2], cutoffs: .standard, expected: "ACC"),
        // before: 0, .40, .70, .90 with 50/30 cut-offs
        AbcCase(name: "custom cut-offs 50,30", revenues: [40, 30, 20, 10], cutoffs: AbcCutoffs(a: 50, b: 30), expected: "AABC"),
        // before: 0, .25, .50, .75: all below 80 %
        AbcCase(name: "equal revenues are all A while the share before stays under 80 %", revenues: [25, 25, 25, 25], cutoffs: .standard, expected: "AAAA"),
        // 80,0: no B at all
        AbcCase(name: "a B share of zero leaves B empty", revenues: [50, 30, 20], cutoffs: AbcCutoffs(a: 80, b: 0), expected: "AAC"),
        // tiny amounts whose float sum is not exact: 0.1+0.2+0.5 = 0.8 on paper, 0.7999999999999999 in binary
        AbcCase(name: "float noise at a cut-off does not move a customer", revenues: [0.5, 0.2, 0.1, 0.15, 0.05], cutoffs: .standard, expected: "AAABC"),
    ]

    @Test(arguments: abcCases)
    func abcClassesFollowTheShareBeforeEachCustomer(_ c: AbcCase) {
        let report = revenues(c.revenues.enumerated().map { ("c\($0.offset)", $0.element) }, abc: c.cutoffs)
        #expect(report.customers.map(\.abc.rawValue).joined() == c.expected)
        #expect(report.customers.map(\.rank) == Array(1...c.revenues.count))
    }

    @Test func customersAreRankedByRevenueThenByKey() {
        let report = revenues([("b", 10), ("a", 10), ("c", 30)])
        #expect(report.customers.map(\.customer) == ["c", "a", "b"])
        #expect(report.customers.map(\.cumulativeShare) == [0.6, 0.8, 1.0])
        #expect(report.customers.map(\.share) == [0.6, 0.2, 0.2])
    }

    @Test func customersWithZeroOrNegativeNetRevenueAreNotClassified() {
        let rows: [(String, String, Double)] = [
            ("big", "2024-01-05", 90), ("small", "2024-01-05", 10),
            ("refunded", "2024-01-05", 40), ("refunded", "2024-02-05", -40),  // nets to zero
            ("credit", "2024-03-05", -15),  // only a credit note
        ]
        let report = AbcXyzAnalysis.run(ledger(rows), settings: AbcXyzSettings())
        #expect(report.customers.map(\.customer) == ["big", "small"])
        #expect(report.customers.map(\.share) == [0.9, 0.1])
        #expect(report.classifiedRevenue == 100)
        #expect(Set(report.unclassified.map(\.customer)) == ["refunded", "credit"])
        #expect(report.unclassified.first { $0.customer == "credit" }?.revenue == -15)
        #expect(report.transactionCount == 5)
    }

    struct CutoffText: Sendable, CustomTestStringConvertible {
        let text: String
        let parsed: AbcCutoffs?
        var testDescription: String { "'\(text)'" }
    }

    static let cutoffTexts: [CutoffText] = [
        CutoffText(text: "80,15", parsed: AbcCutoffs(a: 80, b: 15)),
        CutoffText(text: "70, 20", parsed: AbcCutoffs(a: 70, b: 20)),
        CutoffText(text: "80,15,5", parsed: AbcCutoffs(a: 80, b: 15)),
        CutoffText(text: "80%,15%", parsed: AbcCutoffs(a: 80, b: 15)),
        CutoffText(text: "80,20", parsed: AbcCutoffs(a: 80, b: 20)),
        CutoffText(text: "80,15,10", parsed: nil),
        CutoffText(text: "0.8,0.15", parsed: nil),
        CutoffText(text: "90,20", parsed: nil),
        CutoffText(text: "80", parsed: nil),
        CutoffText(text: "a,b", parsed: nil),
        CutoffText(text: "0,50", parsed: nil),
        CutoffText(text: "80,-5", parsed: nil),
    ]

    @Test(arguments: cutoffTexts)
    func abcCutoffsAreReadAsPercentages(_ c: CutoffText) throws {
        if let expected = c.parsed {
            #expect(try AbcCutoffs(parsing: c.text) == expected)
        } else {
            #expect(throws: AbcXyzOptionProblem.self) { try AbcCutoffs(parsing: c.text) }
        }
    }

    @Test func aBadCutoffSaysWhatToWrite() throws {
        #expect(throws: AbcXyzOptionProblem.abc("0.8,0.15", "shares are percentages: write 80,15 rather than 0.8,0.15")) {
            try AbcCutoffs(parsing: "0.8,0.15")
        }
        #expect(throws: AbcXyzOptionProblem.xyz("1.0,0.5", "need 0 ≤ X ≤ Y (a CV is a ratio: 0.5 means the spread is half the mean)")) {
            try XyzThresholds(parsing: "1.0,0.5")
        }
        #expect(try XyzThresholds(parsing: "0.6, 1.2") == XyzThresholds(x: 0.6, y: 1.2))
        #expect(throws: AbcXyzOptionProblem.self) { try XyzThresholds(parsing: "0.5") }
    }
}
