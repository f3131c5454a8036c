import Foundation
import GRDB
import QualifyCore
import QualifyModelFile
@testable import QualifySQLite
import QualifyStore
import QualifyUseCases
import Testing

/// `v6-lead-owner` on a database from before it: the queue's owner column is filled from each lead's latest fields
/// update that names an owner.
struct LeadOwnerMigrationTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static func key(_ email: String) -> LeadKey { try! EmailAddress.parse(email).get() }

    @Test func theOwnerColumnIsFilledFromEachLeadsLatestOwner() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-owner-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("q.sqlite").path
        do {
            let (store, _) = try SQLiteLeadStore.open(path: path, migrations: .createIfNew)
            _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: Self.t0)
            _ = try await store.upsertLeads([
                LeadUpsert(key: Self.key("a@firm.io"), fields: ["owner": "Maria"], origin: "1"),
                LeadUpsert(key: Self.key("b@firm.io"), fields: ["owner": "Sam"], origin: "2"),
                LeadUpsert(key: Self.key("c@firm.io"), fields: ["job_title": "CTO"], origin: "3"),
            ], source: "crm", at: Self.t0)
            _ = try await store.upsertLeads([LeadUpsert(key: Self.key("b@firm.io"), fields: ["owner": "Maria", "country": "DE"], origin: "4")],
                                            source: "crm", at: Self.t0.adding(.days(1)))
            _ = try await store.upsertLeads([LeadUpsert(key: Self.key("b@firm.io"), fields: ["country": "AT"], origin: "5")],
                                            source: "crm", at: Self.t0.adding(.days(2)))
            // as a database from before v6: no owner column, the queue indexes of v1, no record of v6 or v7
            try await store.writer.write { db in
                try db.execute(sql: """
                    DROP INDEX lead_owner;
                    ALTER TABLE lead DROP COLUMN owner;
                    DROP INDEX lead_stage;
                    CREATE INDEX lead_stage ON lead(stage, grade_rank, engagement_amp DESC);
                    CREATE INDEX lead_priority ON lead(grade_rank, engagement_amp DESC);
                    DELETE FROM grdb_migrations WHERE identifier IN ('v6-lead-owner', 'v7-queue-indexes');
                    """)
            }
        }
        #expect(throws: StoreError.schemaBehind(pending: ["v6-lead-owner", "v7-queue-indexes"])) {
            try SQLiteLeadStore.open(path: path, migrations: .createIfNew)
        }
        let (store, applied) = try SQLiteLeadStore.open(path: path, migrations: .applyPending)
        #expect(applied == ["v6-lead-owner", "v7-queue-indexes"])
        // v7 dropped the indexes ending in the engagement column (each moved on every scored event); v12 adds back one,
        // the band index the queue reads

        let indexes = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead' AND sql IS NOT NULL")
                .map { (name: $0[0] as String, sql: $0[1] as String) }
        }
        #expect(Set(indexes.map(\.name)) == ["lead_stage", "lead_account", "lead_updated", "lead_owner", "lead_due", "lead_escalate", "lead_band",
                                              "lead_followup", "lead_followup_hold", "lead_followup_announce"])
        #expect(indexes.filter { $0.sql.contains("engagement_amp") }.map(\.name) == ["lead_band"])
        let now = Self.t0.adding(.days(3))
        #expect(try await store.queue(QueueQuery(stages: .open, owner: "Maria"), now: now).map(\.email).sorted() == ["a@firm.io", "b@firm.io"],
                "b's latest owner is Maria; a later update without an owner keeps it")
        #expect(try await store.queue(QueueQuery(stages: .open, owner: "Sam"), now: now).isEmpty)
        let c = try await store.queue(QueueQuery(stages: .open), now: now).first { $0.email == "c@firm.io" }
        #expect(c != nil && c?.owner == nil)
    }
}
