import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

extension StoreConformance {
    static let routingYAML = """

        team:
          - { id: sam, name: Sam Rivera, capacity: 10 }
          - { id: lea, name: Lea Wolf, capacity: 10 }
          - { id: tom, name: Tom Berg }
        routing:
          sticky: account
          pools:
            inside: { members: [sam, lea], method: round_robin }
          rules:
            - { id: big, when: { field: company, equals: Big Co }, to: tom }
          fallback: inside

        """

    /// The default model with a team and routing.
    static func routingModel() throws -> QualificationModel {
        switch ModelFile.parse(yaml: DefaultModel.yaml + routingYAML, file: "routing.yaml") {
        case .success(let (model, _)): return model
        case .failure(let issues): throw ConformanceFailure("the routing model does not parse: \(issues)")
        }
    }

    static func routing(_ store: any LeadStore) async throws {
        _ = try await store.activate(try routingModel(), source: DefaultModel.yaml + routingYAML, at: t0)
        let people = [("ada@acme.io", "Acme"), ("bob@beta.io", "Beta"), ("cy@gamma.io", "Gamma"), ("dan@acme.io", "Acme"),
                      ("eve@big.io", "Big Co"), ("fay@delta.io", "Delta")]
        _ = try await store.upsertLeads(people.map { LeadUpsert(key: key($0.0), fields: ["company": $0.1, "job_title": "CTO"], origin: "test") },
                                        source: "test", at: t0)
        // three SQLs in one transaction take turns in the pool
        _ = try await store.ingest(["ada", "bob", "cy"].enumerated().map { i, name in
            event("r\(i)", "\(name)@\(["acme", "beta", "gamma"][i]).io", "demo_request", day(1, hour: Int64(i)))
        }, options: IngestOptions(), now: now)
        func owner(_ email: String) async throws -> String? { try await store.lead(key(email))?.state.fields["owner"] }
        try await expectAsync(try await owner("ada@acme.io") == "sam", "ada goes to the pool's first turn")
        try await expectAsync(try await owner("bob@beta.io") == "lea", "bob to the second")
        try await expectAsync(try await owner("cy@gamma.io") == "sam", "cy to the first again")
        // a later transaction continues the rotation; a rule places its lead; a sticky account goes to its owner
        _ = try await store.ingest([event("r3", "fay@delta.io", "demo_request", day(2))], options: IngestOptions(), now: now)
        try await expectAsync(try await owner("fay@delta.io") == "lea", "the turn is kept between transactions")
        _ = try await store.ingest([event("r4", "eve@big.io", "demo_request", day(2, hour: 1)), event("r5", "dan@acme.io", "demo_request", day(2, hour: 2))],
                                   options: IngestOptions(), now: now)
        try await expectAsync(try await owner("eve@big.io") == "tom", "rule `big` sends eve to tom")
        try await expectAsync(try await owner("dan@acme.io") == "sam", "dan's account is ada's, owned by sam")

        // the decision is an event in the log, with its reason, and one lead.assigned message
        let ada = try await store.lead(key("ada@acme.io"))!
        guard let assignment = ada.events.first(where: { $0.typeName == Event.assignmentType }),
              case .assignment(let who, let reason, let by) = assignment.kind else { throw ConformanceFailure("no assignment event in ada's log") }
        try expect(who == "sam" && by == "routing", "assignment: \(who) by \(by)")
        try expect(reason == "routed to Sam Rivera: no rule matched, fallback `inside`, pool `inside`, round robin, turn 1 of 2", "reason: \(reason)")
        var messages = try await store.outboxMessages(after: 0, limit: 100).compactMap(\.event)
        var assigned = messages.compactMap { m -> String? in if case .assigned(let lead, let owner, _, _, _, _) = m { return "\(lead)→\(owner)" }; return nil }
        try expect(assigned.sorted() == ["ada@acme.io→sam", "bob@beta.io→lea", "cy@gamma.io→sam", "dan@acme.io→sam", "eve@big.io→tom",
                                         "fay@delta.io→lea"], "assigned messages: \(assigned)")
        let leas = try await store.queue(QueueQuery(stages: .open, owner: "lea"), now: now)
        try expect(leas.map(\.email).sorted() == ["bob@beta.io", "fay@delta.io"], "the queue filters by the routed owner: \(leas.map(\.email))")

        // a late event replays the lead: same owner, no second decision; a rescore keeps it too
        _ = try await store.ingest([event("late", "ada@acme.io", "page_view", day(0, hour: 12))], options: IngestOptions(), now: now)
        _ = try await store.activate(try routingModel(), source: DefaultModel.yaml + routingYAML + "\n# v2\n", at: day(3))
        try await expectAsync(try await owner("ada@acme.io") == "sam", "the owner stays after a replay and a rescore")
        messages = try await store.outboxMessages(after: 0, limit: 200).compactMap(\.event)
        assigned = messages.compactMap { m -> String? in if case .assigned(let lead, _, _, _, _, _) = m { return lead }; return nil }
        try expect(assigned.count == 6, "still six assignments: \(assigned)")
        let replayed = try await store.lead(key("ada@acme.io"))!
        try expect(replayed.events.filter { $0.typeName == Event.assignmentType }.count == 1, "one assignment in the log")

        // sam sends cy back to nurture; when cy asks again, someone else gets it (sam taken as away)
        _ = try await store.moveStage(key("cy@gamma.io"), action: .reject, reason: "not now", by: "sam", id: EventID("rej-cy"), at: day(4))
        _ = try await store.ingest([event("r9", "cy@gamma.io", "demo_request", day(5))], options: IngestOptions(), now: now)
        try await expectAsync(try await owner("cy@gamma.io") == "lea", "a lead sent back comes back to someone else")
        // a lead whose owner never let it go is not routed again (its log gains no second assignment)
        _ = try await store.ingest([event("r10", "bob@beta.io", "contact_sales", day(5))], options: IngestOptions(), now: now)
        let bob = try await store.lead(key("bob@beta.io"))!
        try expect(bob.events.filter { $0.typeName == Event.assignmentType }.count == 1 && bob.state.fields["owner"] == "lea", "bob stays lea's")
    }
}

