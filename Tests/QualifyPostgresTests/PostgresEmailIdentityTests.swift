import QualifyCore
import QualifyModelFile
@testable import QualifyPostgres
import QualifyStore
import QualifyUseCases
import Testing

/// `v4-email-identity` in SQL on a database with lead keys in the form qualify stored before it (see
/// EmailIdentityMigrationTests for the SQLite store): the same rewrites and merges.
@Suite(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
struct PostgresEmailIdentityTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!

    /// A lead key as qualify stored it before `v4-email-identity`: the address lowercased, nothing more.
    static func oldKey(_ email: String) -> LeadKey { LeadKey(normalizedEmail: email.lowercased()) }

    static func identity(_ email: String) throws -> LeadKey { try EmailAddress.identity(email).get() }

    @Test func oldKeysAreRewrittenAndLeadsThatAreOnePersonMerged() async throws {
        try await TestDatabase.with { url in
            let (old, _) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .createIfNew)
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
                LeadUpsert(key: Self.oldKey("li@例え.jp"), fields: ["first_name": "Li"], origin: "old:7"),
            ] { _ = try await old.upsertLeads([row], source: "old", at: Self.t0) }
            _ = try await old.moveStage(Self.oldKey("Jose\u{301}@acme.com"), action: .disqualify, reason: "test", by: "t",
                                        id: EventID("s1"), at: Self.t0.adding(.days(1)))
            let before = try await old.statistics()
            #expect(before.leads == 7 && before.accounts == 5 && before.stageChanges == 1)
            await old.close()
            // as a database from before the migration (v4 found nothing to do on the new database)
            try await PostgresAdmin.execute(url, "DELETE FROM schema_migrations WHERE name = 'v4-email-identity'")

            let (store, applied) = try await PostgresLeadStore.open(url: url, maximumConnections: 2, migrations: .applyPending)
            #expect(applied == ["v4-email-identity"])
            let after = try await store.statistics()
            #expect(after.leads == 5, "josé and bo merged: \(after)")
            #expect(after.events == before.events && after.stageChanges == before.stageChanges, "nothing recorded is lost: \(after)")
            #expect(after.accounts == 4, "bücher.de and xn--bcher-kva.de are one account: \(after)")

            let ana = try #require(try await store.lead(try Self.identity("ana@münchen.de")))
            #expect(ana.key.email == "ana@xn--mnchen-3ya.de" && ana.account?.domain == "xn--mnchen-3ya.de")
            #expect(ana.modelVersion == 0, "rekeyed leads are marked for replay")
            #expect(try await store.lead(try Self.identity("li@例え.jp")) != nil, "the SQL Punycode gives the core's A-label")
            let bo = try #require(try await store.lead(try Self.identity("BO@bücher.de")))
            #expect(bo.events.count == 2 && bo.account?.domain == "xn--bcher-kva.de" && bo.account?.leads == 1)
            let zoe = try #require(try await store.lead(LeadKey(normalizedEmail: "zoe@acme.com")))
            #expect(zoe.modelVersion == 1, "ASCII keys are untouched")

            let jose = try #require(try await store.lead(try Self.identity("jose\u{301}@acme.com")))
            #expect(jose.modelVersion == 0 && jose.events.count == 3, "both leads' events on the survivor: \(jose.events.map(\.id))")
            let outcome = try await store.ingest([IncomingEvent(id: EventID("p1"), email: "JOSE\u{301}@ACME.COM", type: "page_view",
                                                                at: Self.t0.adding(.days(2)))],
                                                 options: IngestOptions(), now: Self.t0.adding(.days(3)))
            #expect(outcome == [.applied])
            let replayed = try #require(try await store.lead(try Self.identity("josé@acme.com")))
            #expect(replayed.modelVersion == 1 && replayed.state.eventCount == 4)
            #expect(replayed.state.fields["job_title"] == "CTO" && replayed.state.fields["country"] == "ES")
            #expect(replayed.state.stage == .disqualified, "the merged lead's stage move replayed: \(replayed.state.stage)")
            await store.close()
        }
    }
}
