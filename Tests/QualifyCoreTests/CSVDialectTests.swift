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

    /// The same assignment for a training file's headers (what a card reads a model's features from), without an
    /// email column and with a header that names nothing.
    @Test func fieldNamesFollowTheImportsAssignment() {
        #expect(HeaderMapping.fieldNames(headers: ["Prospect ID", "Lead Origin", "Lead Source", "--", "Converted"])
                == ["prospect_id", "lead_source", "lead_source_2", "", "converted"])
    }

    @Test func eventTimesWithATimeOfDay() {
        func t(_ text: String, dayFirst: Bool = false) -> String? { CSVDialect.time(text, dayFirst: dayFirst)?.iso8601 }
        #expect(t("2026-03-01T10:00:00+01:00") == "2026-03-01T09:00:00.000Z" || t("2026-03-01T10:00:00+01:00") == "2026-03-01T09:00:00Z")
        #expect(t("3/1/2026 2:05 PM") == Timestamp(iso8601: "2026-03-01T14:05:00Z")?.iso8601)
        #expect(t("3/1/2026 12:30 am") == Timestamp(iso8601: "2026-03-01T00:30:00Z")?.iso8601)
        #expect(t("03/01/2026 23:59:58.5", dayFirst: true) == Timestamp(iso8601: "2026-01-03T23:59:58.500Z")?.iso8601)
        #expect(t("1.3.2026 08:00") == Timestamp(iso8601: "2026-03-01T08:00:00Z")?.iso8601)
        #expect(t("3/1/2026") == Timestamp(iso8601: "2026-03-01T00:00:00Z")?.iso8601)
        for bad in ["3/1/2026 25:00", "3/1/2026 13:00 PM", "3/1/2026 noon", "3/1/2026 9:7", "13/1/2026 10:00", "yesterday"] {
            #expect(t(bad) == nil, "\(bad) is not a moment")
        }
    }
}
