#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore: WebhookStore {
    /// The advisory lock that makes one instance at a time the dispatcher.
    static let dispatchLockKey: Int64 = 0x7175_616c_6966_7902

    static let subscriptionColumns = "s.id, s.url, s.events, s.description, s.secret, s.format, s.enabled, s.failing, s.created_at"
    typealias SubscriptionRow = (String, String, String, String, String, String, Int64, Int64, Int64)

    static func subscription(_ r: SubscriptionRow) -> WebhookSubscription {
        WebhookSubscription(id: r.0, url: r.1, events: WebhookSubscription.events(r.2), description: r.3, secret: r.4,
                            format: WebhookFormat(rawValue: r.5) ?? .standard, enabled: r.6 != 0, failing: r.7 != 0,
                            createdAt: Timestamp(millis: r.8))
    }

    public func addSubscription(_ s: WebhookSubscription) async throws {
        let logger = self.logger
        _ = try await write { db in
            try await db.query("""
                INSERT INTO webhook_subscription(id, url, events, description, secret, format, enabled, failing, created_at)
                VALUES (\(s.id), \(s.url), \(s.eventList), \(s.description), \(s.secret), \(s.format.rawValue), \(s.enabled ? 1 : 0 as Int64),
                        \(s.failing ? 1 : 0 as Int64), \(s.createdAt.millis))
                """, logger: logger)
        }
    }

    public func subscriptions() async throws -> [WebhookSubscription] {
        let logger = self.logger
        return try await read { db in
            var out: [WebhookSubscription] = []
            let rows = try await db.query("SELECT \(unescaped: Self.subscriptionColumns) FROM webhook_subscription s ORDER BY s.created_at, s.id",
                                          logger: logger)
            for try await row in rows.decode(SubscriptionRow.self) { out.append(Self.subscription(row)) }
            return out
        }
    }

    public func updateSubscription(_ id: String, enabled: Bool?, failing: Bool?) async throws -> Bool {
        let logger = self.logger
        let e = enabled.map { $0 ? 1 : 0 as Int64 }, f = failing.map { $0 ? 1 : 0 as Int64 }
        return try await write { db in
            let rows = try await db.query("""
                UPDATE webhook_subscription SET enabled = COALESCE(\(e)::int8, enabled), failing = COALESCE(\(f)::int8, failing)
                WHERE id = \(id) RETURNING id
                """, logger: logger).collect()
            return !rows.isEmpty
        }
    }

    public func removeSubscription(_ id: String) async throws -> Bool {
        let logger = self.logger
        return try await write { db in
            try await db.query("DELETE FROM webhook_delivery WHERE subscription_id = \(id) AND state = 'pending'", logger: logger)
            return !(try await db.query("DELETE FROM webhook_subscription WHERE id = \(id) RETURNING id", logger: logger).collect().isEmpty)
        }
    }

    public func dispatchOutbox(limit: Int, now: Timestamp,
                               plan: @escaping @Sendable ([OutboxMessage], [WebhookSubscription]) -> [NewDelivery]) async throws -> Int {
        let logger = self.logger
        return try await write { db in
            // one instance dispatches at a time (another finds the lock taken and leaves it the work): two dispatching
            // side by side could turn a lead's later message into a delivery before its earlier one. A row that commits
            // later is taken by a later call; per lead, rows commit in id order (the lead's row lock), so order holds.
            let locked = try await db.query("SELECT pg_try_advisory_xact_lock(\(Self.dispatchLockKey))", logger: logger).collect()
            guard try locked.first?.decode(Bool.self) == true else { return 0 }
            let rows = try await db.query("""
                SELECT id, kind, payload, created_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT \(limit)
                """, logger: logger)
            var messages: [OutboxMessage] = []
            for try await (id, kind, payload, at) in rows.decode((Int64, String, String, Int64).self) {
                messages.append(OutboxMessage(id: id, kind: kind, payload: payload, createdAt: Timestamp(millis: at)))
            }
            guard !messages.isEmpty else { return 0 }
            var subscriptions: [WebhookSubscription] = []
            let subs = try await db.query("SELECT \(unescaped: Self.subscriptionColumns) FROM webhook_subscription s ORDER BY s.created_at, s.id",
                                          logger: logger)
            for try await row in subs.decode(SubscriptionRow.self) { subscriptions.append(Self.subscription(row)) }
            let deliveries = plan(messages, subscriptions)
            if !deliveries.isEmpty {
                try await db.query("""
                    INSERT INTO webhook_delivery(message_id, subscription_id, event_type, lead, state, attempts, next_at, created_at)
                    SELECT m, s, t, l, 'pending', 0, \(now.millis), \(now.millis)
                    FROM UNNEST(\(deliveries.map(\.messageID))::int8[], \(deliveries.map(\.subscriptionID))::text[],
                                \(deliveries.map(\.eventType.rawValue))::text[], \(deliveries.map(\.lead))::text[]) AS u(m, s, t, l)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            try await db.query("UPDATE outbox SET delivered_at = \(now.millis) WHERE id = ANY(\(messages.map(\.id)))", logger: logger)
            return messages.count
        }
    }

    public func claimDeliveries(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [ClaimedDelivery] {
        let logger = self.logger
        return try await write { db in
            let rows = try await db.query("""
                SELECT d.id, d.event_type, d.lead, d.attempts, o.id, o.kind, o.payload, o.created_at, \(unescaped: Self.subscriptionColumns)
                FROM webhook_delivery d JOIN outbox o ON o.id = d.message_id JOIN webhook_subscription s ON s.id = d.subscription_id
                WHERE d.state = 'pending' AND d.next_at <= \(now.millis) AND (d.lease_until IS NULL OR d.lease_until < \(now.millis))
                  AND s.enabled = 1
                  AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.subscription_id = d.subscription_id AND e.lead = d.lead
                                  AND e.state = 'pending' AND (e.message_id < d.message_id OR (e.message_id = d.message_id AND e.id < d.id)))
                ORDER BY d.message_id, d.id LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
                """, logger: logger)
            var claimed: [ClaimedDelivery] = []
            for try await (id, type, lead, attempts, messageID, kind, payload, at, s0, s1, s2, s3, s4, s5, s6, s7, s8)
                in rows.decode((Int64, String, String, Int64, Int64, String, String, Int64, String, String, String, String, String, String,
                                Int64, Int64, Int64).self) {
                claimed.append(ClaimedDelivery(id: id, eventType: WebhookEventType(rawValue: type) ?? .stageChanged, lead: lead,
                                               attempts: Int(attempts),
                                               message: OutboxMessage(id: messageID, kind: kind, payload: payload, createdAt: Timestamp(millis: at)),
                                               subscription: Self.subscription((s0, s1, s2, s3, s4, s5, s6, s7, s8)), leaseUntil: leaseUntil))
            }
            if !claimed.isEmpty {
                try await db.query("UPDATE webhook_delivery SET lease_until = \(leaseUntil.millis) WHERE id = ANY(\(claimed.map(\.id)))",
                                   logger: logger)
            }
            return claimed
        }
    }

    public func finishDeliveries(_ finishes: [DeliveryFinish]) async throws {
        guard !finishes.isEmpty else { return }
        let logger = self.logger
        try await write { db in
            for f in finishes.sorted(by: { $0.id < $1.id }) {   // one lock order across servers
                let finished: Int64? = f.state == .pending ? nil : f.attempt.at.millis
                let held = try await db.query("""
                    UPDATE webhook_delivery SET state = \(f.state.rawValue), attempts = attempts + 1,
                      next_at = COALESCE(\(f.nextAt?.millis)::int8, next_at), lease_until = NULL, finished_at = \(finished)::int8
                    WHERE id = \(f.id) AND state = 'pending' AND lease_until = \(f.leaseUntil.millis)
                    RETURNING id
                    """, logger: logger).collect()
                try await Self.insert(db, f.attempt, logger: logger)
                if !held.isEmpty && f.state == .failed {
                    try await db.query("UPDATE webhook_subscription SET failing = 1 WHERE id = \(f.attempt.subscriptionID)", logger: logger)
                }
            }
        }
    }

    static func insert(_ db: GuardedConnection, _ a: WebhookAttempt, logger: Logger) async throws {
        try await db.query("""
            INSERT INTO webhook_attempt(delivery_id, subscription_id, webhook_id, event_type, at, status, latency_ms, error, response)
            VALUES (\(a.deliveryID), \(a.subscriptionID), \(a.webhookID), \(a.eventType.rawValue), \(a.at.millis), \(a.status.map(Int64.init)),
                    \(Int64(a.latencyMillis)), \(a.error), \(a.response))
            """, logger: logger)
    }

    public func logAttempt(_ attempt: WebhookAttempt) async throws {
        let logger = self.logger
        try await write { db in try await Self.insert(db, attempt, logger: logger) }
    }

    public func attempts(subscription: String?, limit: Int) async throws -> [WebhookAttempt] {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT delivery_id, subscription_id, webhook_id, event_type, at, status, latency_ms, error, response FROM webhook_attempt
                WHERE (\(subscription)::text IS NULL OR subscription_id = \(subscription)::text) ORDER BY id DESC LIMIT \(limit)
                """, logger: logger)
            var out: [WebhookAttempt] = []
            for try await (delivery, sub, webhookID, type, at, status, latency, error, response)
                in rows.decode((Int64?, String, String, String, Int64, Int64?, Int64, String?, String?).self) {
                out.append(WebhookAttempt(deliveryID: delivery, subscriptionID: sub, webhookID: webhookID,
                                          eventType: WebhookEventType(rawValue: type) ?? .stageChanged, at: Timestamp(millis: at),
                                          status: status.map(Int.init), latencyMillis: Int(latency), error: error, response: response))
            }
            return out
        }
    }

    public func redeliver(messageID: Int64?, since: Timestamp?, now: Timestamp) async throws -> Int {
        let logger = self.logger
        let sinceMillis = since?.millis
        return try await write { db in
            let rows = try await db.query("""
                UPDATE webhook_delivery SET state = 'pending', attempts = 0, next_at = \(now.millis), finished_at = NULL
                WHERE NOT (state = 'pending' AND lease_until IS NOT NULL AND lease_until >= \(now.millis))
                  AND ((\(messageID)::int8 IS NOT NULL AND message_id = \(messageID)::int8)
                   OR (\(sinceMillis)::int8 IS NOT NULL AND message_id IN (SELECT id FROM outbox WHERE created_at >= \(sinceMillis)::int8)))
                RETURNING id
                """, logger: logger).collect()
            return rows.count
        }
    }

    public func deliveryCounts() async throws -> [DeliveryState: Int] {
        let logger = self.logger
        return try await read { db in
            var counts: [DeliveryState: Int] = [:]
            for try await (state, n) in try await db.query("SELECT state, COUNT(*) FROM webhook_delivery GROUP BY state", logger: logger)
                .decode((String, Int64).self) {
                if let s = DeliveryState(rawValue: state) { counts[s] = Int(n) }
            }
            return counts
        }
    }
}
#endif
