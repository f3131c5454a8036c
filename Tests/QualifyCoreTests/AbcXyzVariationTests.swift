import QualifyCore
import Testing

@Suite struct AbcXyzVariationTests {
    struct Series: CustomTestStringConvertible, Sendable {
        let name: String
        /// revenue per month of the span, zeros included
        let months: [Double]
        let cv: Double?
        let xyz: XyzClass
        var testDescription: String { name }
    }

    /// CVs computed by hand (population standard deviation / mean over the span).
    static let series: [Series] = [
        // mean 100, every deviation 0
        Series(name: "the same revenue every month is X with CV 0", months: [100, 100, 100], cv: 0, xyz: .x),
        // mean 200, deviations ±100 → std 100
        Series(name: "CV exactly 0.5 is X (the threshold is inclusive)", months: [300, 100], cv: 0.5, xyz: .x),
        // mean 200/3; deviations 100/3, −200/3, 100/3 → variance (1 + 4 + 1)/3 · (100/3)² = 2 · (100/3)² → CV √2 / 2
        Series(name: "a month without purchase inside the span counts as zero", months: [100, 0, 100], cv: 0.5.squareRoot(), xyz: .y),
        // mean 50, every deviation ±50 → std 50
        Series(name: "CV exactly 1.0 is Y", months: [100, 0, 0, 100], cv: 1.0, xyz: .y),
        // mean 40; deviations 60, −40, −40, −40, 60 → variance 2400 → std 48.99 → CV √1.5
        Series(name: "long gaps make a buyer Z", months: [100, 0, 0, 0, 100], cv: 1.5.squareRoot(), xyz: .z),
        Series(name: "a single month has no CV and is Z", months: [500], cv: nil, xyz: .z),
    ]

    @Test(arguments: series)
    func xyzClassesFollowTheCoefficientOfVariation(_ s: Series) throws {
        var rows: [(String, String, Double)] = []
        for (k, amount) in s.months.enumerated() where amount != 0 {
            rows.append(("acme", "2024-\(k < 9 ? "0" : "")\(k + 1)-10", amount))
        }
        let report = AbcXyzAnalysis.run(ledger(rows), settings: AbcXyzSettings())
        let customer = try #require(report.customers.first)
        #expect(customer.xyz == s.xyz)
        #expect(customer.spanPeriods == s.months.count)
        #expect(customer.activePeriods == s.months.filter { $0 != 0 }.count)
        if let cv = s.cv {
            #expect(abs(try #require(customer.cv) - cv) < 1e-12)
            #expect(abs(try #require(AbcXyzAnalysis.coefficientOfVariation(s.months)) - cv) < 1e-12)
        } else if s.months.count == 1 {
            #expect(customer.cv == nil)
        }
    }

    @Test func periodsBeforeTheFirstAndAfterTheLastPurchaseDoNotCount() throws {
        // The data set runs January to December; this customer buys only in March and April.
        let rows: [(String, String, Double)] = [
            ("early", "2024-01-03", 10), ("late", "2024-12-20", 10),
            ("spring", "2024-03-10", 100), ("spring", "2024-04-10", 100),
        ]
        let report = AbcXyzAnalysis.run(ledger(rows), settings: AbcXyzSettings())
        let spring = try #require(report.customers.first { $0.customer == "spring" })
        #expect(spring.spanPeriods == 2)
        #expect(spring.cv == 0)
        #expect(spring.xyz == .x)
        #expect(report.firstPeriod.map { AnalysisPeriod.month.label(of: $0) } == "2024-01")
        #expect(report.lastPeriod.map { AnalysisPeriod.month.label(of: $0) } == "2024-12")
    }

    @Test func aZeroAmountTransactionStillMarksAnActivePeriod() throws {
        // [100, 0, 0, 0, 0]: the May order was free but it extends the span; mean 20, deviations 80 and −20 ×4 →
        // variance (6400 + 4 · 400) / 5 = 1600 → std 40 → CV 2
        let rows: [(String, String, Double)] = [("acme", "2024-01-10", 100), ("acme", "2024-05-10", 0)]
        let acme = try #require(AbcXyzAnalysis.run(ledger(rows), settings: AbcXyzSettings()).customers.first)
        #expect(acme.spanPeriods == 5)
        #expect(acme.activePeriods == 2)
        #expect(acme.cv == 2)
        #expect(acme.xyz == .z)
    }

