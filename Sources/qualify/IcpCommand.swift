import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

struct IcpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "icp",
        abstract: "Find the traits of your best customers (ideal customer profile) from a transactions file; write them as fit rules.",
        discussion: """
            The file is read as for `qualify abcxyz` (customer, date and amount columns; --map, --delimiter, --period, \
            --abc and --xyz alike); its other columns are the customers' traits. The best customers are the ABC-XYZ \
            groups in --best (AX, AY, BX by default; one letter stands for a row or column: --best A); the rest are all \
            the others. A customer's value of a trait is its most frequent one across its rows (ties: the smaller value); \
            numeric traits with more than 10 distinct values are cut into quartile bands.

            For each value: the share of the best customers and of the rest that have it, the lift (the ratio of the two \
            shares) and its 95 % interval (Katz log interval; 0.5 added to every cell when one is zero). Values held by \
            fewer than --min-best best customers are "too few"; the others are significant when the interval excludes 1.

            Without --traits, every other column with 2 to 50 distinct values is a trait (the skipped ones are listed).

            Examples:
              qualify icp SaaS-Sales.csv --period quarter \\
                --traits Industry,Segment,Region
              qualify icp sales.csv --best A --emit-fit-rules icp-rules.yaml
              qualify icp --from-store --emit-fit-rules icp-rules.yaml

            With --from-store there is no file: the best are the database's leads whose latest deal was won \
            (`qualify stage EMAIL win`), the rest are all other leads, and the traits are the leads' fields.
            """)

    @Argument(help: "Transactions: CSV (or --delimiter) with customer, date and amount columns, and the customers' traits.")
    var file: String?
    @Flag(help: "Profile the database's won deals against all its other leads, on the leads' fields (no file).") var fromStore = false
    @OptionGroup var db: DatabaseOptions
    @Option(help: ArgumentHelp("The ABC-XYZ groups that count as the best customers.", valueName: "AX,AY,BX")) var best = "AX,AY,BX"
    @Option(help: ArgumentHelp("Trait columns (comma-separated or repeated); default: every column with 2–50 distinct values.",
                               valueName: "COLUMN,…"))
    var traits: [String] = []
    @Option(help: "Minimum best customers with a value before it is judged.") var minBest = 5
    @Option(help: "Period revenue is summed over for XYZ: week, month or quarter.") var period: AnalysisPeriod = .month
    @Option(help: ArgumentHelp("ABC cut-offs in % of revenue: A,B (C gets the rest).", valueName: "A,B")) var abc = "80,15"
    @Option(help: ArgumentHelp("XYZ thresholds on the coefficient of variation: X,Y.", valueName: "X,Y")) var xyz = "0.5,1.0"
    @Option(name: .customLong("map"), help: ArgumentHelp("Say which column is the customer, date or amount.", valueName: "COLUMN=ROLE"))
    var mappings: [String] = []
    @Option(help: "Field separator: comma, semicolon, tab or whitespace (runs of spaces, no quoting); default: read from the header line.")
    var delimiter: String?
    @Flag(help: "Read slashed dates as day/month/year (15/1/2023) instead of month/day/year.") var dayFirst = false
    @Option(help: "table (the profile in words, then every value), csv or json.") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Write fit rules (model YAML) for the values significantly more common among the best.",
                               valueName: "out.yaml"))
    var emitFitRules: String?

    func validate() throws {
        if fromStore {
            guard file == nil else { throw ValidationError("--from-store reads the database, not a file; leave out '\(file!)'") }
        } else if file == nil {
            throw ValidationError("give a transactions file, or --from-store")
        }
        do { _ = try BestClasses(parsing: best) } catch { throw ValidationError(error.description) }
        do { _ = try AbcCutoffs(parsing: abc) } catch { throw ValidationError(error.description) }
        do { _ = try XyzThresholds(parsing: xyz) } catch { throw ValidationError(error.description) }
        if let delimiter, TransactionDelimiter(name: delimiter) == nil {
            throw ValidationError("--delimiter '\(delimiter)': expected comma, semicolon, tab or whitespace")
        }
        if minBest < 1 { throw ValidationError(IcpOptionProblem.minimum(minBest).description) }
        if !traits.isEmpty && traitNames.isEmpty { throw ValidationError("--traits names no column; give e.g. --traits Industry,Segment") }
    }

    var traitNames: [String] {
        traits.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        if fromStore { return try await runFromStore() }
        let file = self.file!
        let classes = try BestClasses(parsing: best)
        let settings = AbcXyzSettings(period: period, abc: try AbcCutoffs(parsing: abc), xyz: try XyzThresholds(parsing: xyz))
        let transactions = TransactionImporter(period: period, delimiter: delimiter.flatMap(TransactionDelimiter.init(name:)) ?? TransactionImporter.sniffDelimiter(path: file), dayFirst: dayFirst,
                                               overrides: try TransactionImporter.overrides(mappings), keepRejected: 20)
        let importer = CustomerProfileImporter(transactions: transactions, traits: traitNames.isEmpty ? .standard : .named(traitNames))
        let bar = ProgressBar()
        let read: CustomerProfileImporter.Report
        do {
            read = try importer.run(path: file, progress: bar.update)
        } catch let error as ImportError {
            bar.finish()
            throw Failure("\(error)")
        }
        bar.finish()
        let name = (file as NSString).lastPathComponent
        AbcXyzCommand.reportImport(read.imported, name: name)
        guard read.imported.usedRows > 0 else {
            throw Failure("\(file): no usable rows (\(read.imported.rejectedCount) rejected); fix the rows above or map other columns with --map")
        }
        printError("traits: " + (read.traits.isEmpty ? "none" : read.traits.map { "'\($0)'" }.joined(separator: ", ")))
        for s in read.skipped { printError("  skipped '\(s.column)': \(s.reason)") }
        guard !read.traits.isEmpty else {
            throw Failure("\(file): no column can serve as a trait (each needs 2 to 50 distinct values); name columns with --traits")
        }
        let abcxyz = AbcXyzAnalysis.run(read.imported.ledger, settings: settings)
        let report: IcpReport
        do {
            report = try IdealCustomerProfile.run(IcpPopulation(abcxyz, classes: classes), tally: read.tally, traits: read.traits,
                                                  settings: IcpSettings(minimumBest: minBest))
        } catch {
            throw Failure("\(file): \(error.description)")
        }
        let view = IcpView(report: report, file: name)
        if let out = emitFitRules {
            var command = "qualify icp \(name) --best \(classes.groups.joined(separator: ","))"
            if period != .month { command += " --period \(period.rawValue)" }
            if !traitNames.isEmpty { command += " --traits '\(traitNames.joined(separator: ","))'" }
            let yaml = IcpFitRules.yaml(report, source: "`\(command)`")
            do {
                try yaml.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw Failure("cannot write '\(out)' (does its folder exist, and may you write there?)")
            }
            let rules = yaml.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- {") }.count
            printError("wrote \(rules) fit rule\(rules == 1 ? "" : "s") to \(out)")
        }
        switch format {
        case .table: print(view.tableText())
        case .csv: print(view.csv(), terminator: "")
        case .json: print(try view.json(skipped: read.skipped))
        }
    }

    func runFromStore() async throws {
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let read = try await StoreProfile.read(store: store, now: now, traits: traitNames)
        printError("traits: " + (read.traits.isEmpty ? "none" : read.traits.map { "'\($0)'" }.joined(separator: ", ")))
        for s in read.skipped { printError("  skipped '\(s.field)': \(s.reason)") }
        guard !read.traits.isEmpty else { throw Failure("no lead field can serve as a trait (each needs 2 to 50 distinct values); name fields with --traits") }
        let report: IcpReport
        do {
            report = try IdealCustomerProfile.run(read.population, tally: read.tally, traits: read.traits, settings: IcpSettings(minimumBest: minBest))
        } catch {
            throw Failure("\(db.location): \(error.description) (record won deals with `qualify stage EMAIL win --reason …`)")
        }
        let view = IcpView(report: report, file: db.location)
        if let out = emitFitRules {
            let yaml = IcpFitRules.yaml(report, source: "`qualify icp --from-store` (deals won vs all other leads)")
            do { try yaml.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                throw Failure("cannot write '\(out)' (does its folder exist, and may you write there?)")
            }
            printError("wrote fit rules to \(out)")
        }
        switch format {
        case .table: print(view.tableText())
        case .csv: print(view.csv(), terminator: "")
        case .json: print(try view.json(skipped: []))
        }
    }
}
