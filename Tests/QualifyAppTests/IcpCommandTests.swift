import Foundation
import Testing

/// `qualify icp` run as a person would, through the built executable (see `CLI` in CommandLineTests.swift).
@Suite struct IcpCommandTests {
    /// 10 customers buy 1,000 every month for six months (b0…b8 AX, b9 BX: 54,000 of 60,300 comes before it), 8 of them
    /// in Finance; 30 buy 10 once (CZ), 6 of them in Finance. Finance: 8/10 vs 6/30 → lift 4, interval 1.83–8.72,
    /// round(10 × ln 4) = 14 points; Retail: 2/10 vs 24/30 → 0.25, se = √(1/2 − 1/10 + 1/24 − 1/30) = 0.639, interval
    /// 0.07–0.87, but 2 best customers are too few. `Note` differs on every row, `Currency` never does.
    static var sales: String {
        var rows = ["Customer,Date,Amount,Industry,Currency,Note"]
        for b in 0..<10 {
            for month in 1...6 { rows.append("b\(b),2024-0\(month)-10,1000,\(b < 8 ? "Finance" : "Retail"),USD,n\(rows.count)") }
        }
        for s in 0..<30 { rows.append("s\(s),2024-01-15,10,\(s < 6 ? "Finance" : "Retail"),USD,n\(rows.count)") }
        return rows.joined(separator: "\n") + "\n"
    }

    @Test func icpPrintsTheProfileInWordsAndATable() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let input = try files.file("sales.csv", Self.sales)
        let result = try CLI.run(["icp", input], in: files.dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("Your best customers (AX, AY, BX: 10 of 40) are 4.0× as likely as the rest to have Industry Finance (80.0 % vs 20.0 %)."),
                "\(result.out)")
        #expect(result.out.contains("Industry  Finance  8     80.0 %  6     20.0 %  4.00  1.83–8.72  higher"), "\(result.out)")
        #expect(result.out.contains("Industry  Retail   2     20.0 %  24    80.0 %  0.25  0.07–0.87  too few"), "\(result.out)")
        #expect(result.err.contains("traits: 'Industry'"), "\(result.err)")
        #expect(result.err.contains("skipped 'Currency': one value only ('USD')"), "\(result.err)")
        #expect(result.err.contains("skipped 'Note': more than 50 distinct values"), "\(result.err)")
    }

    @Test func emittedFitRulesPassModelCheckWhenMergedIntoTheDefaultModel() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let input = try files.file("sales.csv", Self.sales)
        let rulesPath = files.dir.appendingPathComponent("icp.yaml").path
        let result = try CLI.run(["icp", input, "--emit-fit-rules", rulesPath], in: files.dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.contains("wrote 1 fit rule to \(rulesPath)"), "\(result.err)")
        let rules = try String(contentsOfFile: rulesPath, encoding: .utf8)
        #expect(rules.contains("    - { id: icp-industry-finance, when: { field: \"industry\", equals: \"Finance\" }, points: 14 }"), "\(rules)")
        #expect(rules.contains("# Ideal customer profile fit rules, from `qualify icp sales.csv --best AX,AY,BX`"), "\(rules)")

        let shown = try CLI.run(["model", "show-default"], in: files.dir)
        #expect(shown.status == 0)
        var lines = shown.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let last = try #require(lines.lastIndex { $0.contains("id: disposable,") })
        lines.insert(contentsOf: rules.split(separator: "\n").map(String.init), at: last + 1)
        let merged = try files.file("merged.yaml", lines.joined(separator: "\n"))
        let check = try CLI.run(["model", "check", merged], in: files.dir)
        #expect(check.status == 0, "\(check.err)")
        #expect(check.out.contains("ok — model 'default-b2b': 10 fit rules"), "\(check.out)")
    }

    @Test func csvAndJsonCarryEveryValue() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let input = try files.file("sales.csv", Self.sales)
        let csv = try CLI.run(["icp", input, "--format", "csv", "--traits", "Industry"], in: files.dir)
        #expect(csv.status == 0, "\(csv.err)")
        let rows = csv.out.split(separator: "\n")
        #expect(rows.first == "trait,value,best,best_share,rest,rest_share,lift,lift_low,lift_high,corrected,verdict")
        #expect(rows.count == 3)
        #expect(rows[1].hasPrefix("Industry,Finance,8,0.800000,6,0.200000,4.000000,"))
        let json = try CLI.run(["icp", input, "--format", "json", "--min-best", "2"], in: files.dir)
        #expect(json.status == 0, "\(json.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(object["best_customers"] as? Int == 10)
        #expect(object["other_customers"] as? Int == 30)
        let values = try #require(object["values"] as? [[String: Any]])
        #expect(values.map { $0["verdict"] as? String } == ["higher", "lower"])  // with --min-best 2, Retail is judged
        #expect((object["skipped"] as? [[String: Any]])?.count == 2)
    }

    @Test func mistakesEndWithAMessageAndANonZeroStatus() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let input = try files.file("sales.csv", Self.sales)
        let unknown = try CLI.run(["icp", input, "--traits", "Industry,Sector"], in: files.dir)
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("--traits names 'Sector', which is not a column of the file (columns: Customer, Date, Amount, Industry, Currency, Note)"),
                "\(unknown.err)")
        let role = try CLI.run(["icp", input, "--traits", "Amount"], in: files.dir)
        #expect(role.status == 1)
        #expect(role.err.contains("which is the amount column"), "\(role.err)")
        let badClass = try CLI.run(["icp", input, "--best", "AX,QZ"], in: files.dir)
        #expect(badClass.status != 0 && badClass.status < 128)
        #expect(badClass.err.contains("--best 'AX,QZ': unknown class 'QZ'"), "\(badClass.err)")
        let nobody = try CLI.run(["icp", input, "--best", "CX"], in: files.dir)
        #expect(nobody.status == 1)
        #expect(nobody.err.contains("none of the 40 customers is in CX"), "\(nobody.err)")
        let everybody = try CLI.run(["icp", input, "--best", "A,B,C"], in: files.dir)
        #expect(everybody.status == 1)
        #expect(everybody.err.contains("all 40 customers are in"), "\(everybody.err)")
        let missing = try CLI.run(["icp", files.dir.appendingPathComponent("nope.csv").path], in: files.dir)
        #expect(missing.status == 1)
        #expect(missing.err.contains("no such file"), "\(missing.err)")
        let noTraits = try CLI.run(["icp", try files.file("plain.csv", "Customer,Date,Amount\na,2024-01-01,5\n")], in: files.dir)
        #expect(noTraits.status == 1)
        #expect(noTraits.err.contains("no column can serve as a trait"), "\(noTraits.err)")
    }
}
