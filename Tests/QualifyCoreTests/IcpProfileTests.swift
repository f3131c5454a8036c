import QualifyCore
import Testing

/// The ideal customer profile on small populations whose every count, share and lift is worked out by hand.
@Suite struct IcpProfileTests {
    /// `best` customers then `rest` customers, each with the industry given by the pairs (value, how many).
    static func population(best: [(String, Int)], rest: [(String, Int)]) -> (IcpPopulation, CustomerTraitTally) {
        var tally = CustomerTraitTally(traits: ["Industry"])
        var customers: [String] = [], isBest: [Bool] = []
        for (group, flag) in [(best, true), (rest, false)] {
            for (value, n) in group {
                for _ in 0..<n {
                    let key = "c\(customers.count)"
                    customers.append(key)
                    isBest.append(flag)
                    tally.add(customer: key, values: [value])
                }
            }
        }
        return (IcpPopulation(customers: customers, best: isBest, bestLabel: "AX, AY, BX"), tally)
    }

    /// 20 best (15 Finance, 5 Retail) against 80 others (20 Finance, 60 Retail).
    static func financeReport() throws -> IcpReport {
        let (population, tally) = population(best: [("Finance", 15), ("Retail", 5)], rest: [("Finance", 20), ("Retail", 60)])
        return try IdealCustomerProfile.run(population, tally: tally, traits: ["Industry"])
    }

    @Test func sharesLiftsAndIntervalsMatchTheHandComputation() throws {
        let report = try Self.financeReport()
        #expect(report.bestCount == 20 && report.restCount == 80)
        let rows = Dictionary(uniqueKeysWithValues: report.traits[0].values.map { ($0.value, $0) })
        let finance = try #require(rows["Finance"])
        // 15/20 = 0.75 vs 20/80 = 0.25: lift 3; se = √(1/15 − 1/20 + 1/20 − 1/80) = 0.232737
        // interval exp(1.098612 ∓ 0.456156) = 1.901143, 4.733993
        #expect(finance.best == 15 && finance.rest == 20)
        #expect(finance.bestShare == 0.75 && finance.restShare == 0.25)
        #expect(abs(finance.lift.lift - 3) < 1e-12)
        #expect(abs(finance.lift.lower - 1.901143) < 1e-6)
        #expect(abs(finance.lift.upper - 4.733993) < 1e-6)
        #expect(finance.verdict == .higher)
        #expect(finance.test == .equals("Finance"))
        let retail = try #require(rows["Retail"])
        // 5/20 = 0.25 vs 60/80 = 0.75: lift 1/3; se = √(1/5 − 1/20 + 1/60 − 1/80) = 0.392641
        // interval exp(−1.098612 ∓ 0.769562) = 0.154405, 0.719606
        #expect(abs(retail.lift.lift - 1.0 / 3) < 1e-12)
        #expect(abs(retail.lift.lower - 0.154405) < 1e-6)
        #expect(abs(retail.lift.upper - 0.719606) < 1e-6)
        #expect(retail.verdict == .lower)
        #expect(report.ranked.map(\.value) == ["Finance", "Retail"])
    }

    @Test func theProfileReadsAsASentence() throws {
        let text = try Self.financeReport().summary()
        #expect(text.hasPrefix("Your best customers (AX, AY, BX: 20 of 100) are 3.0× as likely as the rest to have Industry Finance (75.0 % vs 25.0 %)."))
        #expect(text.contains("They are less likely to have Industry Retail (0.33×: 25.0 % vs 75.0 %)."))
    }

