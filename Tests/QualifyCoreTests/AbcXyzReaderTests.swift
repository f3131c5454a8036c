import QualifyCore
import Testing

@Suite struct AbcXyzReaderTests {
    struct DateCase: Sendable, CustomTestStringConvertible {
        let text: String
        let iso: String?
        var dayFirst = false
        var testDescription: String { "'\(text)'\(dayFirst ? " (day first)" : "") → \(iso ?? "nil")" }
    }

    static let dates: [DateCase] = [
        DateCase(text: "2023-01-15", iso: "2023-01-15"),
        DateCase(text: "2023-1-5", iso: "2023-01-05"),
        DateCase(text: "2023/01/15", iso: "2023-01-15"),
        DateCase(text: "2023-01-15T10:30:00Z", iso: "2023-01-15"),
        DateCase(text: "2023-01-15T23:30:00-05:00", iso: "2023-01-16"),
        DateCase(text: "2023-01-15 08:00", iso: "2023-01-15"),
        DateCase(text: "19970101", iso: "1997-01-01"),
        DateCase(text: "1/15/2023", iso: "2023-01-15"),
        DateCase(text: "11/9/2022", iso: "2022-11-09"),
        DateCase(text: "01/02/2023", iso: "2023-01-02"),
        DateCase(text: "01/02/2023", iso: "2023-02-01", dayFirst: true),
        DateCase(text: "15/1/2023", iso: "2023-01-15", dayFirst: true),
        DateCase(text: "1/15/2023 10:30 PM", iso: "2023-01-15"),
        DateCase(text: "15.01.2023", iso: "2023-01-15"),
        DateCase(text: "2/29/2024", iso: "2024-02-29"),
        DateCase(text: "2/29/2023", iso: nil),
        DateCase(text: "15/1/2023", iso: nil),
        DateCase(text: "19971301", iso: nil),
        DateCase(text: "1/15/23", iso: nil),
        DateCase(text: "2023-01-15T25:00", iso: nil),
        DateCase(text: "2023-01-15 later", iso: nil),
        DateCase(text: "Jan 15, 2023", iso: nil),
        DateCase(text: "1997010", iso: nil),
        DateCase(text: "", iso: nil),
    ]

    @Test(arguments: dates)
    func datesAreReadInTheCommonExportFormats(_ d: DateCase) {
        let expected = d.iso.map { Timestamp(iso8601: $0)!.millis / 86_400_000 }
        #expect(TransactionFields.day(d.text, dayFirst: d.dayFirst) == expected)
    }

    static let amounts: [(String, Double?)] = [
        ("1234.56", 1234.56), ("-12", -12), ("+3.5", 3.5), ("0.1", 0.1), (".5", 0.5), ("7.", 7),
        ("1,234.56", 1234.56), ("$1,234,567.89", 1_234_567.89), ("-$5", -5), ("$-5", -5), ("€12.50", 12.5), ("£3", 3),
        ("(12.50)", -12.5), ("1.5e3", 1500), ("0.00000000000000000001", 1e-20), ("12345678901234567890", 12_345_678_901_234_567_890),
        ("12,50", nil), ("1,2345", nil), (",123", nil), ("abc", nil), ("", nil), ("-", nil), ("12.50 USD", nil),
        ("nan", nil), ("inf", nil), ("1.2.3", nil), ("--5", nil),
    ]

    @Test(arguments: amounts)
    func amountsAreReadExactlyOrRefused(_ text: String, _ value: Double?) {
        #expect(TransactionFields.amount(text) == value)
    }

    /// Feeds text to a reader in chunks of `chunk` bytes.
    func read(_ text: String, chunk: Int = 1 << 20, delimiter: TransactionDelimiter = .comma) throws(TransactionFileProblem) -> TransactionReader {
        try read(bytes: Array(text.utf8), chunk: chunk, delimiter: delimiter)
    }