extension StoreConformance {
    static let slaYAML = """

        calendars:
          office: { zone: UTC, days: [mon, tue, wed, thu, fri], hours: "09:00-17:00" }
        team:
          - { id: sam, name: Sam Rivera, calendar: office }
        routing:
          on: mql
          pools:
            inside: { members: [sam] }
          fallback: inside
        sla:
          sql: { within: 2h }

        """

    static func slaClock(_ store: any LeadStore) async throws {
        let (model, _) = try ModelFile.parse(yaml: DefaultModel.yaml + slaYAML, file: "sla.yaml").get()
        _ = try await store.activate(model, source: DefaultModel.yaml + slaYAML, at: t0)
        try await ada(store)
        // Monday 16:00: a demo request takes ada from new straight to SQL, past `on: mql`: routed all the same
        _ = try await store.ingest([event("q1", "ada@acme.io", "demo_request", day(0, hour: 7))], options: IngestOptions(), now: now)
        let lead = try await store.lead(key("ada@acme.io"))!
        try expect(lead.state.fields["owner"] == "sam", "a lead jumping past the routing stage is routed: \(lead.state.fields)")
        // due two working hours later in sam's calendar: one on Monday (16–17), one on Tuesday → Tuesday 10:00 (and
        // the millisecond after the move at which routing recorded the assignment)
        let due = day(1, hour: 1).adding(TimeSpan(millis: 1))
        var queue = try await store.queue(QueueQuery(stages: .open), now: now)
        try expect(queue.first { $0.email == "ada@acme.io" }?.dueAt == due, "due \(String(describing: queue.first?.dueAt)), expected \(due)")
        let early = try await store.queue(QueueQuery(stages: .open, overdue: true), now: day(1))
        try expect(early.isEmpty, "not overdue on Tuesday 09:00: \(early.map(\.email))")
        queue = try await store.queue(QueueQuery(stages: .open, overdue: true), now: now)
        try expect(queue.map(\.email) == ["ada@acme.io"], "overdue later: \(queue.map(\.email))")
        // a logged call stops the clock
        _ = try await store.logActivity(.call, on: key("ada@acme.io"), outcome: "connected", note: nil, by: "sam", id: EventID("call1"),
                                        at: day(2), now: now)
        queue = try await store.queue(QueueQuery(stages: .open, overdue: true), now: now)
        try expect(queue.isEmpty, "touched: no longer overdue: \(queue.map(\.email))")
        let touched = try await store.lead(key("ada@acme.io"))!.state
        guard case .late(let at, let dueAt)? = SLAClock.status(of: touched, handoff: model.handoff, zone: SystemZones.rules) else {
            throw ConformanceFailure("expected a late touch: \(touched.touchedAt as Any)")
        }
        try expect(at == day(2) && dueAt == due, "late: touched \(at), due \(dueAt)")
    }
}

