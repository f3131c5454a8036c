import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `qualify abcxyz` run as a person would, through the built executable (see `CLI` in CommandLineTests.swift).
@Suite struct TransactionImportCommandTests {
    static let sales = """
        Customer,Order Date,Amount
        steady,2024-01-05,200
        steady,2024-02-05,200
        steady,2024-03-05,200
        wavy,2024-01-09,100
        wavy,2024-03-09,100
        burst,2024-01-20,150
        tiny,2024-02-01,50
        broken,2024-02-30,10
        refund,2024-01-01,-5

        """

    @Test func abcxyzPrintsTheMatrixAndWritesTheChartAndEveryCustomer() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let input = try files.file("sales.csv", Self.sales)
        let chart = files.dir.appendingPathComponent("chart.svg").path
        let customers = files.dir.appendingPathComponent("customers.csv").path
        let result = try CLI.run(["abcxyz", input, "--chart", chart, "--customers", customers], in: files.dir)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.contains("customer = 'Customer', date = 'Order Date', amount = 'Amount'"), "\(result.err)")
        #expect(result.err.contains("sales.csv:9: date '2024-02-30' in column 'Order Date' is not a date"), "\(result.err)")
        #expect(result.out.contains("AX: 1 customer, 60.0 % of revenue"), "\(result.out)")
        #expect(result.out.contains("Not classified: 1 customer with zero or negative net revenue"), "\(result.out)")

        let svg = try String(contentsOfFile: chart, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("<polyline points=\"80,440 "))  // the Pareto curve starts at (0 %, 0 %)
        #expect(svg.contains("A/B cut-off 80 %"))
        for group in ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"] { #expect(svg.contains(">\(group)</text>")) }
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "the SVG is not well-formed XML: \(String(describing: parser.parserError))")

        let lines = try String(contentsOfFile: customers, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.hasPrefix("rank,customer,revenue,share,cumulative_share,abc,xyz,class,cv") == true)
        #expect(lines.count == 1 + 5)
        #expect(lines[1] == "1,steady,600.00,0.60000000,0.60000000,A,X,AX,0.000000,3,3,3,2024-01,2024-03,")
        #expect(lines[3] == "3,burst,150.00,0.15000000,0.95000000,B,Z,BZ,,1,1,1,2024-01,2024-01,one month only")
        #expect(lines[4].hasPrefix("4,tiny,50.00,0.05000000,1.00000000,C,Z,CZ,"))
        #expect(lines[5] == ",refund,-5.00,,,,,,,1,,,,,zero or negative net revenue")
    }

    @Test func csvAndJsonFormatsCarryTheSameMatrix() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let input = try files.file("sales.csv", Self.sales)
        let csv = try CLI.run(["abcxyz", input, "--format", "csv", "--period", "quarter"], in: files.dir)
        #expect(csv.status == 0, "\(csv.err)")
        let rows = csv.out.split(separator: "\n")
        #expect(rows.count == 10)
        #expect(rows[0] == "group,abc,xyz,customers,revenue,share,single_period_customers,description")
        // by quarter everything falls in 2024-Q1: one period each, so every customer is Z
        #expect(rows[3].hasPrefix("AZ,A,Z,2,800.00,0.800000,2,"))
        let json = try CLI.run(["abcxyz", input, "--format", "json"], in: files.dir)
        #expect(json.status == 0, "\(json.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect((object["matrix"] as? [Any])?.count == 9)
        #expect((object["customers"] as? [[String: Any]])?.first?["class"] as? String == "AX")
        #expect((object["unclassified"] as? [[String: Any]])?.first?["customer"] as? String == "refund")
    }

    @Test(arguments: [
        (["--abc", "0.8,0.15"], "shares are percentages"),
        (["--xyz", "1,0.5"], "need 0 ≤ X ≤ Y"),
        (["--delimiter", "pipe"], "expected comma, semicolon, tab or whitespace"),
        (["--map", "Amount"], "is not COLUMN=ROLE"),
        (["--map", "Total=amount"], "--map names column 'Total', which is not in the file"),
    ])
    func badOptionsFailWithAMessageThatSaysWhatToDo(_ options: [String], _ message: String) throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let input = try files.file("sales.csv", Self.sales)
        let result = try CLI.run(["abcxyz", input] + options, in: files.dir)
        #expect(result.status != 0)
        #expect(result.err.contains(message), "\(result.err)")
    }
}