    @Test func valuesWithFewerBestCustomersThanTheMinimumAreTooFewToJudge() throws {
        // 4 of 10 best in Mining (below 5): too few, whatever the lift; blank customers form their own value
        let (population, tally) = Self.population(best: [("Mining", 4), ("Retail", 6)], rest: [("Retail", 30), ("", 10)])
        let report = try IdealCustomerProfile.run(population, tally: tally, traits: ["Industry"])
        let rows = Dictionary(uniqueKeysWithValues: report.traits[0].values.map { ($0.value, $0) })
        #expect(rows["Mining"]?.verdict == .tooFew)
        #expect(rows["Mining"]?.lift.corrected == true)  // nobody else is in Mining
        #expect(rows["(blank)"]?.rest == 10)
        #expect(rows["(blank)"]?.test == .blank)
        #expect(report.traits[0].blank == 10)
        #expect(report.ranked.suffix(2).map(\.value) == ["Mining", "(blank)"])  // too few: by best customers, 4 then 0
        // 6/10 vs 30/40: lift 0.8, se = √(1/6 − 1/10 + 1/30 − 1/40) = 0.273861 → 0.467755…1.368289: not significant
        #expect(rows["Retail"]?.verdict == .notSignificant)
        let lowered = try IdealCustomerProfile.run(population, tally: tally, traits: ["Industry"], settings: IcpSettings(minimumBest: 4))
        #expect(lowered.traits[0].values.first { $0.value == "Mining" }?.verdict != .tooFew)
    }

    @Test func noBestCustomersOrNoOthersIsAClearError() {
        let (population, tally) = Self.population(best: [], rest: [("Retail", 3)])
        #expect(throws: IcpProblem.noBestCustomers("AX, AY, BX", customers: 3)) {
            try IdealCustomerProfile.run(population, tally: tally, traits: ["Industry"])
        }
        let (all, tally2) = Self.population(best: [("Retail", 3)], rest: [])
        #expect(throws: IcpProblem.noOtherCustomers("AX, AY, BX", customers: 3)) {
            try IdealCustomerProfile.run(all, tally: tally2, traits: ["Industry"])
        }
        #expect(IcpProblem.noBestCustomers("CX", customers: 3).description.contains("none of the 3 customers is in CX"))
    }

    @Test func aNumericTraitWithManyValuesIsBandedIntoQuartiles() throws {
        // employees 10, 20 … 120 (12 values > 10): edges v[0] = 10, v[3] = 40, v[6] = 70, v[9] = 100
        // best: 70, 100, 110, 120
        var tally = CustomerTraitTally(traits: ["Employees"])
        var customers: [String] = [], best: [Bool] = []
        for k in 1...12 {
            customers.append("c\(k)")
            best.append([7, 10, 11, 12].contains(k))
            tally.add(customer: "c\(k)", values: ["\(k * 10)"])
        }
        #expect(tally.isNumeric("Employees"))
        let report = try IdealCustomerProfile.run(IcpPopulation(customers: customers, best: best, bestLabel: "A"), tally: tally,
                                                  traits: ["Employees"], settings: IcpSettings(minimumBest: 1))
        let trait = report.traits[0]
        #expect(trait.kind == .bands)
        #expect(trait.values.map(\.value) == ["10–30", "40–60", "70–90", "100–120"])
        #expect(trait.values.map(\.best) == [0, 0, 1, 3])
        #expect(trait.values.map(\.rest) == [3, 3, 2, 0])
        let top = trait.values[3]
        #expect(top.test == .between(100, 120))
        // 3 of 4 best, 0 of 8 others: corrected (3.5/5) / (0.5/9) = 12.6
        #expect(top.lift.corrected)
        #expect(abs(top.lift.lift - 12.6) < 1e-9)
        // ten distinct values or fewer stay categories
        var few = CustomerTraitTally(traits: ["Employees"])
        for k in 1...10 { few.add(customer: "c\(k)", values: ["\(k)"]) }
        let categories = try IdealCustomerProfile.run(
            IcpPopulation(customers: (1...10).map { "c\($0)" }, best: (1...10).map { $0 <= 5 }, bestLabel: "A"), tally: few,
            traits: ["Employees"])
        #expect(categories.traits[0].kind == .categories)
        #expect(categories.traits[0].values.count == 10)
    }
}

