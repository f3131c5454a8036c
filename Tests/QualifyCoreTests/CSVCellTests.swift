import QualifyCore
import Testing

/// CSV cells for spreadsheets: RFC 4180 quoting and formula prefixes neutralised (OWASP CSV injection).
@Suite struct CSVCellTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
        ("+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\""),
        ("-2+3", "\"'-2+3\""),
        ("@SUM(A1)", "\"'@SUM(A1)\""),
        ("\tx", "\"'\tx\""),
        ("\r=1", "\"'\r=1\""),
        ("-12.5", "-12.5"), ("+3", "+3"), ("1e-3", "1e-3"), ("-.5", "-.5"), ("-", "\"'-\""), ("-e5", "\"'-e5\""),
        ("Acme, Inc.", "\"Acme, Inc.\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("plain", "plain"), ("", ""),
        ("a=b", "a=b"),
    ])
    func aCellIsQuotedAndAFormulaNeutralised(_ input: String, _ expected: String) {
        #expect(CSVCell.field(input) == expected)
    }

    @Test func verbatimOnlyQuotes() {
        #expect(CSVCell.verbatim("=1+1") == "=1+1")
        #expect(CSVCell.verbatim("+44 20 7946 0000") == "+44 20 7946 0000")
        #expect(CSVCell.verbatim("a,b") == "\"a,b\"")
    }
}
