import Foundation
import GRDB
import QualifyCore
import QualifyModelFile
@testable import QualifySQLite
import QualifyStore
import QualifyUseCases
import Testing

/// `v4-email-identity` on a database written before lead keys were in identity form: Unicode keys are rewritten, and
/// leads that are one person are merged without losing anything.
@Suite struct EmailIdentityMigrationTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!

    /// A lead key as qualify stored it before `v4-email-identity`: the address lowercased, nothing more.
    static func oldKey(_ email: String) -> LeadKey { LeadKey(normalizedEmail: email.lowercased()) }

    static func identity(_ email: String) throws -> LeadKey { try EmailAddress.identity(email).get() }

    @Test func oldKeysAreRewrittenAndLeadsThatAreOnePersonMerged() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-identity-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("q.sqlite").path

        // a database as qualify left it before v4-email-identity
        let before: StoreStatistics
        do {
            // the whole schema (today's store writes today's columns), then v4 unrecorded: old-form keys written
            // below are what it finds, as on a database from before it
            let pool = try DatabasePool(path: path, configuration: SQLiteLeadStore.configuration())
            try Migrations.migrator.migrate(pool)
            try await pool.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-email-identity'") }
            let old = SQLiteLeadStore(writer: pool, lists: .builtIn)
            _ = try await old.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: Self.t0)
            // one upsert a row: old-form keys that Swift's String compares as equal (Jose\u{301} and josé) were
            // separate rows in the old store; a batch holds its leads by key, so it would take them for one
            for row in [
                LeadUpsert(key: Self.oldKey("Ana@München.de"), fields: ["first_name": "Ana"], origin: "old:1"),
                LeadUpsert(key: Self.oldKey("Jose\u{301}@acme.com"), fields: ["job_title": "CTO"], origin: "old:2"),
                LeadUpsert(key: LeadKey(normalizedEmail: "josé@acme.com"), fields: ["country": "ES"], origin: "old:3"),
                LeadUpsert(key: Self.oldKey("bo@Bücher.de"), fields: ["first_name": "Bo"], origin: "old:4"),
                LeadUpsert(key: LeadKey(normalizedEmail: "bo@xn--bcher-kva.de"), fields: ["last_name": "Berg"], origin: "old:5"),
                LeadUpsert(key: LeadKey(normalizedEmail: "zoe@acme.com"), fields: ["first_name": "Zoe"], origin: "old:6"),
            ] { _ = try await old.upsertLeads([row], source: "old", at: Self.t0) }
            _ = try await old.moveStage(Self.oldKey("Jose\u{301}@acme.com"), action: .disqualify, reason: "test", by: "t",
                                        id: EventID("s1"), at: Self.t0.adding(.days(1)))
            before = try await old.statistics()
            #expect(before.leads == 6 && before.accounts == 4 && before.stageChanges == 1)
        }

        let (store, applied) = try SQLiteLeadStore.open(path: path, migrations: .applyPending)
        #expect(applied == ["v4-email-identity"])
        let after = try await store.statistics()
        #expect(after.leads == 4, "josé and bo merged: \(after)")
        #expect(after.events == before.events && after.stageChanges == before.stageChanges, "nothing recorded is lost: \(after)")
        #expect(after.accounts == 3, "bücher.de and xn--bcher-kva.de are one account: \(after)")

        let ana = try #require(try await store.lead(try Self.identity("ana@münchen.de")))
        #expect(ana.key.email == "ana@xn--mnchen-3ya.de" && ana.account?.domain == "xn--mnchen-3ya.de")
        #expect(ana.modelVersion == 0, "rekeyed leads are marked for replay")
        let bo = try #require(try await store.lead(try Self.identity("BO@bücher.de")))
        #expect(bo.events.count == 2 && bo.account?.domain == "xn--bcher-kva.de" && bo.account?.leads == 1)
        let zoe = try #require(try await store.lead(LeadKey(normalizedEmail: "zoe@acme.com")))
        #expect(zoe.modelVersion == 1, "ASCII keys are untouched")

        let jose = try #require(try await store.lead(try Self.identity("jose\u{301}@acme.com")))
        #expect(jose.modelVersion == 0 && jose.events.count == 3, "both leads' events on the survivor: \(jose.events.map(\.id))")
        // the next event replays the merged lead from its whole log
        let outcome = try await store.ingest([IncomingEvent(id: EventID("p1"), email: "JOSE\u{301}@ACME.COM", type: "page_view",
                                                            at: Self.t0.adding(.days(2)))],
                                             options: IngestOptions(), now: Self.t0.adding(.days(3)))
        #expect(outcome == [.applied])
        let replayed = try #require(try await store.lead(try Self.identity("josé@acme.com")))
        #expect(replayed.modelVersion == 1 && replayed.state.eventCount == 4)
        #expect(replayed.state.fields["job_title"] == "CTO" && replayed.state.fields["country"] == "ES")
        #expect(replayed.state.stage == .disqualified, "the merged lead's stage move replayed: \(replayed.state.stage)")
    }

    @Test func theMigrationIsListedUnderTheNameItRecords() {
        #expect(Migrations.names.contains(EmailIdentityMigration.name))
    }
}
