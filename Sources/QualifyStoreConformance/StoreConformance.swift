import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

/// The one suite every ``LeadStore`` must pass. Each case gets a fresh, empty store from the caller and throws a
/// ``ConformanceFailure`` naming what differed. Test targets run every case for every enabled backend:
/// `@Test(arguments: StoreConformance.cases.map(\.name))`.
public enum StoreConformance {
    public typealias Case = (name: String, run: @Sendable (any LeadStore) async throws -> Void)

    public static let cases: [Case] = [
        ("activating a model records a new version", activationRecordsVersions),
        ("upsert creates a lead with fit, grade and account", upsertCreates),
        ("upsert merges later non-empty values and records the merge", upsertMerges),
        ("ingest scores events and is idempotent by event id", ingestIdempotent),
        ("a batch mixing stored and new ids applies the new ones; text is kept exactly", ingestMixedBatch),
        ("ingest rejects unknown leads unless asked to create them", ingestUnknownLeads),
        ("ingest rejects bad events with a reason and keeps the good ones", ingestRejects),
        ("a late event gives the same result as a replay in order", lateEventEqualsReplay),
        ("stage moves are recorded with reasons and sent to the outbox", stageMovesRecorded),
        ("a move is announced once, however many late events become its cause; an outcome is marked", announcedOnce),
        ("a person's stage move is checked, recorded and replayed", manualMoves),
        ("the queue is ordered by priority and filtered", queueOrder),
        ("a dry run reports changes and writes nothing; activation applies them", dryRunAndActivate),
        ("invalid addresses are quarantined once per source and listed", quarantine),
        ("API keys are found by secret hash, listed and revoked", apiKeys),
        ("the queue pages by offset and filters by time of change", queuePages),
        ("the queue filters by owner and follows a change of owner", queueByOwner),
        ("one person written with a Unicode or ASCII domain, NFC or NFD local part is one lead", oneLeadPerPerson),
        ("webhooks: each message dispatched once, a lead's deliveries claimed in order under a lease, retried, given up, redelivered",
         webhookDelivery),
        ("a lead entering SQL is routed once: pool turns kept, rules, sticky accounts; recorded, announced, kept by replays", routing),
        ("the SLA clock: due in the owner's working hours, listed when overdue, stopped by a touch", slaClock),
        ("SLA escalation steps fire once each, in order; reassign gives the lead to the pool's next person", escalation),
        ("users and sessions: unique emails, hashes kept, sessions ended by a new password, disabling and idling; activations say who",
         usersAndSessions),
        ("the queue searches email, name and company literally, lists the unassigned; the matrix and weekly stage entries count", queueSearchAndMatrix),
        ("the queue read as bands gives the sort's order for every filter; pages by key and by offset agree; ties in creation order", queueBandsMatchTheSort),
        ("funnel leads: arrival, stage moves oldest first and the group's value, by pages", funnelLeads),
        ("accounts: contacts by domain and by pages; scores are the contacts' sums, roles from titles; the lead card names its account",
         accountContacts),
        ("follow-ups: due by time in order and by owner, paged; held leads listed; a step done moves the cadence on; each announced once", followUps),
    ]

    public static func run(_ name: String, on store: any LeadStore) async throws {
        guard let c = cases.first(where: { $0.name == name }) else { throw ConformanceFailure("no case named '\(name)'") }
        try await c.run(store)
    }

    // MARK: fixtures

    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static func day(_ n: Int64, hour: Int64 = 0) -> Timestamp { t0.adding(TimeSpan(millis: n * 86_400_000 + hour * 3_600_000)) }
    static let now = day(60)

    static func key(_ email: String) -> LeadKey { try! EmailAddress.identity(email).get() }