extension StoreConformance {
    static let escalationYAML = """

        team:
          - { id: sam, name: Sam Rivera, manager: mia }
          - { id: lea, name: Lea Wolf, manager: mia }
          - { id: mia, name: Mia Chen }
        routing:
          pools:
            inside: { members: [sam, lea] }
          fallback: inside
        sla:
          sql: { within: 1h, escalate: [ { after: 1h, do: remind }, { after: 2h, do: tell_manager }, { after: 3h, do: reassign } ] }

        """

    static func escalation(_ store: any LeadStore) async throws {
        let (model, _) = try ModelFile.parse(yaml: DefaultModel.yaml + escalationYAML, file: "escalate.yaml").get()
        _ = try await store.activate(model, source: DefaultModel.yaml + escalationYAML, at: t0)
        try await ada(store)
        _ = try await store.ingest([event("e1", "ada@acme.io", "demo_request", day(0))], options: IngestOptions(), now: day(0))
        // routed to sam at 09:00, due 10:00; steps at 11:00 (remind), 12:00 (tell mia), 13:00 (reassign)
        var fired = try await store.escalate(now: day(0, hour: 1)).fired
        try expect(fired.isEmpty, "nothing before the first step: \(fired)")
        fired = try await store.escalate(now: day(0, hour: 2).adding(TimeSpan(millis: 60_000))).fired
        try expect(fired.map(\.action) == [.remind] && fired.first?.notify == "sam", "the reminder: \(fired)")
        fired = try await store.escalate(now: day(0, hour: 2).adding(TimeSpan(millis: 60_000))).fired
        try expect(fired.isEmpty, "a step fires once: \(fired)")
        // two steps behind: both, in order; the reassign gives the lead to the pool's next person
        fired = try await store.escalate(now: day(0, hour: 5)).fired
        try expect(fired.map(\.action) == [.tellManager, .reassign], "steps: \(fired)")
        try expect(fired.first?.notify == "mia" && fired.last?.notify == "lea", "told mia, then given to lea: \(fired)")
        let lead = try await store.lead(key("ada@acme.io"))!
        try expect(lead.state.fields["owner"] == "lea" && lead.state.escalations == 0 && lead.state.assignedAt == day(0, hour: 5),
                   "lea's own clock starts: \(lead.state.fields["owner"] ?? "") \(lead.state.escalations)")
        try expect(lead.events.filter { $0.typeName == Event.escalationType }.count == 3, "three escalation events")
        let messages = try await store.outboxMessages(after: 0, limit: 100).compactMap(\.event)
        let breached = messages.compactMap { m -> String? in
            if case .slaBreached(_, let owner, let step, let action, _, let notify, _) = m { return "\(owner) \(step) \(action) \(notify ?? "")" }
            return nil
        }
        try expect(breached == ["sam 0 remind sam", "sam 1 tell_manager mia", "sam 2 reassign lea"], "sla_breached: \(breached)")
        fired = try await store.escalate(now: day(0, hour: 5)).fired
        try expect(fired.isEmpty, "nothing more until lea's steps are due: \(fired)")
        // a replay keeps it all
        _ = try await store.activate(model, source: DefaultModel.yaml + escalationYAML + "\n# v2\n", at: day(0, hour: 5))
        let replayed = try await store.lead(key("ada@acme.io"))!
        try expect(replayed.state.fields["owner"] == "lea" && replayed.state.escalations == 0, "kept by a rescore")

        // the report: sam never touched it (three escalations); lea calls 30 minutes after getting it
        _ = try await store.logActivity(.call, on: key("ada@acme.io"), outcome: "connected", note: nil, by: "lea", id: EventID("c-lea"),
                                        at: day(0, hour: 5).adding(TimeSpan(millis: 30 * 60_000)), now: day(1))
        let report = try await store.slaReport(now: day(1))
        let rows = Dictionary(report.rows.map { ($0.who, $0) }, uniquingKeysWith: { a, _ in a })
        try expect(rows["sam"]?.assigned == 1 && rows["sam"]?.touched == 0 && rows["sam"]?.escalations == 3 && rows["sam"]?.withinSLA == 0,
                   "sam: \(String(describing: rows["sam"]))")
        try expect(rows["lea"]?.touched == 1 && rows["lea"]?.withinSLA == 1 && rows["lea"]?.medianHoursToTouch == 0.5,
                   "lea: \(String(describing: rows["lea"]))")
        try expect(rows["team"]?.assigned == 2 && rows["team"]?.withSLA == 2 && rows["team"]?.withinShare == 0.5,
                   "team: \(String(describing: rows["team"]))")
    }
}
