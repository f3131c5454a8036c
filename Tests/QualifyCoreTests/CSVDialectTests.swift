import QualifyCore
import Testing

@Suite struct CSVDialectTests {
    @Test(arguments: [
        ("Email,First Name,Company\n", UInt8(44)),
        ("Email;Vorname;\"Firma, GmbH\";Land\r\n", UInt8(59)),
        ("\u{FEFF}Email\tName\tCompany\n", UInt8(9)),
        ("email|name\n", UInt8(124)),
        ("email\n", UInt8(44)),
        ("\"a;b;c\",d,e\n", UInt8(44)),
    ])
    func theDelimiterIsReadFromTheHeaderLine(_ text: String, _ expected: UInt8) {
        #expect(CSVDialect.sniffDelimiter(Array(text.utf8)) == expected)
    }

    @Test func createDatesInTheStylesCRMsWrite() {
        let march1 = Timestamp(iso8601: "2025-03-01T00:00:00Z")!
        #expect(CSVDialect.date("3/1/2025", dayFirst: false) == march1, "US: month first")
        #expect(CSVDialect.date("03/01/2025 4:05 PM", dayFirst: false) == march1)
        #expect(CSVDialect.date("1/3/2025", dayFirst: true) == march1)
        #expect(CSVDialect.date("01.03.2025", dayFirst: false) == march1, "a dotted date is day first")
        #expect(CSVDialect.date("2025/03/01", dayFirst: false) == march1)
        #expect(CSVDialect.date("2025-03-01T10:00:00+02:00", dayFirst: false) == Timestamp(iso8601: "2025-03-01T08:00:00Z"))
        #expect(CSVDialect.date("25/03/2025", dayFirst: false) == nil, "month 25: not guessed, reported")
        #expect(CSVDialect.date("yesterday", dayFirst: false) == nil)
    }

    /// Real exports carry two columns meaning one field: both are kept, the later under its own name.
    @Test func twoColumnsForOneFieldAreBothKept() throws {
        let salesforce = ["Lead ID", "First Name", "Last Name", "Email", "Phone", "Mobile", "Lead Source", "Lead Origin", "Phone"]
        let m = try HeaderMapping.resolve(headers: salesforce).get()
        #expect(m.fields == ["crm_id", "first_name", "last_name", "email", "phone", "mobile", "lead_source", "lead_origin", "phone_2"])
        #expect(m.renamed.map(\.column) == ["Mobile", "Lead Origin", "Phone"])
        // a --map choice wins over the automatic match, and the other column gives way
        let mapped = try HeaderMapping.resolve(headers: ["Email", "Phone", "Mobile"], overrides: ["Mobile": "phone"]).get()
        #expect(mapped.fields == ["email", "phone_2", "phone"])
        // two --map choices for one field are the user's contradiction: refused, naming both
        #expect(throws: HeaderProblem.self) {
            try HeaderMapping.resolve(headers: ["Email", "A", "B"], overrides: ["A": "phone", "B": "phone"]).get()
        }
    }
}