    @Test func transactionsOfTheSameMonthAreAddedWhateverTheirOrder() throws {
        // months: Jan 100 (60 + 40, the 40 arriving after March), Feb 0, Mar 100 (150 − 50 refund) → [100, 0, 100]
        let rows: [(String, String, Double)] = [
            ("acme", "2024-01-02", 60), ("other", "2024-01-03", 5), ("acme", "2024-03-01", 150),
            ("acme", "2024-01-31", 40), ("acme", "2024-03-20", -50),
        ]
        let report = AbcXyzAnalysis.run(ledger(rows), settings: AbcXyzSettings())
        let acme = try #require(report.customers.first { $0.customer == "acme" })
        #expect(acme.revenue == 200)
        #expect(acme.transactions == 4)
        #expect(acme.activePeriods == 2)
        #expect(abs(try #require(acme.cv) - 0.5.squareRoot()) < 1e-12)
    }

    @Test func quartersBucketThreeMonthsTogether() throws {
        // Q1 = 100 + 100, Q2 = 0, Q3 = 200 → [200, 0, 200] → CV √2/2 (Y); by month the span is Jan…Jul with 4 zeros.
        let rows: [(String, String, Double)] = [
            ("acme", "2023-01-15", 100), ("acme", "2023-03-31", 100), ("acme", "2023-07-01", 200),
        ]
        let quarterly = AbcXyzAnalysis.run(ledger(rows, period: .quarter), settings: AbcXyzSettings(period: .quarter))
        let q = try #require(quarterly.customers.first)
        #expect(q.spanPeriods == 3)
        #expect(abs(try #require(q.cv) - 0.5.squareRoot()) < 1e-12)
        #expect(q.xyz == .y)
        let monthly = AbcXyzAnalysis.run(ledger(rows), settings: AbcXyzSettings())
        let m = try #require(monthly.customers.first)
        #expect(m.spanPeriods == 7)
        // [100, 0, 100, 0, 0, 0, 200]: mean 400/7
        #expect(abs(try #require(m.cv) - AbcXyzAnalysis.coefficientOfVariation([100, 0, 100, 0, 0, 0, 200])!) < 1e-12)
        #expect(m.xyz == .z)
    }

    @Test func weeksRunFromMondayToSunday() throws {
        // 2023-01-01 is a Sunday: it closes the week of Monday 2022-12-26; 2023-01-02 opens the next week.
        let rows: [(String, String, Double)] = [
            ("acme", "2022-12-26", 50), ("acme", "2023-01-01T23:59:59Z", 50), ("acme", "2023-01-02", 100),
        ]
        let report = AbcXyzAnalysis.run(ledger(rows, period: .week), settings: AbcXyzSettings(period: .week))
        let acme = try #require(report.customers.first)
        #expect(acme.spanPeriods == 2)
        #expect(acme.cv == 0)
        #expect(AnalysisPeriod.week.label(of: acme.firstPeriod) == "2022-12-26")
        #expect(AnalysisPeriod.week.label(of: acme.lastPeriod) == "2023-01-02")
    }

    struct Bucket: Sendable, CustomTestStringConvertible {
        let period: AnalysisPeriod
        let date: String
        let label: String
        var testDescription: String { "\(date) is in \(period.rawValue) \(label)" }
    }

    static let buckets: [Bucket] = [
        Bucket(period: .month, date: "2024-02-29", label: "2024-02"),
        Bucket(period: .month, date: "1969-12-31", label: "1969-12"),
        Bucket(period: .quarter, date: "2023-03-31", label: "2023-Q1"),
        Bucket(period: .quarter, date: "2023-04-01", label: "2023-Q2"),
        Bucket(period: .quarter, date: "2023-12-31", label: "2023-Q4"),
        Bucket(period: .week, date: "1970-01-01", label: "1969-12-29"),
        Bucket(period: .week, date: "1970-01-04", label: "1969-12-29"),
        Bucket(period: .week, date: "1970-01-05", label: "1970-01-05"),
        Bucket(period: .week, date: "1969-12-28", label: "1969-12-22"),
        Bucket(period: .week, date: "2024-12-31", label: "2024-12-30"),
    ]

    @Test(arguments: buckets)
    func everyDayFallsInTheRightPeriod(_ b: Bucket) {
        let index = b.period.index(of: Timestamp(iso8601: b.date)!)
        #expect(b.period.label(of: index) == b.label)
        #expect(b.period.index(ofDay: b.period.firstDay(of: index)) == index)
        #expect(b.period.index(ofDay: b.period.firstDay(of: index) - 1) == index - 1)
    }

    @Test(arguments: AnalysisPeriod.allCases)
    func consecutivePeriodsAreConsecutiveNumbers(_ period: AnalysisPeriod) {
        var previous = period.index(ofDay: Timestamp.daysSince1970("2019-12-01"))
        var day = Timestamp.daysSince1970("2019-12-01")
        while day < Timestamp.daysSince1970("2021-02-01") {
            day += 1
            let index = period.index(ofDay: day)
            #expect(index == previous || index == previous + 1)
            previous = index
        }
    }
}

extension Timestamp {
    static func daysSince1970(_ date: String) -> Int64 { Timestamp(iso8601: date)!.millis / 86_400_000 }
}
