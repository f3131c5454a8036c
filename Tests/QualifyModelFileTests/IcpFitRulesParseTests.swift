import QualifyCore
import QualifyModelFile
import Testing

/// The fit rules `qualify icp --emit-fit-rules` writes are model syntax: pasted into the default model, it still parses.
@Suite struct IcpFitRulesParseTests {
    /// 20 best against 80 others: Finance 15 vs 20 (lift 3), `Acme "Labs" \ Co` 10 vs 4 (lift 10), Retail the rest
    /// (below 1); employees 500–511 for 12 best, 520–527 for 8 others, else the customer's number (12–19 best, 28–99 others).
    static func report() throws -> IcpReport {
        var tally = CustomerTraitTally(traits: ["Industry", "Parent Company", "Number of Employees"])
        var customers: [String] = [], best: [Bool] = []
        for k in 0..<100 {
            let isBest = k < 20
            let industry = isBest ? (k < 15 ? "Finance" : "Retail") : (k < 40 ? "Finance" : "Retail")
            let parent = isBest ? (k < 10 ? "Acme \"Labs\" \\ Co" : "Other") : (k < 24 ? "Acme \"Labs\" \\ Co" : "Other")
            let employees = isBest ? (k < 12 ? 500 + k : k) : (k < 28 ? 500 + k : k)
            customers.append("c\(k)")
            best.append(isBest)
            tally.add(customer: "c\(k)", values: [industry, parent, "\(employees)"])
        }
        return try IdealCustomerProfile.run(IcpPopulation(customers: customers, best: best, bestLabel: "AX, AY, BX"), tally: tally,
                                            traits: ["Industry", "Parent Company", "Number of Employees"])
    }

    /// The default model with `rules` inserted after its last fit rule.
    static func merged(_ rules: String) -> String {
        var lines = DefaultModel.yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let last = lines.lastIndex { $0.contains("id: disposable,") }!
        lines.insert(contentsOf: rules.split(separator: "\n").map(String.init), at: last + 1)
        return lines.joined(separator: "\n")
    }

    @Test func emittedRulesMergedIntoTheDefaultModelParse() throws {
        let report = try Self.report()
        let yaml = IcpFitRules.yaml(report, source: "`qualify icp sales.csv --best AX,AY,BX`")
        #expect(yaml.hasPrefix("    # Ideal customer profile fit rules, from `qualify icp sales.csv --best AX,AY,BX`:"))
        let (model, _) = try ModelFile.parse(yaml: Self.merged(yaml), file: "merged.yaml").get()
        let added = model.fit.rules.filter { $0.id.hasPrefix("icp-") }
        // Finance: round(10 ln 3) = 11; Acme: 10/20 vs 4/80 → lift 10 → round(23.03) = 23
        let finance = try #require(added.first { $0.when == .field("industry", .equals("Finance")) })
        #expect(finance.points == 11)
        #expect(finance.id == "icp-industry-finance")
        let acme = try #require(added.first { $0.when == .field("parent_company", .equals("Acme \"Labs\" \\ Co")) })
        #expect(acme.points == 23)
        // 100 distinct sizes → quartile bands; sorted: 12–19, 28–99, 500–511, 520–527, so edges v[0] = 12, v[25] = 45,
        // v[50] = 70, v[75] = 95. Top band 95–527: 12 of 20 best vs 13 of 80 others → lift 3.692, lower end
        // exp(1.306252 − 1.96 × 0.312660) = 2.0006 → significant, round(13.06) = 13 points. The first band (12–44: 8 vs 17,
        // lift 1.88, lower end 0.95) is not significant.
        let sizes = added.filter { if case .field("employees", _) = $0.when { return true } else { return false } }
        #expect(sizes.map(\.when) == [.field("employees", .between(95, 527))])
        #expect(sizes.first?.points == 13)
        #expect(!added.contains { $0.when == .field("industry", .equals("Retail")) })
        #expect(model.fit.rules.count == 9 + added.count)
    }

    @Test func withNothingSignificantTheFileHoldsOnlyComments() throws {
        var tally = CustomerTraitTally(traits: ["Industry"])
        for k in 0..<20 { tally.add(customer: "c\(k)", values: [k % 2 == 0 ? "Finance" : "Retail"]) }
        let report = try IdealCustomerProfile.run(
            IcpPopulation(customers: (0..<20).map { "c\($0)" }, best: (0..<20).map { $0 < 10 }, bestLabel: "A"), tally: tally,
            traits: ["Industry"])
        let yaml = IcpFitRules.yaml(report, source: "test")
        #expect(yaml.split(separator: "\n").allSatisfy { $0.hasPrefix("    #") })
        let (model, _) = try ModelFile.parse(yaml: Self.merged(yaml), file: "merged.yaml").get()
        #expect(model.fit.rules.count == 9)
    }
}
