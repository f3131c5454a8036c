import QualifyCore
import QualifyModelFile
@testable import QualifyPostgres
import QualifyStore
import QualifyUseCases
import Testing

/// `v6-lead-owner` in SQL on a database from before it (see LeadOwnerMigrationTests for the SQLite store).
@Suite(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
struct PostgresLeadOwnerTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static func key(_ email: String) -> LeadKey { try! EmailAddress.parse(email).get() }

    @Test func theOwnerColumnIsFilledFromEachLeadsLatestOwner() async throws {
        try await TestDatabase.with { url in
            let (old, _) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .createIfNew)
            _ = try await old.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: Self.t0)
            _ = try await old.upsertLeads([
                LeadUpsert(key: Self.key("a@firm.io"), fields: ["owner": "Maria"], origin: "1"),
                LeadUpsert(key: Self.key("b@firm.io"), fields: ["owner": "Sam"], origin: "2"),
                LeadUpsert(key: Self.key("c@firm.io"), fields: ["job_title": "CTO"], origin: "3"),
            ], source: "crm", at: Self.t0)
            _ = try await old.upsertLeads([LeadUpsert(key: Self.key("b@firm.io"), fields: ["owner": "Maria", "country": "DE"], origin: "4")],
                                          source: "crm", at: Self.t0.adding(.days(1)))
            _ = try await old.upsertLeads([LeadUpsert(key: Self.key("b@firm.io"), fields: ["country": "AT"], origin: "5")],
                                          source: "crm", at: Self.t0.adding(.days(2)))
            await old.close()
            // as a database from before v6: no owner column (its index goes with it), no record of the migration
            try await PostgresAdmin.execute(url, "ALTER TABLE lead DROP COLUMN owner")
            try await PostgresAdmin.execute(url, "DROP INDEX lead_stage")
            try await PostgresAdmin.execute(url, "CREATE INDEX lead_stage ON lead(stage, grade_rank, engagement_amp DESC)")
            try await PostgresAdmin.execute(url, "CREATE INDEX lead_priority ON lead(grade_rank, engagement_amp DESC)")
            try await PostgresAdmin.execute(url, "DELETE FROM schema_migrations WHERE name IN ('v6-lead-owner', 'v7-queue-indexes')")

            let (store, applied) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .applyPending)
            #expect(applied == ["v6-lead-owner", "v7-queue-indexes"])
            let indexes = try await PostgresAdmin.strings(url, "SELECT indexdef FROM pg_indexes WHERE tablename = 'lead'")
            // v7 dropped the indexes ending in the engagement column; v12 adds back one, the queue's band index
            #expect(indexes.count == 12 && indexes.filter { $0.contains("engagement_amp") }.count == 1
                    && indexes.contains { $0.contains("lead_band") }, "\(indexes)")
            let now = Self.t0.adding(.days(3))
            #expect(try await store.queue(QueueQuery(stages: .open, owner: "Maria"), now: now).map(\.email).sorted() == ["a@firm.io", "b@firm.io"])
            #expect(try await store.queue(QueueQuery(stages: .open, owner: "Sam"), now: now).isEmpty)
            let c = try await store.queue(QueueQuery(stages: .open), now: now).first { $0.email == "c@firm.io" }
            #expect(c != nil && c?.owner == nil)
            await store.close()
        }
    }
}
