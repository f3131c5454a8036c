import QualifyCore
import QualifyModelFile
import QualifyPostgres
import QualifyStore
import QualifyUseCases
import Testing

/// Routing with several servers on one database: the pool's turns are taken under a row lock, so none is lost or
/// doubled.
@Suite(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"))
struct PostgresRoutingTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static let yaml = DefaultModel.yaml + """

        team:
          - { id: sam, name: Sam }
          - { id: lea, name: Lea }
          - { id: tom, name: Tom }
        routing:
          pools:
            everyone: { members: [sam, lea, tom], method: round_robin }
          fallback: everyone

        """

    @Test func twoServersRoutingAThousandSQLsShareThemFairlyAndAssignEachOnce() async throws {
        try await TestDatabase.with { url in
            let first = try await PostgresLeadStore.connect(url: url, maximumConnections: 4)
            let second = try await PostgresLeadStore.connect(url: url, maximumConnections: 4)
            let (model, _) = try ModelFile.parse(yaml: Self.yaml, file: "routing.yaml").get()
            _ = try await first.activate(model, source: Self.yaml, at: Self.t0)
            let emails = (0..<1000).map { "lead\($0)@company\($0).io" }
            _ = try await first.upsertLeads(emails.map { LeadUpsert(key: try! EmailAddress.parse($0).get(), fields: ["job_title": "CTO"], origin: "t") },
                                            source: "t", at: Self.t0)
            // each server sends half the demo requests, four at a time, in batches of five
            let now = Self.t0.adding(.days(2))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (n, store) in [first, second].enumerated() {
                    for lane in 0..<4 {
                        group.addTask {
                            let mine = emails.indices.filter { $0 % 2 == n && ($0 / 2) % 4 == lane }
                            for start in stride(from: 0, to: mine.count, by: 5) {
                                let batch = mine[start..<min(start + 5, mine.count)].map { i in
                                    IncomingEvent(id: EventID("d\(i)"), email: emails[i], type: "demo_request",
                                                  at: Self.t0.adding(TimeSpan(millis: Int64(i) * 1000)), properties: [:])
                                }
                                let outcomes = try await store.ingest(batch, options: IngestOptions(), now: now)
                                #expect(outcomes.allSatisfy { $0 == .applied })
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            var counts: [String: Int] = [:]
            for email in emails {
                let lead = try #require(try await second.lead(try EmailAddress.parse(email).get()))
                #expect(lead.events.filter { $0.typeName == Event.assignmentType }.count == 1, "\(email) assigned once")
                counts[lead.state.fields["owner"] ?? "nobody", default: 0] += 1
            }
            #expect(counts.keys.sorted() == ["lea", "sam", "tom"])
            #expect(counts.values.allSatisfy { abs($0 - 333) <= 1 }, "a fair share each: \(counts)")
            let assigned = try await first.outboxMessages(after: 0, limit: 5_000).filter { $0.kind == "lead_assigned" }
            #expect(assigned.count == 1000)
            await first.close()
            await second.close()
        }
    }

    @Test func twoServersEscalatingTogetherFireEachStepOnce() async throws {
        let yaml = Self.yaml + "sla:\n  sql: { within: 1h, escalate: [ { after: 1h, do: remind }, { after: 2h, do: tell_manager } ] }\n"
        try await TestDatabase.with { url in
            let first = try await PostgresLeadStore.connect(url: url, maximumConnections: 4)
            let second = try await PostgresLeadStore.connect(url: url, maximumConnections: 4)
            let (model, _) = try ModelFile.parse(yaml: yaml, file: "sla.yaml").get()
            _ = try await first.activate(model, source: yaml, at: Self.t0)
            let emails = (0..<60).map { "esc\($0)@firm\($0).io" }
            _ = try await first.upsertLeads(emails.map { LeadUpsert(key: try! EmailAddress.parse($0).get(), fields: ["job_title": "CTO"], origin: "t") },
                                            source: "t", at: Self.t0)
            _ = try await first.ingest(emails.enumerated().map { i, e in
                IncomingEvent(id: EventID("x\(i)"), email: e, type: "demo_request", at: Self.t0, properties: [:])
            }, options: IngestOptions(), now: Self.t0)
            let later = Self.t0.adding(.hours(5))
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for store in [first, second, first, second] {
                    group.addTask { try await store.escalate(now: later).fired.count }
                }
                return try await group.reduce(0, +)
            }
            #expect(counts == 120, "two steps for each of 60 leads, fired once in all: \(counts)")
            for email in emails.prefix(10) {
                let lead = try #require(try await second.lead(try EmailAddress.parse(email).get()))
                #expect(lead.events.filter { $0.typeName == Event.escalationType }.count == 2)
            }
            let breached = try await first.outboxMessages(after: 0, limit: 5_000).filter { $0.kind == "sla_breached" }
            #expect(breached.count == 120)
            await first.close()
            await second.close()
        }
    }
}