/// A customer's value of a trait: its most frequent one, ties broken without regard to row order.
@Suite struct IcpTraitTallyTests {
    @Test func theMostFrequentValueWins() {
        var tally = CustomerTraitTally(traits: ["Industry"])
        for v in ["Finance", "Retail", "Retail", "Retail", ""] { tally.add(customer: "acme", values: [v]) }
        for v in ["", "", "Energy"] { tally.add(customer: "zeta", values: [v]) }
        tally.add(customer: "blank", values: [""])
        let values = tally.values(of: "Industry")
        #expect(values?["acme"] == "Retail")
        #expect(values?["zeta"] == "Energy")  // blanks never count
        #expect(values?["blank"] == nil)
        #expect(tally.values(of: "Nope") == nil)
    }

    @Test func tiesGoToTheSmallerValueInEitherRowOrder() {
        for order in [["SMB", "Enterprise", "SMB", "Enterprise"], ["Enterprise", "SMB", "Enterprise", "SMB"]] {
            var tally = CustomerTraitTally(traits: ["Segment", "Employees"])
            for (i, v) in order.enumerated() { tally.add(customer: "acme", values: [v, i % 2 == 0 ? "9" : "10"]) }
            #expect(tally.values(of: "Segment")?["acme"] == "Enterprise")  // byte order: E before S
            #expect(tally.values(of: "Employees")?["acme"] == "9")  // numeric: 9 before 10 (in byte order "10" < "9")
            #expect(!tally.isNumeric("Segment"))
        }
        #expect(CustomerTraitTally.precedes("10", "9", numeric: false))
        #expect(!CustomerTraitTally.precedes("10", "9", numeric: true))
    }

    @Test(arguments: [("12", 12.0), ("-3.5", -3.5), ("1e3", 1000.0), (".5", 0.5)])
    func numbersAreRecognised(text: String, value: Double) {
        #expect(CustomerTraitTally.number(text) == value)
    }

    @Test(arguments: ["", "abc", "nan", "inf", "51-200", "$12", "1,200"])
    func otherTextIsNotANumber(text: String) {
        #expect(CustomerTraitTally.number(text) == nil)
    }
}

/// `--best`: ABC-XYZ groups, or one letter for a row or column.
@Suite struct IcpBestClassesTests {
    @Test func groupsAreReadInAnyCaseAndKeptInMatrixOrder() throws {
        #expect(try BestClasses(parsing: "bx, AX,ay").groups == ["AX", "AY", "BX"])
        #expect(try BestClasses(parsing: "A").groups == ["AX", "AY", "AZ"])
        #expect(try BestClasses(parsing: "X").groups == ["AX", "BX", "CX"])
        #expect(try BestClasses(parsing: "AX,A").groups == ["AX", "AY", "AZ"])
        #expect(BestClasses.standard.label == "AX, AY, BX")
    }

    @Test(arguments: ["AQ", "", "AX,,BX", "ABX", "D"])
    func anUnknownClassIsRefusedWithWhatIsExpected(text: String) {
        #expect(throws: IcpOptionProblem.self) { try BestClasses(parsing: text) }
        do {
            _ = try BestClasses(parsing: text)
        } catch {
            #expect(error.description.contains("unknown class"))
            #expect(error.description.contains("AX, AY, BX"))
        }
    }

    @Test func thePopulationOfAnAbcXyzReportPutsUnclassifiedCustomersWithTheRest() {
        // big buys 1,000 every month (AX); small buys once (its 5 % share before it is 95.2 % → C, one month → Z);
        // refund is unclassified
        let report = AbcXyzAnalysis.run(ledger([
            ("big", "2024-01-10", 1000), ("big", "2024-02-10", 1000), ("big", "2024-03-10", 1000),
            ("small", "2024-02-01", 150), ("refund", "2024-01-01", -5),
        ]), settings: AbcXyzSettings())
        let population = IcpPopulation(report, classes: .standard)
        #expect(population.customers == ["big", "small", "refund"])
        #expect(population.best == [true, false, false])
    }
}
