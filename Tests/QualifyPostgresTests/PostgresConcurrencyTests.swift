import QualifyCore
import QualifyModelFile
import QualifyPostgres
import QualifyStore
import QualifyUseCases
import Testing

/// What only a shared server has: several store instances (several processes, each with its own pool) on one database.
@Suite(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
struct PostgresConcurrencyTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static func at(hours: Int64) -> Timestamp { t0.adding(TimeSpan(millis: hours * 3_600_000)) }
    static let now = at(hours: 60 * 24)
    static let known = ["ada@acme.io", "bob@acme.io", "cy@globex.io", "di@initech.io", "ed@gmail.com", "flo@umbrella.io"]
    static let unknown = ["new1@hooli.io", "new2@hooli.io"]
    static let types = ["page_view", "content_download", "webinar_register", "webinar_attend", "demo_request", "contact_sales"]

    /// 128 events over 8 leads, their times scrambled so batches arrive out of order (late events force replays).
    static let events: [IncomingEvent] = (0..<128).map { i in
        let emails = known + unknown
        return IncomingEvent(id: EventID("c\(i)"), email: emails[i % emails.count], type: types[(i * 5) % types.count],
                             at: at(hours: Int64((i * 37) % 1_400)), properties: i % 3 == 0 ? ["url": "/pricing"] : [:])
    }

    static func prepare(_ store: PostgresLeadStore) async throws {
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: t0)
        _ = try await store.upsertLeads(known.map { LeadUpsert(key: try! EmailAddress.parse($0).get(), fields: ["job_title": "CEO"], origin: "c") },
                                        source: "c", at: t0)
    }

    @Test func twoServersIngestingIntoTheSameLeadsLoseNoUpdateAndCountNothingTwice() async throws {
        let reference = try await TestDatabase.withStore { store in
            try await Self.prepare(store)
            let outcomes = try await store.ingest(Self.events, options: IngestOptions(createLeads: true), now: Self.now)
            #expect(outcomes.allSatisfy { $0 == .applied })
            var states: [String: LeadState] = [:]
            for email in Self.known + Self.unknown {
                states[email] = try await store.lead(try EmailAddress.parse(email).get())?.state
            }
            return (states, try await store.statistics())
        }
        try await TestDatabase.with { url in
            let first = try await PostgresLeadStore.connect(url: url, maximumConnections: 2)
            let second = try await PostgresLeadStore.connect(url: url, maximumConnections: 2)
            defer { _ = (first, second) }
            try await Self.prepare(first)
            // Batches of 8 dealt alternately to the two servers; each also resends one of the other's batches.
            let batches = stride(from: 0, to: Self.events.count, by: 8).map { Array(Self.events[$0..<min($0 + 8, Self.events.count)]) }
            let mine = batches.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + [batches[1]]
            let theirs = batches.enumerated().filter { $0.offset % 2 == 1 }.map(\.element) + [batches[0]]
            let outcomes = try await withThrowingTaskGroup(of: [IngestOutcome].self) { group in
                for (store, share) in [(first, mine), (second, theirs)] {
                    group.addTask {
                        var out: [IngestOutcome] = []
                        for batch in share {
                            out += try await store.ingest(batch, options: IngestOptions(createLeads: true), now: Self.now)
                        }
                        return out
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(outcomes.filter { $0 == .applied }.count == Self.events.count, "each event applied exactly once")
            #expect(outcomes.filter { $0 == .duplicate }.count == 16, "the resent batches are duplicates")
            for email in Self.known + Self.unknown {
                let state = try await first.lead(try EmailAddress.parse(email).get())?.state
                #expect(state == reference.0[email], "\(email): the same state as one ingest of all events")
            }
            let stats = try await second.statistics()
            #expect(stats.events == reference.1.events && stats.leads == reference.1.leads && stats.accounts == reference.1.accounts,
                    "statistics \(stats) vs \(reference.1)")
            await first.close()
            await second.close()
        }
    }

    @Test func serversStartingTogetherMigrateTheDatabaseOnce() async throws {
        try await TestDatabase.with { url in
            let stores = try await withThrowingTaskGroup(of: PostgresLeadStore.self) { group in
                for _ in 0..<3 { group.addTask { try await PostgresLeadStore.connect(url: url, maximumConnections: 1) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let schema = try await stores[0].schema()
            #expect(schema.applied == ["v1-core", "v2-quarantine", "v3-api-keys", "v4-email-identity", "v5-event-lead-unchecked", "v6-lead-owner", "v7-queue-indexes", "v8-webhooks", "v9-routing", "v10-sla-due", "v11-users", "v12-queue-band", "v13-owner-any-case", "v14-follow-ups"])
            #expect(schema.latest == "v14-follow-ups")
            for store in stores { await store.close() }
        }
    }
}
