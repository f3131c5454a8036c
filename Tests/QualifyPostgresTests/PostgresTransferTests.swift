import QualifyCore
@testable import QualifyPostgres
import QualifyStore
import Testing

/// The PostgreSQL side of `qualify copy`: the catalogue matches its schema, and rows go in through COPY and come out
/// exactly as they were (text with tabs, newlines and backslashes, any bytes, extreme doubles, NULLs), keys included.
@Suite(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
struct PostgresTransferTests {
    @Test func theCatalogueDescribesEveryTableAndColumnOfThePostgreSQLSchema() async throws {
        try await TestDatabase.withStore { store in
            let rows = try await store.client.query("""
                SELECT table_name::text, column_name::text FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name, ordinal_position
                """, logger: store.logger)
            var schema: [String: [String]] = [:]
            for try await (table, column) in rows.decode((String, String).self) { schema[table, default: []].append(column) }
            #expect(Set(schema.keys) == Set(TransferTable.all.map(\.name)), "a migration changed the tables: describe them in TransferTable.all")
            for table in TransferTable.all {
                #expect(schema[table.name] == table.columnNames, "a migration changed \(table.name)'s columns: describe them in TransferTable.all")
            }
        }
    }

    @Test func rowsComeBackExactlyAsTheyWentIn() async throws {
        try await TestDatabase.withStore { store in
            let quarantine = try #require(TransferTable.named("quarantine")), lead = try #require(TransferTable.named("lead"))
            let awkward = ["tab\there", "line\nbreak\r\n", #"back\slash \N \\x00"#, "ünïcödé ✓ 🚀", "", "\\", "end\\"]
            let quarantined: [TransferRow] = awkward.enumerated().map { i, text in
                [.integer(Int64(10 + i)), .text("q\(i)@x.io"), .text(text), .text("file.csv"), i % 2 == 0 ? .null : .integer(Int64(i)),
                 .text(#"{"k":"\#(i)"}"#), .integer(1_767_225_600_000)]
            }
            try await store.insertTransferRows(quarantine, quarantined)
            let doubles: [Double] = [0, -0.0, 0.1, 1e300, -2.5e-308, 5e-324, 123456789.123456789, .greatestFiniteMagnitude]
            let leads: [TransferRow] = doubles.enumerated().map { i, d in
                [.integer(Int64(100 + i)), .text("l\(i)@x.io"), .null, .text("Ada\tL"), .null, .integer(1), .integer(2), .integer(1),
                 .integer(Int64(i)), .text("B"), .integer(1), .text("mql"), .real(d), .null, .integer(3), .text("e\(i)"),
                 .blob((0..<256).map { UInt8(($0 + i) % 256) }), i % 2 == 0 ? .null : .text("Owner \(i)"),
                 i % 2 == 0 ? .null : .integer(1_767_225_600_000 + Int64(i)), .null,
                 i % 3 == 0 ? .null : .integer(1_767_225_600_000 - Int64(i)), i % 3 == 1 ? .text("hard bounce") : .null,
                 i % 3 == 2 ? .integer(1_767_225_600_000 + 7 * Int64(i)) : .null]
            }
            try await store.insertTransferRows(lead, leads)
            #expect(try await store.transferRows(quarantine, after: nil, limit: 100) == quarantined)
            #expect(try await store.transferRows(lead, after: nil, limit: 100) == leads)
            #expect(try await store.transferRows(lead, after: .integer(104), limit: 2) == Array(leads[5...6]))
            #expect(try await store.transferCount(lead) == doubles.count)

            // the identity sequences move past the copied keys: a new row gets the next id, not a taken one
            try await store.finishTransfer()
            _ = try await store.quarantine([QuarantinedLead(email: "new@x.io", reason: "r", source: "s", line: nil, fields: [:],
                                                            at: Timestamp(millis: 1_767_225_600_000))])
            let after = try await store.transferRows(quarantine, after: .integer(16), limit: 10)
            #expect(after.map { $0[0] } == [.integer(17)])
        }
    }
}
