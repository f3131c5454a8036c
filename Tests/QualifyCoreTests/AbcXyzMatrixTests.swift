import QualifyCore
import Testing

@Suite struct AbcXyzMatrixTests {
    /// Five customers, January to April 2024 (monthly):
    /// - steady: 200 every month → 800, CV 0 → X
    /// - wavy: 100, 0, 100, 0 … → span Jan–Mar [100, 0, 100] → 200, CV √2/2 → Y
    /// - burst: 100 in January only → single period → Z
    /// - spiky: 10, 0, 0, 80 → 90, mean 22.5 → CV > 1 → Z
    /// - tiny: 5 + 5 in February → 10, single period → Z
    /// Total 1,200. Ranked: steady 800 (before 0 → A), wavy 200 (before 66.7 % → A), burst 100 (before 83.3 % → B),
    /// spiky 90 (before 91.7 % → B), tiny 10 (before 99.2 % → C).
    static let rows: [(String, String, Double)] = [
        ("steady", "2024-01-05", 200), ("steady", "2024-02-05", 200), ("steady", "2024-03-05", 200), ("steady", "2024-04-05", 200),
        ("wavy", "2024-01-09", 100), ("wavy", "2024-03-09", 100),
        ("burst", "2024-01-20", 100),
        ("spiky", "2024-01-02", 10), ("spiky", "2024-04-28", 80),
        ("tiny", "2024-02-01", 5), ("tiny", "2024-02-02", 5),
    ]

    @Test func eachCustomerGetsItsGroup() {
        let report = AbcXyzAnalysis.run(ledger(Self.rows), settings: AbcXyzSettings())
        #expect(report.customers.map { "\($0.customer)=\($0.group)" } == ["steady=AX", "wavy=AY", "burst=BZ", "spiky=BZ", "tiny=CZ"])
    }

    @Test func theMatrixCountsCustomersAndRevenuePerGroupAndSharesAddUpToOne() {
        let m = AbcXyzAnalysis.run(ledger(Self.rows), settings: AbcXyzSettings()).matrix
        #expect(m.cells.map(\.group) == ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"])
        #expect(m.cells.map(\.customers) == [1, 1, 0, 0, 0, 2, 0, 0, 1])
        #expect(m.cells.map(\.revenue) == [800, 200, 0, 0, 0, 190, 0, 0, 10])
        #expect(abs(m.cells.map(\.share).reduce(0, +) - 1) < 1e-12)
        #expect(m.cell(.b, .z).share == 190.0 / 1200)
        #expect(m.cell(.b, .z).singlePeriodCustomers == 1)
        #expect(m.cell(.c, .z).singlePeriodCustomers == 1)
    }

    @Test(arguments: [AnalysisPeriod.week, .month, .quarter])
    func sharesAddUpToOneWhateverThePeriod(_ period: AnalysisPeriod) {
        // a deterministic spread of 200 customers with skewed revenue over two years
        var rows: [(String, String, Double)] = []
        var seed: UInt64 = 7
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        for c in 0..<200 {
            for _ in 0..<(1 + Int(next() % 12)) {
                let month = 1 + Int(next() % 12), day = 1 + Int(next() % 28)
                let amount = Double(1 + next() % 1000) * Double(200 - c) / 100
                rows.append(("c\(c)", "202\(3 + Int(next() % 2))-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)", amount))
            }
        }
        let report = AbcXyzAnalysis.run(ledger(rows, period: period), settings: AbcXyzSettings(period: period))
        #expect(abs(report.matrix.cells.map(\.share).reduce(0, +) - 1) < 1e-9)
        #expect(report.matrix.cells.map(\.customers).reduce(0, +) == 200)
        let aShare = report.customers.filter { $0.abc == .a }.map(\.share).reduce(0, +)
        #expect(aShare >= 0.8)
    }

    @Test func groupsAreDescribedInWords() {
        let m = AbcXyzAnalysis.run(ledger(Self.rows), settings: AbcXyzSettings()).matrix
        #expect(m.cell(.a, .x).description
            == "AX: 1 customer, 66.7 % of revenue — key customers, steady monthly buyers; protect and grow them: reliable revenue to plan on")
        #expect(m.cell(.b, .z).description
            == "BZ: 2 customers, 15.8 % of revenue — mid-value customers, irregular buyers (1 bought in one month only); serve on demand")
        #expect(m.cell(.c, .z).description.hasPrefix("CZ: 1 customer, 0.8 % of revenue — small customers, irregular buyers (all bought in one month only)"))
        #expect(AbcXyzMatrix.describe(.a, .y, customers: 12_345, share: 0.61, singlePeriod: 0, period: .quarter)
            .hasPrefix("AY: 12,345 customers, 61.0 % of revenue — key customers, fluctuating quarterly buyers;"))
    }

    struct Fixed: Sendable, CustomTestStringConvertible {
        let value: Double
        let decimals: Int
        let text: String
        var testDescription: String { "\(value) → \(text)" }
    }

    static let fixed: [Fixed] = [
        Fixed(value: 2.345, decimals: 2, text: "2.35"), Fixed(value: 0, decimals: 2, text: "0.00"),
        Fixed(value: -1.005, decimals: 1, text: "-1.0"), Fixed(value: 1234567.891, decimals: 2, text: "1234567.89"),
        Fixed(value: 0.000_000_4, decimals: 6, text: "0.000000"), Fixed(value: -0.000_000_4, decimals: 6, text: "0.000000"),
        Fixed(value: 99.96, decimals: 1, text: "100.0"), Fixed(value: 7, decimals: 0, text: "7"),
    ]

    @Test(arguments: fixed)
    func numbersAreWrittenWithFixedDecimals(_ f: Fixed) {
        #expect(AbcXyzMatrix.formatFixed(f.value, decimals: f.decimals) == f.text)
    }

    @Test func countsGetThousandsSeparators() {
        #expect([0, 7, 999, 1000, 23_570, 1_000_000].map(AbcXyzMatrix.formatCount) == ["0", "7", "999", "1,000", "23,570", "1,000,000"])
    }
}
