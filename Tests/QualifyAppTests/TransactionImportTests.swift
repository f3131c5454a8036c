import Foundation
import QualifyApp
import QualifyCore
import Testing

/// A temporary directory for transaction files, removed afterwards.
struct TransactionFiles {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-tx-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    func cleanUp() { try? FileManager.default.removeItem(at: dir) }
}

@Suite struct TransactionImportTests {
    /// A CRM export: UTF-8 with a BOM, CRLF, a quoted amount with a thousands separator, US dates, bad rows.
    static let export = "\u{FEFF}Invoice,Account Name,Invoice Date,Total,Owner\r\n"
        + "1,Acme Corp,1/15/2024,\"1,200.00\",ann\r\n"
        + "2,Acme Corp,2/15/2024,800,ann\r\n"
        + "3,Globex,1/31/2024,250.5,bob\r\n"
        + "4,Globex,13/1/2024,100,bob\r\n"
        + "5,,3/1/2024,100,bob\r\n"
        + "6,Initech,3/1/2024,n/a,bob\r\n"
        + "7,Initech,3/2/2024,49.5,bob\r\n"

    @Test func headersAreMappedAndBadRowsAreReportedByLineWhileGoodRowsAreUsed() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let report = try TransactionImporter().run(path: try files.file("export.csv", Self.export))
        let c = report.columns
        #expect([c.headers[c.customer], c.headers[c.date], c.headers[c.amount]] == ["Account Name", "Invoice Date", "Total"])
        #expect(report.rows == 7)
        #expect(report.usedRows == 4)
        #expect(report.rejected.map(\.line) == [5, 6, 7])
        #expect(report.rejected[0].reason.hasPrefix("date '13/1/2024' in column 'Invoice Date' is not a date"))
        #expect(report.rejected[1].reason == "no customer (column 'Account Name' is empty)")
        #expect(report.rejected[2].reason.hasPrefix("amount 'n/a' in column 'Total' is not a number"))
        let result = AbcXyzAnalysis.run(report.ledger, settings: AbcXyzSettings())
        #expect(result.customers.map { "\($0.customer) \($0.revenue) \($0.group)" }
            == ["Acme Corp 2000.0 AX", "Globex 250.5 BZ", "Initech 49.5 CZ"])
    }

    @Test func overridesAndDayFirstDatesAreHonoured() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let text = "Client Code,Client,Booked,Gross\nA1,Acme,15/01/2024,10\nA1,Acme,15/02/2024,10\n"
        let path = try files.file("eu.csv", text)
        let importer = TransactionImporter(period: .month, dayFirst: true,
                                           overrides: try TransactionImporter.overrides(["Booked=date", "Gross=amount", "Client Code=customer"]))
        let report = try importer.run(path: path)
        #expect(report.rejectedCount == 0)
        let customer = try #require(AbcXyzAnalysis.run(report.ledger, settings: AbcXyzSettings()).customers.first)
        #expect(customer.customer == "A1")
        #expect(customer.spanPeriods == 2)
        #expect(customer.xyz == .x)
        #expect(throws: TransactionImporter.MapOptionError.self) { try TransactionImporter.overrides(["Booked"]) }
    }

    @Test func fileProblemsNameTheFileAndWhatToDo() throws {
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        let noAmount = try files.file("no-amount.csv", "Customer,Date,Quantity\nacme,2024-01-01,3\n")
        let error = try #require(throws: ImportError.self) { try TransactionImporter().run(path: noAmount) }
        #expect("\(error)".hasPrefix("\(noAmount): line 1: no amount column among the headers [Customer, Date, Quantity]"))
        #expect("\(error)".hasSuffix("name it with --map COLUMN=amount"))
        let empty = try files.file("empty.csv", "")
        #expect(throws: ImportError.self) { try TransactionImporter().run(path: empty) }
        #expect(throws: ImportError.self) { try TransactionImporter().run(path: files.dir.appendingPathComponent("missing.csv").path) }
    }

    @Test func aLargeFileIsReadInChunksWithTheSameResultAsASmallOne() throws {
        // 300,000 rows (about 8 MB: several 4 MiB chunks, records cut at chunk edges) against sums kept here.
        let files = try TransactionFiles()
        defer { files.cleanUp() }
        var text = "customer,date,amount\n"
        var expected: [String: Double] = [:]
        for k in 0..<300_000 {
            let customer = "cust-\(k % 1000)"
            let cents = (k * 7919) % 100_000
            text += "\(customer),2024-\(k % 12 < 9 ? "0" : "")\(k % 12 + 1)-\(k % 28 + 1 < 10 ? "0" : "")\(k % 28 + 1),\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)\n"
            expected[customer, default: 0] += Double(cents) / 100
        }
        let report = try TransactionImporter().run(path: try files.file("big.csv", text))
        #expect(report.rows == 300_000)
        #expect(report.rejectedCount == 0)
        #expect(report.ledger.customerCount == 1000)
        let result = AbcXyzAnalysis.run(report.ledger, settings: AbcXyzSettings())
        for c in result.customers {
            #expect(abs(c.revenue - expected[c.customer]!) < 1e-6)
        }
    }
}
