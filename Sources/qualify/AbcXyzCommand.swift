import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

extension AnalysisPeriod: ExpressibleByArgument {}

struct AbcXyzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abcxyz",
        abstract: "Classify customers by revenue (ABC) and by how steadily they buy (XYZ), from a transactions file.",
        discussion: """
            The file needs a customer (or account), a date and an amount column; headers such as Customer ID, Account \
            Name, Company, Order Date, Invoice Date, Amount, Revenue, Sales, Total are recognised (--map 'COLUMN=ROLE' \
            overrides; roles: customer, date, amount). Bad rows are reported with their line and skipped.

            ABC: customers ranked by revenue; a customer is A if the customers above it bring less than 80 % of revenue \
            (so the one crossing 80 % is A), B if less than 95 %, else C. Customers whose net revenue is zero or negative \
            are not classified (listed in --customers with no class). \
            XYZ: revenue per period (--period) over the customer's active span (first to last period with a transaction; \
            periods without one count as zero); CV = population std / mean; X if CV ≤ 0.5, Y if ≤ 1.0, else Z. A customer \
            active in a single period has no CV and is Z.

            Examples:
              qualify abcxyz sales.csv --chart abcxyz.svg --customers classes.csv
              qualify abcxyz CDNOW_master.txt --delimiter whitespace \\
                --period quarter --abc 70,20 --xyz 0.6,1.2
            """)

    @Argument(help: "Transactions: CSV (or --delimiter) with customer, date and amount columns.") var file: String
    @Option(help: "Period revenue is summed over for XYZ: week, month or quarter.") var period: AnalysisPeriod = .month
    @Option(help: ArgumentHelp("ABC cut-offs in % of revenue: A,B (C gets the rest).", valueName: "A,B")) var abc = "80,15"
    @Option(help: ArgumentHelp("XYZ thresholds on the coefficient of variation: X,Y.", valueName: "X,Y")) var xyz = "0.5,1.0"
    @Option(name: .customLong("map"), help: ArgumentHelp("Say which column is the customer, date or amount.", valueName: "COLUMN=ROLE"))
    var mappings: [String] = []
    @Option(help: "Field separator: comma, semicolon, tab or whitespace (runs of spaces, no quoting); default: read from the header line.")
    var delimiter: String?
    @Flag(help: "Read slashed dates as day/month/year (15/1/2023) instead of month/day/year.") var dayFirst = false
    @Option(help: "table, csv (the matrix) or json (matrix and every customer).") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Write an SVG chart: Pareto curve and the matrix as a heat map.", valueName: "out.svg")) var chart: String?
    @Option(help: ArgumentHelp("Write every customer's class to a CSV file.", valueName: "out.csv")) var customers: String?
    @Option(help: "Customers listed in the table output.") var top = 10

    func validate() throws {
        do { _ = try AbcCutoffs(parsing: abc) } catch { throw ValidationError(error.description) }
        do { _ = try XyzThresholds(parsing: xyz) } catch { throw ValidationError(error.description) }
        if let delimiter, TransactionDelimiter(name: delimiter) == nil {
            throw ValidationError("--delimiter '\(delimiter)': expected comma, semicolon, tab or whitespace")
        }
        if top < 0 { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let settings = AbcXyzSettings(period: period, abc: try AbcCutoffs(parsing: abc), xyz: try XyzThresholds(parsing: xyz))
        let importer = TransactionImporter(period: period, delimiter: delimiter.flatMap(TransactionDelimiter.init(name:)) ?? TransactionImporter.sniffDelimiter(path: file), dayFirst: dayFirst,
                                           overrides: try TransactionImporter.overrides(mappings), keepRejected: 20)
        let bar = ProgressBar()
        let imported: TransactionImporter.Report
        do {
            imported = try importer.run(path: file, progress: bar.update)
        } catch let error as ImportError {
            bar.finish()
            throw Failure("\(error)")
        }
        bar.finish()
        let name = (file as NSString).lastPathComponent
        Self.reportImport(imported, name: name)
        guard imported.usedRows > 0 else {
            throw Failure("\(file): no usable rows (\(imported.rejectedCount) rejected); fix the rows above or map other columns with --map")
        }
        let report = AbcXyzAnalysis.run(imported.ledger, settings: settings)
        let view = AbcXyzView(report: report, file: name)
        if let customers {
            try writeFile(customers) { write in view.writeCustomersCSV(write) }
        }
        if let chart {
            try writeFile(chart) { write in write(Array(AbcXyzChart(view: view).svg().utf8)) }
        }
        switch format {
        case .table: print(view.tableText(top: top))
        case .csv: print(view.matrixCSV(), terminator: "")
        case .json: print(try view.json())
        }
    }

    /// Prints the column mapping, the row counts and the first rejected rows to standard error.
    static func reportImport(_ imported: TransactionImporter.Report, name: String) {
        let c = imported.columns
        var mapping = "\(name): customer = '\(c.headers[c.customer])', date = '\(c.headers[c.date])', amount = '\(c.headers[c.amount])'"
        if !c.passedOver.isEmpty {
            mapping += " (also matched: " + c.passedOver.map { "'\($0.column)' as \($0.role.rawValue)" }.joined(separator: ", ")
                + "; choose with --map COLUMN=ROLE)"
        }
        printError(mapping)
        printError("\(AbcXyzMatrix.formatCount(imported.rows)) row\(imported.rows == 1 ? "" : "s"): \(AbcXyzMatrix.formatCount(imported.usedRows)) used, "
                   + "\(AbcXyzMatrix.formatCount(imported.rejectedCount)) rejected")
        for row in imported.rejected { printError("  \(name):\(row.line): \(row.reason)") }
        if imported.rejectedCount > imported.rejected.count {
            printError("  … and \(AbcXyzMatrix.formatCount(imported.rejectedCount - imported.rejected.count)) more rejected rows")
        }
    }

    /// Creates (or truncates) a file and hands `body` a writer of byte chunks.
    private func writeFile(_ path: String, _ body: (([UInt8]) -> Void) -> Void) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw Failure("cannot write '\(path)' (does its folder exist, and may you write there?)")
        }
        defer { try? handle.close() }
        body { bytes in handle.write(Data(bytes)) }
    }
}