    static func prepared(_ store: any LeadStore) async throws {
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: t0)
    }

    static func ada(_ store: any LeadStore) async throws {
        _ = try await store.upsertLeads([
            LeadUpsert(key: key("ada@acme.io"), fields: [
                "first_name": "Ada", "last_name": "Lovelace", "company": "Acme", "job_title": "VP Engineering",
                "employees": "250", "industry": "Software",
            ], origin: "test:1"),
        ], source: "test", at: t0)
    }

    static func event(_ id: String, _ email: String, _ type: String, _ at: Timestamp, _ props: [String: String] = [:]) -> IncomingEvent {
        IncomingEvent(id: EventID(id), email: email, type: type, at: at, properties: props)
    }

    // MARK: cases

    static func activationRecordsVersions(_ store: any LeadStore) async throws {
        try await expectAsync(try await store.activeModel() == nil, "a new store has no active model")
        try await prepared(store)
        var changed = ModelFile.defaultModel()
        changed.name = "changed"
        let (v2, _) = try await store.activate(changed, source: "name: changed", at: day(1))
        try expect(v2.version == 2, "second activation is version 2, got \(v2.version)")
        let versions = try await store.modelVersions()
        try expect(versions.map(\.version) == [1, 2], "versions listed oldest first: \(versions.map(\.version))")
        try await expectAsync(try await store.activeModel()?.model.name == "changed", "the newest version is active")
    }

    static func upsertCreates(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        guard let lead = try await store.lead(key("ADA@Acme.io ")) else { throw ConformanceFailure("lead not found by unnormalized email") }
        // decision-maker 20 + company-size 20 + target-industry 10 + company-email 10
        try expect(lead.state.fitPoints == 60, "fit points 60, got \(lead.state.fitPoints)")
        try expect(lead.state.grade == .a, "grade A, got \(lead.state.grade)")
        try expect(lead.account?.domain == "acme.io" && lead.account?.name == "Acme", "account linked by domain: \(String(describing: lead.account))")
        try expect(lead.state.stage == .new, "a lead with no activity is new")
        _ = try await store.upsertLeads([LeadUpsert(key: key("bob@gmail.com"), fields: ["first_name": "Bob"], origin: "test:2")],
                                        source: "test", at: t0)
        let bob = try await store.lead(key("bob@gmail.com"))
        try expect(bob?.account == nil, "free-mail leads get no account")
        try expect(bob?.state.fitPoints == -15, "free-mail rule gives -15, got \(String(describing: bob?.state.fitPoints))")
    }

    static func upsertMerges(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        let outcomes = try await store.upsertLeads([
            LeadUpsert(key: key("ada@acme.io"), fields: ["job_title": "Engineer", "country": "UK", "company": ""], origin: "test:7"),
            LeadUpsert(key: key("ada@acme.io"), fields: ["country": "UK"], origin: "test:8"),
        ], source: "second.csv", at: day(1))
        try expect(outcomes == [.merged(["country", "job_title"]), .unchanged], "outcomes: \(outcomes)")
        guard let lead = try await store.lead(key("ada@acme.io")) else { throw ConformanceFailure("lead lost") }
        try expect(lead.state.fields["company"] == "Acme", "an empty value does not overwrite")
        try expect(lead.state.fields["job_title"] == "Engineer", "a later non-empty value wins")
        try expect(lead.state.fitPoints == 40, "decision-maker no longer matches: 40, got \(lead.state.fitPoints)")
        try expect(lead.merges.count == 2, "two merges recorded (creation and update), got \(lead.merges.count)")
        try expect(lead.merges.last?.changes == ["job_title": "Engineer", "country": "UK"], "merge record: \(String(describing: lead.merges.last))")
    }

    static func ingestIdempotent(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        let batch = [
            event("e1", "ada@acme.io", "page_view", day(1), ["url": "/pricing"]),
            event("e2", "ada@acme.io", "content_download", day(2), ["asset": "guide"]),
            event("e2", "ada@acme.io", "content_download", day(2), ["asset": "guide"]),
        ]
        let first = try await store.ingest(batch, options: IngestOptions(), now: now)
        try expect(first == [.applied, .applied, .duplicate], "first batch: \(first)")
        let afterFirst = try await store.lead(key("ada@acme.io"))!
        let second = try await store.ingest(batch, options: IngestOptions(), now: now)
        try expect(second == [.duplicate, .duplicate, .duplicate], "retried batch: \(second)")
        let afterSecond = try await store.lead(key("ada@acme.io"))!
        try expect(afterFirst.state == afterSecond.state, "a retried batch changes nothing")
        try expect(afterSecond.events.count == 3, "fields update + 2 activities, got \(afterSecond.events.count)")
        // visit 1 + pricing-page 10 at day 1; download 15 at day 2 (30-day half-life)
        let expected = 11 * Decay.factor(from: day(1), to: now, halfLife: .days(30)) + 15 * Decay.factor(from: day(2), to: now, halfLife: .days(30))
        let got = afterSecond.state.engagement(at: now, halfLife: .days(30))
        try expect(abs(got - expected) < 1e-9, "engagement \(got), expected \(expected)")
        let stats = try await store.statistics()
        try expect(stats.events == 3 && stats.leads == 1, "statistics: \(stats)")
    }

    static func ingestMixedBatch(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        let odd = "tab\there, line\nbreak, return\r, back\\slash \\N \\. and ünïcödé"
        let first = try await store.ingest([event("e1", "ada@acme.io", "page_view", day(1), ["url": "/pricing"])],
                                           options: IngestOptions(), now: now)
        try expect(first == [.applied], "first batch: \(first)")
        let mixed = try await store.ingest([
            event("e1", "ada@acme.io", "page_view", day(1), ["url": "/pricing"]),
            event("e\t2\\", "ada@acme.io", "content_download", day(2), ["asset": odd, "note\tkey": "x"]),
            event("e3", "ada@acme.io", "page_view", day(3), ["url": "/blog"]),
        ], options: IngestOptions(), now: now)
        try expect(mixed == [.duplicate, .applied, .applied], "mixed batch: \(mixed)")
        guard let lead = try await store.lead(key("ada@acme.io")) else { throw ConformanceFailure("lead lost") }
        try expect(lead.events.count == 4, "fields update + 3 activities, got \(lead.events.count)")
        guard let download = lead.events.first(where: { $0.id == EventID("e\t2\\") }) else {
            throw ConformanceFailure("event with a tab and a backslash in its id not found: \(lead.events.map(\.id))")
        }
        guard case .activity(let type, let properties) = download.kind else { throw ConformanceFailure("not an activity: \(download)") }
        try expect(type == "content_download", "type: \(type)")
        try expect(properties == ["asset": odd, "note\tkey": "x"], "properties kept exactly: \(properties)")
        try expect(lead.state.eventCount == 4, "every applied event folded once: \(lead.state.eventCount)")
    }

    static func ingestUnknownLeads(_ store: any LeadStore) async throws {
        try await prepared(store)
        let rejected = try await store.ingest([event("u1", "nobody@acme.io", "page_view", day(1))], options: IngestOptions(), now: now)
        try expect(rejected == [.rejected(.unknownLead("nobody@acme.io"))], "unknown lead rejected: \(rejected)")
        try await expectAsync(try await store.lead(key("nobody@acme.io")) == nil, "nothing created")
        let created = try await store.ingest([event("u1", "nobody@acme.io", "page_view", day(1))], options: IngestOptions(createLeads: true), now: now)
        try expect(created == [.applied], "created with the option: \(created)")
        try await expectAsync(try await store.lead(key("nobody@acme.io"))?.state.eventCount == 1, "lead created with its event")
    }

    static func ingestRejects(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        let out = try await store.ingest([
            event("r1", "ada@acme.io", "page_view", now.adding(.days(1))),
            event("r2", "ada@acme.io", "$fields", day(1)),
            event("r3", "not-an-email", "page_view", day(1)),
            event("", "ada@acme.io", "page_view", day(1)),
            event("r5", "ada@acme.io", "page_view", day(1)),
        ], options: IngestOptions(), now: now)
        guard out.count == 5, case .rejected(.inFuture) = out[0], case .rejected(.reservedType) = out[1],
              case .rejected(.invalidEmail) = out[2], case .rejected(.emptyID) = out[3], out[4] == .applied else {
            throw ConformanceFailure("outcomes: \(out)")
        }
        try await expectAsync(try await store.statistics().events == 2, "only the good event (and the lead's fields) stored")
    }

    static func lateEventEqualsReplay(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        let all = [
            event("l1", "ada@acme.io", "content_download", day(1)),
            event("l2", "ada@acme.io", "page_view", day(3), ["url": "/pricing"]),
            event("l3", "ada@acme.io", "webinar_attend", day(5)),
            event("l4", "ada@acme.io", "page_view", day(2)),
        ]
        _ = try await store.ingest([all[0], all[2]], options: IngestOptions(), now: now)
        _ = try await store.ingest([all[1]], options: IngestOptions(), now: now)
        _ = try await store.ingest([all[3]], options: IngestOptions(), now: now)
        let lead = try await store.lead(key("ada@acme.io"))!
        let engine = try Engine(model: ModelFile.defaultModel())
        let replay = engine.replay(lead.key, events: lead.events)
        try expect(lead.state == replay.state, "stored state equals a replay of the log")
        try expect(lead.events.map(\.id.rawValue).filter { $0.hasPrefix("l") } == ["l1", "l4", "l2", "l3"], "events come back in time order")
    }

    static func stageMovesRecorded(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        _ = try await store.ingest([event("s1", "ada@acme.io", "content_download", day(1))], options: IngestOptions(), now: now)
        _ = try await store.ingest([event("s2", "ada@acme.io", "demo_request", day(2))], options: IngestOptions(), now: now)
        let lead = try await store.lead(key("ada@acme.io"))!
        try expect(lead.state.stage == .sql, "demo request makes SQL, got \(lead.state.stage)")
        let moves = lead.state.stageHistory.map { "\($0.from.rawValue)→\($0.to.rawValue)" }
        try expect(moves == ["new→iql", "iql→sql"], "history: \(moves)")
        try expect(lead.state.stageHistory.allSatisfy { !$0.reason.isEmpty && $0.by == "model" }, "every automatic move has a reason")
        let outbox = try await store.pendingOutbox(limit: 10)
        let latest = try await store.latestOutboxID()
        try expect(latest == outbox.last?.id, "latest outbox id \(latest) is the last message's")
        let after = try await store.outboxMessages(after: outbox.first?.id ?? 0, limit: 10)
        try expect(after.map(\.id) == outbox.dropFirst().map(\.id), "messages after the first: \(after.map(\.id))")
        try expect(outbox.count == 2 && outbox.allSatisfy { $0.kind == "stage_changed" }, "outbox: \(outbox)")
        try expect(outbox.last?.payload.contains("\"to\":\"sql\"") == true, "payload names the new stage: \(outbox.last?.payload ?? "")")
    }

    static func announcedOnce(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        _ = try await store.ingest([event("o1", "ada@acme.io", "demo_request", day(5))], options: IngestOptions(), now: now)
        for (n, d) in [4, 3, 2].enumerated() {
            _ = try await store.ingest([event("late\(n)", "ada@acme.io", "contact_sales", day(Int64(d)))], options: IngestOptions(), now: now)
        }
        let events = try await store.outboxMessages(after: 0, limit: 100).compactMap(\.event)
        let toSQL = events.filter { if case .stageChanged(_, let c, _) = $0 { return c.to == .sql } else { return false } }
        try expect(toSQL.count == 1, "one announcement of the move to SQL, not \(toSQL.count): \(events)")
        _ = try await store.moveStage(key("ada@acme.io"), action: .win, reason: "signed", by: "sam", id: EventID("won1"), at: day(6))
        let last = try await store.outboxMessages(after: 0, limit: 100).last?.event
        guard case .stageChanged(_, let change, let outcome)? = last else { throw ConformanceFailure("no message for the win: \(String(describing: last))") }
        try expect(change.to == .customer && outcome == true, "the win is an outcome: \(change) \(String(describing: outcome))")
    }

    static func manualMoves(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        _ = try await store.ingest([event("m1", "ada@acme.io", "demo_request", day(1))], options: IngestOptions(), now: now)
        do {
            _ = try await store.moveStage(key("ada@acme.io"), action: .recycle, reason: "  ", by: "sam", id: EventID("mv0"), at: day(2))
            throw ConformanceFailure("an empty reason was accepted")
        } catch StoreError.stageMove(.emptyReason) {}
        let change = try await store.moveStage(key("ada@acme.io"), action: .recycle, reason: "no budget until Q3", by: "sam",
                                               id: EventID("mv1"), at: day(2))
        try expect(change.from == .sql && change.to == .recycled, "recycle from SQL: \(change)")
        do {
            _ = try await store.moveStage(key("ada@acme.io"), action: .accept, reason: "x", by: "sam", id: EventID("mv2"), at: day(3))
            throw ConformanceFailure("accepting a recycled lead was allowed")
        } catch StoreError.stageMove(.notAllowed) {}
        // after a recycle only newer events count: one download makes IQL again, not SQL
        _ = try await store.ingest([event("m2", "ada@acme.io", "content_download", day(4))], options: IngestOptions(), now: now)
        let lead = try await store.lead(key("ada@acme.io"))!
        try expect(lead.state.stage == .iql, "recycled lead re-enters at IQL, got \(lead.state.stage)")
        let engine = try Engine(model: ModelFile.defaultModel())
        try expect(engine.replay(lead.key, events: lead.events).state == lead.state, "a replay reproduces the person's move")
        do {
            _ = try await store.moveStage(key("ghost@acme.io"), action: .disqualify, reason: "x", by: "sam", id: EventID("mv3"), at: day(3))
            throw ConformanceFailure("moved an unknown lead")
        } catch StoreError.unknownLead {}
    }

    static func queueOrder(_ store: any LeadStore) async throws {
        try await prepared(store)
        let people: [(String, [String: String])] = [
            ("a-hot@big.io", ["job_title": "CEO", "employees": "300", "industry": "software"]),
            ("a-cold@big2.io", ["job_title": "CEO", "employees": "300", "industry": "software"]),
            ("c-hot@small.io", ["job_title": "Analyst", "employees": "5"]),
            ("d-cold@gmail.com", [:]),
        ]
        _ = try await store.upsertLeads(people.map { LeadUpsert(key: key($0.0), fields: $0.1, origin: "q") }, source: "q", at: t0)
        _ = try await store.ingest([
            event("q1", "a-hot@big.io", "demo_request", day(58)),
            event("q2", "a-hot@big.io", "webinar_attend", day(58)),
            event("q3", "c-hot@small.io", "demo_request", day(59)),
            event("q4", "c-hot@small.io", "contact_sales", day(59)),
        ], options: IngestOptions(), now: now)
        let queue = try await store.queue(QueueQuery(stages: .open), now: now)
        try expect(queue.map(\.email) == ["a-hot@big.io", "a-cold@big2.io", "c-hot@small.io", "d-cold@gmail.com"],
                   "A-hot (1), A-cold (3), C-hot (3, grade breaks the tie), D-cold (12): \(queue.map(\.email))")
        try expect(queue[0].temperature == .hot && queue[1].temperature == .cold, "temperatures: \(queue.map(\.temperature))")
        let hot = try await store.queue(QueueQuery(stages: .open, temperature: .hot), now: now)
        try expect(Set(hot.map(\.email)) == ["a-hot@big.io", "c-hot@small.io"], "hot filter: \(hot.map(\.email))")
        let sqlA = try await store.queue(QueueQuery(stage: .sql, grade: .a, limit: 5), now: now)
        try expect(sqlA.map(\.email) == ["a-hot@big.io"], "stage and grade filter: \(sqlA.map(\.email))")
        // 60 days later the same leads have cooled down: decay with no write
        let later = try await store.queue(QueueQuery(stages: .open, temperature: .hot), now: now.adding(.days(60)))
        try expect(later.isEmpty, "nobody is hot two half-lives later: \(later.map(\.email))")
        let limited = try await store.queue(QueueQuery(stages: .open, limit: 2), now: now)
        try expect(limited.count == 2, "limit")
    }

    static func queuePages(_ store: any LeadStore) async throws {
        try await prepared(store)
        let emails = (0..<7).map { "p\($0)@firm\($0).io" }
        _ = try await store.upsertLeads(emails.map { LeadUpsert(key: key($0), fields: ["job_title": "CEO"], origin: "p") }, source: "p", at: day(1))
        _ = try await store.ingest([event("pg1", emails[3], "demo_request", day(10)), event("pg2", emails[5], "webinar_attend", day(10))],
                                   options: IngestOptions(), now: now)
        let all = try await store.queue(QueueQuery(stages: .open, limit: 100), now: now).map(\.email)
        var paged: [String] = []
        for page in 0..<4 {
            let leads = try await store.queue(QueueQuery(stages: .open, limit: 2, offset: page * 2), now: now).map(\.email)
            try expect(leads.count == (page < 3 ? 2 : 1), "page \(page) has \(leads.count) leads")
            paged += leads
        }
        try expect(paged == all, "the pages in order are the queue: \(paged) vs \(all)")
        let changed = try await store.queue(QueueQuery(stages: .open, updatedSince: day(5), limit: 100), now: now).map(\.email)
        try expect(Set(changed) == [emails[3], emails[5]], "changed since day 5: \(changed)")
    }

    static func queueByOwner(_ store: any LeadStore) async throws {
        try await prepared(store)
        _ = try await store.upsertLeads([
            LeadUpsert(key: key("o1@firm.io"), fields: ["job_title": "CEO", "owner": "Maria Lopez"], origin: "o:1"),
            LeadUpsert(key: key("o2@firm.io"), fields: ["owner": "Sam Chen"], origin: "o:2"),
            LeadUpsert(key: key("o3@firm.io"), fields: ["job_title": "CTO"], origin: "o:3"),
        ], source: "crm.csv", at: day(1))
        let maria = try await store.queue(QueueQuery(stages: .open, owner: "Maria Lopez"), now: now)
        try expect(maria.map(\.email) == ["o1@firm.io"] && maria.first?.owner == "Maria Lopez", "Maria's leads: \(maria)")
        let all = try await store.queue(QueueQuery(stages: .open), now: now)
        try expect(all.count == 3 && all.first(where: { $0.email == "o3@firm.io" })?.owner == nil, "no filter, no owner: \(all)")
        let lowercase = try await store.queue(QueueQuery(stages: .open, owner: "maria lopez"), now: now)
        try expect(lowercase.map(\.email) == ["o1@firm.io"], "the owner is matched in any case: \(lowercase.map(\.email))")
        // the lead changes hands: a later fields update names another owner
        _ = try await store.upsertLeads([LeadUpsert(key: key("o2@firm.io"), fields: ["owner": "Maria Lopez"], origin: "o:4")],
                                        source: "api", at: day(2))
        let after = try await store.queue(QueueQuery(stages: .open, owner: "Maria Lopez"), now: now)
        try expect(Set(after.map(\.email)) == ["o1@firm.io", "o2@firm.io"], "after reassignment: \(after.map(\.email))")
        let sam = try await store.queue(QueueQuery(stages: .open, owner: "Sam Chen"), now: now)
        try expect(sam.isEmpty, "Sam no longer has o2")
    }

    static func dryRunAndActivate(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        _ = try await store.ingest([event("d1", "ada@acme.io", "content_download", day(1))], options: IngestOptions(), now: now)
        var stricter = ModelFile.defaultModel()
        stricter.name = "no-downloads-iql"
        stricter.stages = stricter.stages.map { rule in
            rule.stage == .iql ? StageRule(stage: .iql, when: .event("webinar_register", [])) : rule
        }
        let report = try await store.dryRun(stricter, now: now, examples: 5)
        try expect(report.leads == 1 && report.stageChanged == 1, "dry run: \(report.summary)")
        try expect(report.stageMoves == ["iql→new": 1], "moves: \(report.stageMoves)")
        try await expectAsync(try await store.lead(key("ada@acme.io"))?.state.stage == .iql, "a dry run writes nothing")
        try await expectAsync(try await store.modelVersions().count == 1, "a dry run records no version")
        let (version, applied) = try await store.activate(stricter, source: "stricter", at: now)
        try expect(version.version == 2 && applied.stageChanged == 1, "activation applies: \(applied.summary)")
        try await expectAsync(try await store.lead(key("ada@acme.io"))?.state.stage == .new, "lead rescored under version 2")
    }
}

