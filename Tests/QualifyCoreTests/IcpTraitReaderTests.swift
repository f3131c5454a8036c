import QualifyCore
import Testing

/// Reading the customers' traits from a transactions file, with the same rows and customers as ABC-XYZ.
@Suite struct IcpTraitReaderTests {
    static let file = """
        Customer,Date,Amount,Industry,Employees,Currency,Note,Empty
        acme,2024-01-05,100,Finance,250,USD,n1,
        acme,2024-02-05,100,Finance,250,USD,n2,
        acme,2024-03-05,100,Retail,250,USD,n3,
        zeta,2024-01-09,50,Retail,12,USD,n4,
        zeta,not a date,50,Finance,12,USD,n5,
        zeta,2024-01-10,,Finance,12,USD,n6,
        ,2024-01-10,5,Finance,12,USD,n7,
        "omega, inc",2024-02-01,70,"Energy",40,USD,n8,
        omega,2024-02-01,70,Energy,40,USD,n9,too,many

        """

    /// Reads `text` in chunks of `size` bytes.
    static func read(_ text: String, _ selection: TraitSelection, chunk size: Int = 7) throws(CustomerTraitProblem) -> CustomerTraitReader {
        var reader = CustomerTraitReader(selection: selection)
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            try reader.read(bytes[start..<min(start + size, bytes.count)], final: false)
            start += size
        }
        try reader.read([], final: true)
        return reader
    }

    @Test(arguments: [1, 7, 4096])
    func onlyRowsThatABCXYZUsesCount(chunk: Int) throws {
        let reader = try Self.read(Self.file, .named(["Industry", "employees"]), chunk: chunk)
        #expect(reader.traits == ["Industry", "Employees"])
        let industry = try #require(reader.tally.values(of: "Industry"))
        // acme: Finance ×2, Retail ×1; zeta: the two Finance rows have no date / no amount, so Retail ×1
        #expect(industry == ["acme": "Finance", "zeta": "Retail", "omega, inc": "Energy"])
        #expect(reader.tally.isNumeric("Employees"))
        #expect(reader.skipped.isEmpty)
    }

    @Test func withoutNamesEveryColumnWithTwoToFiftyValuesIsATrait() throws {
        let reader = try Self.read(Self.file, .automatic(maxDistinct: 3))
        #expect(reader.traits == ["Industry", "Employees"])
        #expect(reader.skipped.map(\.column) == ["Currency", "Note", "Empty"])
        #expect(reader.skipped[0].reason == "one value only ('USD')")
        #expect(reader.skipped[1].reason.hasPrefix("more than 3 distinct values"))
        #expect(reader.skipped[2].reason == "always blank")
    }

    @Test func anUnknownTraitNamesTheColumnsThatExist() {
        #expect(throws: CustomerTraitProblem.unknownTrait("Sector", headers: ["Customer", "Date", "Amount", "Industry", "Employees",
                                                                          "Currency", "Note", "Empty"])) {
            try Self.read(Self.file, .named(["Industry", "Sector"]))
        }
        let text = CustomerTraitProblem.unknownTrait("Sector", headers: ["Customer", "Industry"]).description
        #expect(text == "--traits names 'Sector', which is not a column of the file (columns: Customer, Industry)")
    }

    @Test func theCustomerDateAndAmountColumnsAreNotTraits() {
        #expect(throws: CustomerTraitProblem.roleColumn("Amount", .amount)) {
            try Self.read(Self.file, .named(["Amount"]))
        }
    }

    @Test func aFileWithoutTheRoleColumnsIsRefusedLikeABCXYZRefusesIt() {
        #expect(throws: CustomerTraitProblem.self) {
            try Self.read("Name,When\nacme,2024-01-01\n", .standard)
        }
        #expect(throws: CustomerTraitProblem.file(.empty)) {
            try Self.read("", .standard)
        }
    }
}
