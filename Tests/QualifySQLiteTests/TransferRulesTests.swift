import Foundation
import GRDB
import QualifyCore
import QualifyModelFile
@testable import QualifySQLite
import QualifyStore
import Testing

/// What `qualify copy` counts as equal (plain values), and the catalogue of copied tables against the real schema.
@Suite struct TransferRulesTests {
    static let base = LeadChecksum(id: 7, email: "ada@acme.io", fitPoints: 40, grade: "B", stage: "mql", engagement: 1234.5678,
                                   events: 12, ledgerPoints: 95, ledgerEntries: 9)

    static let changes: [(String, @Sendable (inout LeadChecksum) -> Void, [String])] = [
        ("nothing", { _ in }, []),
        ("fit points", { $0.fitPoints += 1 }, ["fit points"]),
        ("grade", { $0.grade = "A" }, ["grade"]),
        ("stage", { $0.stage = "sql" }, ["stage"]),
        ("engagement beyond the tolerance", { $0.engagement *= 1 + 1e-9 }, ["engagement"]),
        ("engagement within the tolerance", { $0.engagement *= 1 + 1e-14 }, []),
        ("a missing event", { $0.events -= 1; $0.ledgerPoints -= 5; $0.ledgerEntries -= 1 }, ["events", "ledger"]),
        ("ledger points alone", { $0.ledgerPoints += 10 }, ["ledger"]),
        ("an event that scores the same but reads differently", { $0.eventDigest ^= 1 }, ["events"]),
        ("no engine for the model version", { $0.ledgerPoints = -1; $0.ledgerEntries = -1 }, ["ledger"]),
    ]

    @Test(arguments: changes.indices)
    func aChecksumDiffersExactlyInWhatChanged(_ i: Int) {
        let (_, change, expected) = Self.changes[i]
        var other = Self.base
        change(&other)
        #expect(Self.base.differences(from: other) == expected, "\(Self.changes[i].0)")
        #expect(other.differences(from: Self.base) == expected, "symmetric: \(Self.changes[i].0)")
    }

    @Test func verificationPassesOnlyWhenEveryCountAndLeadIsEqual() {
        var v = TransferVerification(keep: 1)
        v.count("lead", source: 2, target: 2)
        v.compare(source: Self.base, target: Self.base)
        #expect(v.passed && v.leadsCompared == 1)

        var missing = v
        missing.compare(source: Self.base, target: nil)
        var other = Self.base
        other.stage = "sql"
        missing.compare(source: Self.base, target: other)
        #expect(!missing.passed && missing.differing == 2 && missing.differences.count == 1, "keeps the first \(missing.keep)")
        #expect(missing.differences[0].description == "ada@acme.io: missing from the target")

        var counts = v
        counts.count("event", source: 10, target: 9)
        #expect(!counts.passed)
    }

    @Test func theChecksumLedgerIsTheReplayOfTheEvents() throws {
        let engine = try Engine(model: ModelFile.defaultModel())
        let key = LeadKey(normalizedEmail: "ada@acme.io")
        let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        let events = [
            Event(id: EventID("f"), lead: key, at: t0, kind: .fieldsUpdate(fields: ["job_title": "CTO", "employees": "200"], source: "t")),
            Event(id: EventID("d"), lead: key, at: t0.adding(.days(1)), kind: .activity(type: "demo_request", properties: [:])),
        ]
        let replay = engine.replay(key, events: events)
        let lead = LeadSnapshot(id: 1, key: key, modelVersion: 1, fitPoints: replay.state.fitPoints, grade: replay.state.grade.rawValue,
                                stage: replay.state.stage.rawValue, engagementAmplitude: 0, state: replay.state, events: events)
        let sum = LeadChecksum(lead, engine: engine)
        #expect(sum.ledgerPoints == replay.ledger.reduce(0) { $0 + $1.points } && sum.ledgerPoints > 0)
        #expect(sum.ledgerEntries == replay.ledger.count && sum.events == 2)
        var fewer = lead
        fewer.events.removeLast()
        #expect(LeadChecksum(fewer, engine: engine).differences(from: sum) == ["events", "ledger"])
        // a property that no rule reads scores the same, and still shows in the log's digest
        var noted = lead
        noted.events[1] = Event(id: EventID("d"), lead: key, at: t0.adding(.days(1)), kind: .activity(type: "demo_request", properties: ["note": "x"]))
        #expect(LeadChecksum(noted, engine: engine).differences(from: sum) == ["events"])
        // the digest depends on the content, not on how a dictionary happens to be laid out
        let many = Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v\($0)") })
        let rebuilt = Dictionary(uniqueKeysWithValues: many.sorted { $0.key > $1.key }.map { ($0.key, $0.value) })
        let a = Event(id: EventID("p"), lead: key, at: t0, kind: .activity(type: "page_view", properties: many))
        let b = Event(id: EventID("p"), lead: key, at: t0, kind: .activity(type: "page_view", properties: rebuilt))
        #expect(LeadChecksum.digest([a]) == LeadChecksum.digest([b]))
        #expect(LeadChecksum.digest([a]) != LeadChecksum.digest([Event(id: EventID("p"), lead: key, at: t0.adding(.days(1)), kind: a.kind)]))
    }

    @Test func theCatalogueDescribesEveryTableAndColumnOfTheSQLiteSchema() async throws {
        let store = try SQLiteLeadStore.inMemory()
        let schema: [String: [String]] = try await store.writer.read { db in
            var tables: [String: [String]] = [:]
            for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'") {
                tables[name] = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [name]).map { $0[0] }
            }
            return tables
        }
        #expect(Set(schema.keys) == Set(TransferTable.all.map(\.name)), "a migration changed the tables: describe them in TransferTable.all")
        for table in TransferTable.all {
            #expect(schema[table.name] == table.columnNames, "a migration changed \(table.name)'s columns: describe them in TransferTable.all")
            #expect(table.name.allSatisfy { $0.isLowercase || $0 == "_" } && table.columnNames.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
        }
    }
}
