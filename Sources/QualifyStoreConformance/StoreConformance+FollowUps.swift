import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

extension StoreConformance {
    static func followUps(_ store: any LeadStore) async throws {
        try await prepared(store)  // the default model: IQL's first step 3 days after entry, the next at 10; quiet 2 days
        try await ada(store)
        _ = try await store.upsertLeads([
            LeadUpsert(key: key("bo@shop.io"), fields: ["owner": "Sam"], origin: "test:2"),
            LeadUpsert(key: key("cy@acme.io"), fields: [:], origin: "test:3"),
        ], source: "test", at: t0)
        _ = try await store.ingest([
            event("n1", "ada@acme.io", "content_download", day(1)),
            event("n2", "bo@shop.io", "webinar_register", day(2)),
            event("n3", "cy@acme.io", "content_download", day(1)),
            event("n4", "cy@acme.io", "unsubscribe", day(2)),
        ], options: IngestOptions(), now: now)

        let byDay4 = try await store.followUpsDue(by: day(4), owner: nil, after: nil, limit: 10)
        try expect(byDay4.map(\.row.email) == ["ada@acme.io"] && byDay4[0].dueAt == day(4), "IQL on day 1, due 3 days later: \(byDay4.map { ($0.row.email, $0.dueAt) })")
        try expect(byDay4[0].state.stage == .iql && byDay4[0].state.nurture.cadenceStart == day(1), "with its state")
        let all = try await store.followUpsDue(by: day(30), owner: nil, after: nil, limit: 10)
        try expect(all.map(\.row.email) == ["ada@acme.io", "bo@shop.io"], "earliest first; the unsubscribed lead has none: \(all.map(\.row.email))")
        let next = try await store.followUpsDue(by: day(30), owner: nil, after: FollowUpCursor(dueAt: all[0].dueAt!, id: all[0].row.id), limit: 10)
        try expect(next.map(\.row.email) == ["bo@shop.io"], "the page after the first: \(next.map(\.row.email))")
        let sams = try await store.followUpsDue(by: day(30), owner: "SAM", after: nil, limit: 10)
        try expect(sams.map(\.row.email) == ["bo@shop.io"], "one owner's, in any case: \(sams.map(\.row.email))")
        let held = try await store.followUpsHeld(limit: 10)
        try expect(held.map(\.row.email) == ["cy@acme.io"] && held[0].hold == "unsubscribed", "held: \(held.map { ($0.row.email, $0.hold) })")

        // the first step done on day 4: the next is due on day 11 (10 days after the entry on day 1)
        let followUps = FollowUps(store: store, verifier: EmailVerifier())
        let item = try await followUps.done(key("ada@acme.io"), outcome: "sent", offer: nil, reason: nil, by: "mia", id: EventID("fu1"), at: day(4))
        try expect(item.step == 1 && item.offer?.id == "webinar", "the step done and the offer made (the next-best: the webinar): \(item)")
        let after = try await store.followUpsDue(by: day(30), owner: nil, after: nil, limit: 10)
        try expect(after.map(\.row.email) == ["bo@shop.io", "ada@acme.io"] && after[1].dueAt == day(11), "moved on: \(after.map { ($0.row.email, $0.dueAt) })")
        try expect(after[1].state.nurture.offered["webinar"] == day(4), "the offer made is remembered")
        // announced once each as they fall due (followup.due), whatever the passes; the list is unchanged by it
        let first = try await store.announceFollowUps(now: day(6), verifier: EmailVerifier())
        try expect(first.announced.map { "\($0.lead) \($0.step)" } == ["bo@shop.io 1"] && first.failed.isEmpty, "bo's first step: \(first.announced)")
        try await expectAsync(try await store.announceFollowUps(now: day(7), verifier: EmailVerifier()).announced.isEmpty, "announced once")
        let later = try await store.announceFollowUps(now: day(12), verifier: EmailVerifier())
        try expect(later.announced.map { "\($0.lead) \($0.step)" } == ["ada@acme.io 2"], "ada's second step: \(later.announced)")
        let due = try await store.outboxMessages(after: 0, limit: 100).compactMap(\.event).compactMap { m -> String? in
            if case .followUpDue(let lead, let stage, let step, let steps, let channel, _, let owner, let at, _) = m {
                return "\(lead) \(stage.rawValue) \(step)/\(steps) \(channel) \(owner ?? "-") \(at.isoDate)"
            }
            return nil
        }
        try expect(due == ["bo@shop.io iql 1/3 email Sam \(day(5).isoDate)", "ada@acme.io iql 2/3 email - \(day(11).isoDate)"], "followup.due: \(due)")
        try await expectAsync(try await store.statistics().ownEvents == 2, "the two announcements are qualify's own events")
        let still = try await store.followUpsDue(by: day(30), owner: nil, after: nil, limit: 10)
        try expect(still.map(\.row.email) == ["bo@shop.io", "ada@acme.io"], "still due: \(still.map(\.row.email))")

        do {
            _ = try await followUps.done(key("cy@acme.io"), outcome: "sent", offer: nil, reason: nil, by: "mia", id: EventID("fu2"), at: day(4))
            throw ConformanceFailure("an unsubscribed lead's step was marked done")
        } catch let problem as FollowUpProblem {
            try expect(problem.description.contains("suppressed: unsubscribed"), "\(problem)")
        }
    }
}