    func read(bytes: [UInt8], chunk: Int = 1 << 20, delimiter: TransactionDelimiter = .comma) throws(TransactionFileProblem) -> TransactionReader {
        var reader = TransactionReader(period: .month, delimiter: delimiter)
        var offset = 0
        while offset < bytes.count {
            try reader.read(bytes[offset..<min(bytes.count, offset + chunk)], final: false)
            offset += chunk
        }
        try reader.read([], final: true)
        return reader
    }

    static let messy = """
        Invoice No,Account Name,Invoice Date,Net Amount,Notes\r
        1,Acme,2024-01-05,100.00,first\r
        2,"Acme",2024-01-20,"1,000.50","two
        lines"\r
        3,,2024-01-21,5,no customer\r
        4,Globex,2024-13-01,5,bad date\r
        5,Globex,2024-02-01,five,bad amount\r
        6,Glo"bex,2024-02-01,5,stray quote\r
        \r
        7,Initech,2024-02-02,5,x,extra\r
        8,  Initech  ,2024-03-02,-2.5,trimmed\r
        9,Acme,2024-02-11,,no amount
        """

    @Test(arguments: [1, 2, 3, 5, 64, 1 << 20])
    func badRowsAreReportedByLineAndGoodRowsAreUsedWhateverTheChunking(_ chunk: Int) throws {
        let reader = try read(Self.messy, chunk: chunk)
        #expect(reader.columns?.headers[reader.columns!.customer] == "Account Name")
        #expect(reader.rows == 9)
        #expect(reader.rejected.map(\.line) == [5, 6, 7, 8, 10, 12])
        #expect(reader.rejected.map(\.reason) == [
            "no customer (column 'Account Name' is empty)",
            "date '2024-13-01' in column 'Invoice Date' is not a date; expected 2023-01-15, 1/15/2023 (month first; --day-first for 15/1/2023) or 19970101",
            "amount 'five' in column 'Net Amount' is not a number; expected e.g. 1234.56, -12 or $1,234.56 (decimal point)",
            "field 2 has a '\"' but does not start with one (quote the whole field and double inner quotes)",
            "row has 6 fields but the header has 5",
            "no amount (column 'Net Amount' is empty)",
        ])
        let report = AbcXyzAnalysis.run(reader.ledger, settings: AbcXyzSettings())
        #expect(report.customers.map(\.customer) == ["Acme"])
        #expect(report.customers.first?.revenue == 1100.5)
        #expect(report.unclassified.map(\.customer) == ["Initech"])
        #expect(report.unclassified.first?.revenue == -2.5)
    }

    @Test(arguments: [1, 7, 1 << 20])
    func whitespaceSeparatedFilesAreReadWithTheWhitespaceDelimiter(_ chunk: Int) throws {
        // CDNOW_master.txt's layout: a header, fixed-width columns padded with spaces, CRLF.
        let text = " customer_id  date number_of_cds  dollar_value\r\n 00001 19970101  1   11.77\r\n   \r\n 00002 19970112  1   12.00\r\n"
            + " 00002 19970112  5   77.00\r\n 00003 1997011x  2   20.76\r\n 00003 19970330  2   20.76"
        let reader = try read(text, chunk: chunk, delimiter: .whitespace)
        #expect(reader.columns.map { [$0.customer, $0.date, $0.amount] } == [0, 1, 3])
        #expect(reader.rows == 5)
        #expect(reader.rejected.map(\.line) == [6])
        let report = AbcXyzAnalysis.run(reader.ledger, settings: AbcXyzSettings())
        #expect(report.customers.map(\.customer) == ["00002", "00003", "00001"])
        #expect(report.customers.map(\.revenue) == [89, 20.76, 11.77])
    }

    @Test func headerProblemsNameTheHeadersAndTheFix() {
        #expect(throws: TransactionFileProblem.header(.missingRole(.amount, headers: ["Customer", "Date", "Qty"]))) {
            try read("Customer,Date,Qty\nacme,2024-01-01,3\n")
        }
        #expect(TransactionHeaderProblem.missingRole(.amount, headers: ["Customer", "Date", "Qty"]).description
            == "no amount column among the headers [Customer, Date, Qty] (looked for 'Amount', 'Revenue', 'Sales', 'Total' …); "
            + "name it with --map COLUMN=amount")
        #expect(throws: TransactionFileProblem.empty) { try read("\n\n") }
        let utf16LE = "\u{FEFF}Customer,Date,Amount\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(throws: TransactionFileProblem.headerLine(.utf16)) { try read(bytes: utf16LE) }
    }

    @Test func theBestAliasWinsAndOverridesBeatAliases() throws {
        // SaaS-Sales.csv has both Customer (a name) and Customer ID: the id wins unless mapped otherwise.
        let headers = ["Row ID", "Order Date", "Date Key", "Customer", "Customer ID", "Sales", "Profit"]
        let auto = try TransactionColumns.resolve(headers: headers).get()
        #expect([auto.customer, auto.date, auto.amount] == [4, 1, 5])
        #expect(auto.passedOver.map { "\($0.column)=\($0.role.rawValue)" } == ["Customer=customer"])
        let mapped = try TransactionColumns.resolve(headers: headers, overrides: ["Customer": "account", "Profit": "revenue"]).get()
        #expect([mapped.customer, mapped.date, mapped.amount] == [3, 1, 6])
        #expect(throws: TransactionHeaderProblem.unknownOverrideColumn("Client", headers: headers)) {
            try TransactionColumns.resolve(headers: headers, overrides: ["Client": "customer"]).get()
        }
        #expect(throws: TransactionHeaderProblem.unknownRole("price", column: "Sales")) {
            try TransactionColumns.resolve(headers: headers, overrides: ["Sales": "price"]).get()
        }
        #expect(throws: TransactionHeaderProblem.roleMappedTwice(.amount, columns: ["Profit", "Sales"])) {
            try TransactionColumns.resolve(headers: headers, overrides: ["Sales": "amount", "Profit": "amount"]).get()
        }
    }

    @Test(arguments: [
        (["Customer", "Transaction Date", "Revenue"], [0, 1, 2]),
        (["client name", "INVOICE DATE", "total"], [0, 1, 2]),
        (["Amount", "Company", "Date"], [1, 2, 0]),
        (["customer_id", "order_date", "dollar_value"], [0, 1, 2]),
        (["Account", "Close Date", "Value"], [0, 1, 2]),
    ])
    func commonHeadersAreRecognised(_ headers: [String], _ positions: [Int]) throws {
        let c = try TransactionColumns.resolve(headers: headers).get()
        #expect([c.customer, c.date, c.amount] == positions)
    }

    @Test func customerKeysAreInternedToDenseIndexes() {
        var table = CustomerTable()
        let names = (0..<5000).map { "customer-\($0 * 7919 % 5000)" }
        let indexes = names.map { table.intern($0) }
        #expect(indexes == Array(0..<5000).map(Int32.init))
        #expect(names.map { table.intern($0) } == indexes)
        #expect(table.count == 5000)
        #expect(table.name(42) == names[42])
        #expect(table.intern("é") == 5000)
        let (a, ab, b) = (table.intern("a"), table.intern("ab"), table.intern("b"))
        #expect(table.precedes(a, ab))
        #expect(!table.precedes(b, ab))
        #expect(!table.precedes(a, a))
    }

    /// A row without a line break is rejected once and dropped as it comes, not buffered whole (issue 21, item 7).
    @Test func anOverlongRowIsRejectedWithoutBufferingIt() throws {
        var reader = TransactionReader(period: .month)
        try reader.read(Array("customer,date,amount\nacme,2026-01-05,10\nbig,2026-01-06,".utf8), final: false)
        let filler = [UInt8](repeating: UInt8(ascii: "9"), count: 1 << 20)
        for _ in 0..<12 { try reader.read(filler, final: false) }
        try reader.read(Array("\nzeta,2026-02-01,5\n".utf8), final: true)
        #expect(reader.rows == 3)
        #expect(reader.rejectedCount == 1)
        #expect(reader.rejected.first?.line == 3)
        #expect(reader.rejected.first?.reason.contains("longer than") == true)
    }
}
