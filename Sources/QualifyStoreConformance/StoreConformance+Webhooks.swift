import QualifyCore
import QualifyStore
import QualifyUseCases

extension StoreConformance {
    static func webhookDelivery(_ any: any LeadStore) async throws {
        guard let store = any as? any QualifyStorage else { throw ConformanceFailure("the store does not keep webhooks") }
        try await prepared(store)
        try await ada(store)
        _ = try await store.upsertLeads([LeadUpsert(key: key("bo@acme.io"), fields: ["first_name": "Bo"], origin: "t")], source: "t", at: t0)
        let wants = WebhookSubscription(id: "wh_all", url: "https://example.com/all", events: [.stageChanged, .becameSQL], description: "all",
                                        secret: "whsec_AAAA", format: .standard, enabled: true, failing: false, createdAt: t0)
        var off = wants
        off.id = "wh_off"
        off.enabled = false
        try await store.addSubscription(wants)
        try await store.addSubscription(off)
        let listed = try await store.subscriptions()
        try expect(listed.map(\.id) == ["wh_all", "wh_off"], "both listed")
        // a message made before a subscription existed is not delivered to it
        var late = wants
        late.id = "wh_late"
        late.createdAt = now.adding(.hours(1))
        try await store.addSubscription(late)
        _ = try await store.ingest([event("w1", "ada@acme.io", "content_download", day(1)), event("w2", "ada@acme.io", "demo_request", day(2)),
                                    event("w3", "bo@acme.io", "content_download", day(3))], options: IngestOptions(), now: now)
        let dispatched = try await store.dispatchOutbox(limit: 500, now: now, plan: WebhookPlan.deliveries)
        try expect(dispatched == 3, "three moves dispatched")
        let dispatchedAgain = try await store.dispatchOutbox(limit: 500, now: now, plan: WebhookPlan.deliveries)
        try expect(dispatchedAgain == 0, "each message once")
        let counts = try await store.deliveryCounts()
        try expect(counts[.pending] == 8, "ada: iql, sql, became_sql; bo: iql — for both subscriptions (the disabled one's wait), none for the later one: \(counts)")

        // a lead's first pending delivery only, held for the lease
        let lease = now.adding(.seconds(60))
        let first = try await store.claimDeliveries(now: now, leaseUntil: lease, limit: 10)
        try expect(Set(first.map(\.lead)) == ["ada@acme.io", "bo@acme.io"] && first.count == 2, "one per lead: \(first.map(\.webhookID))")
        let held = try await store.claimDeliveries(now: now, leaseUntil: lease, limit: 10)
        try expect(held.isEmpty, "nothing while they are held")
        let adaFirst = first.first { $0.lead == "ada@acme.io" }!
        try expect(adaFirst.eventType == .stageChanged && adaFirst.subscription.secret == "whsec_AAAA" && adaFirst.message.event != nil,
                   "the claim carries the message and the subscription")
        func attempt(_ d: ClaimedDelivery, _ status: Int?) -> WebhookAttempt {
            WebhookAttempt(deliveryID: d.id, subscriptionID: d.subscription.id, webhookID: d.webhookID, eventType: d.eventType, at: now,
                           status: status, latencyMillis: 5, error: status == nil ? "refused" : nil, response: "ok")
        }
        // a claim whose lease ended and went to another sender only logs its attempt
        let stale = try await store.claimDeliveries(now: lease.adding(.seconds(1)), leaseUntil: lease.adding(.seconds(61)), limit: 10)
        try expect(stale.map(\.id).contains(adaFirst.id), "an expired lease is claimed again")
        try await store.finishDelivery(adaFirst.id, leaseUntil: adaFirst.leaseUntil, attempt: attempt(adaFirst, 500), state: .pending,
                                       nextAt: now.adding(.hours(1)))
        for d in stale {
            try await store.finishDelivery(d.id, leaseUntil: d.leaseUntil, attempt: attempt(d, 204), state: .delivered, nextAt: nil)
        }
        let settled = try await store.deliveryCounts()
        try expect(settled[.delivered] == 2, "the late failure of the first claim did not undo the second's success: \(settled)")
        let second = try await store.claimDeliveries(now: now, leaseUntil: lease, limit: 10)
        try expect(second.map(\.webhookID) == ["msg_\(adaFirst.message.id + 1)_stage"], "then ada's next, in order: \(second.map(\.webhookID))")
        // a failure waits for its retry time, and holds back the lead's later deliveries
        try await store.finishDelivery(second[0].id, leaseUntil: second[0].leaseUntil, attempt: attempt(second[0], 500), state: .pending, nextAt: now.adding(.seconds(10)))
        let notDue = try await store.claimDeliveries(now: now, leaseUntil: lease, limit: 10)
        try expect(notDue.isEmpty, "not due yet, and ada's next waits behind it")
        let retried = try await store.claimDeliveries(now: now.adding(.seconds(11)), leaseUntil: lease.adding(.seconds(11)), limit: 10)
        try expect(retried.map(\.id) == [second[0].id] && retried[0].attempts == 1, "retried when due: \(retried.map(\.webhookID))")
        try await store.finishDelivery(retried[0].id, leaseUntil: retried[0].leaseUntil, attempt: attempt(retried[0], nil), state: .failed, nextAt: nil)
        let flagged = try await store.subscriptions()
        try expect(flagged.first { $0.id == "wh_all" }?.failing == true, "a message given up flags the subscription")
        let log = try await store.attempts(subscription: "wh_all", limit: 10)
        try expect(log.count == 5 && log.first?.error == "refused" && log.last?.status == 500, "attempts newest first: \(log.map(\.status))")
        let queued = try await store.redeliver(messageID: second[0].message.id, since: nil, now: now)
        try expect(queued >= 1, "queued again")
        let updated = try await store.updateSubscription("wh_all", enabled: true, failing: false)
        try expect(updated, "flags set")
        let removed = try await store.removeSubscription("wh_off")
        let removedAgain = try await store.removeSubscription("wh_off")
        try expect(removed && !(removedAgain), "removed once")
    }
}