extension StoreConformance {
    static func quarantine(_ store: any LeadStore) async throws {
        try await prepared(store)
        let rows = [
            QuarantinedLead(email: "bad@@acme.io", reason: "it has more than one '@'", source: "a.csv", line: 3,
                            fields: ["company": "Acme"], at: day(1)),
            QuarantinedLead(email: "nodomain@", reason: "nothing after '@'", source: "a.csv", line: 9, fields: [:], at: day(1)),
        ]
        try await expectAsync(try await store.quarantine(rows) == 2, "two rows quarantined")
        try await expectAsync(try await store.quarantine(rows) == 0, "the same rows from the same source are kept once")
        let listed = try await store.quarantined(limit: 10)
        try expect(listed.map(\.email) == ["nodomain@", "bad@@acme.io"], "newest first: \(listed.map(\.email))")
        try expect(listed.last?.fields == ["company": "Acme"] && listed.last?.line == 3, "fields and line kept: \(String(describing: listed.last))")
        try await expectAsync(try await store.statistics().leads == 0, "quarantined rows are not leads")
    }
}

extension StoreConformance {
    static func apiKeys(_ store: any LeadStore) async throws {
        let sales = APIKeyRecord(id: "qk_sales01", name: "Sales team", role: .sales, createdAt: day(1))
        let ingest = APIKeyRecord(id: "qk_form001", name: "Web form", role: .ingest, createdAt: day(2))
        try await store.createAPIKey(sales, secretHash: "hash-of-sales")
        try await store.createAPIKey(ingest, secretHash: "hash-of-ingest")
        do {
            try await store.createAPIKey(APIKeyRecord(id: "qk_sales01", name: "again", role: .admin, createdAt: day(3)), secretHash: "other")
            throw ConformanceFailure("a second key with the same id was accepted")
        } catch StoreError.duplicateKey {}
        do {
            try await store.createAPIKey(APIKeyRecord(id: "qk_other01", name: "same secret", role: .admin, createdAt: day(3)), secretHash: "hash-of-sales")
            throw ConformanceFailure("a second key with the same secret was accepted")
        } catch StoreError.duplicateKey {}
        try await expectAsync(try await store.apiKey(secretHash: "hash-of-sales") == sales, "found by hash")
        try await expectAsync(try await store.apiKey(secretHash: "nope") == nil, "an unknown hash finds nothing")
        try await expectAsync(try await store.apiKeys() == [sales, ingest], "listed oldest first")
        try await expectAsync(try await store.revokeAPIKey(id: "qk_form001", at: day(4)), "revoked")
        try await expectAsync(try await store.revokeAPIKey(id: "qk_form001", at: day(5)), "revoking again is fine")
        try await expectAsync(try await store.apiKey(secretHash: "hash-of-ingest")?.revokedAt == day(4), "the first revocation time stays")
        try await expectAsync(try await !store.revokeAPIKey(id: "qk_missing", at: day(4)), "an unknown id is not revoked")
    }
}

public struct ConformanceFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

func expect(_ condition: @autoclosure () throws -> Bool, _ message: @autoclosure () -> String) throws {
    if try !condition() { throw ConformanceFailure(message()) }
}

func expectAsync(_ condition: @autoclosure () async throws -> Bool, _ message: @autoclosure () -> String) async throws {
    if try await !condition() { throw ConformanceFailure(message()) }
}
