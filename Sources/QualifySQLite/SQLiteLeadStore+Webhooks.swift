import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore: WebhookStore {
    public func addSubscription(_ s: WebhookSubscription) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO webhook_subscription(id, url, events, description, secret, format, enabled, failing, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.id, s.url, s.eventList, s.description, s.secret, s.format.rawValue, s.enabled, s.failing, s.createdAt.millis])
        }
    }

    public func subscriptions() async throws -> [WebhookSubscription] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM webhook_subscription ORDER BY created_at, id").map(Self.subscription) }
    }

    static func subscription(_ row: Row) -> WebhookSubscription {
        WebhookSubscription(id: row["id"], url: row["url"], events: WebhookSubscription.events(row["events"]), description: row["description"],
                            secret: row["secret"], format: WebhookFormat(rawValue: row["format"]) ?? .standard, enabled: row["enabled"],
                            failing: row["failing"], createdAt: Timestamp(millis: row["created_at"]))
    }

    public func updateSubscription(_ id: String, enabled: Bool?, failing: Bool?) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE webhook_subscription SET enabled = COALESCE(?, enabled), failing = COALESCE(?, failing) WHERE id = ?
                """, arguments: [enabled, failing, id])
            return db.changesCount > 0
        }
    }

    public func removeSubscription(_ id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_delivery WHERE subscription_id = ? AND state = 'pending'", arguments: [id])
            try db.execute(sql: "DELETE FROM webhook_subscription WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func dispatchOutbox(limit: Int, now: Timestamp,
                               plan: @escaping @Sendable ([OutboxMessage], [WebhookSubscription]) -> [NewDelivery]) async throws -> Int {
        // most polls find nothing: look on a reader first, so they take no write lock
        let waiting = try await read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE delivered_at IS NULL)") ?? false }
        guard waiting else { return 0 }
        return try await write { db in
            let messages = try Row.fetchAll(db, sql: "SELECT id, kind, payload, created_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?",
                                            arguments: [limit])
                .map { OutboxMessage(id: $0["id"], kind: $0["kind"], payload: $0["payload"], createdAt: Timestamp(millis: $0["created_at"])) }
            guard let last = messages.last else { return 0 }
            let subscriptions = try Row.fetchAll(db, sql: "SELECT * FROM webhook_subscription ORDER BY created_at, id")
                .map(Self.subscription)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO webhook_delivery(message_id, subscription_id, event_type, lead, state, attempts, next_at, created_at)
                VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING
                """)
            for d in plan(messages, subscriptions) {
                try insert.execute(arguments: [d.messageID, d.subscriptionID, d.eventType.rawValue, d.lead, now.millis, now.millis])
            }
            try db.execute(sql: "UPDATE outbox SET delivered_at = ? WHERE delivered_at IS NULL AND id <= ?", arguments: [now.millis, last.id])
            return messages.count
        }
    }

    /// Deliveries that may be claimed at `now`: pending and due, not leased, of an enabled subscription, and the first
    /// pending one (by outbox message) of their subscription and lead.
    static let claimable = """
        FROM webhook_delivery d JOIN outbox o ON o.id = d.message_id JOIN webhook_subscription s ON s.id = d.subscription_id
        WHERE d.state = 'pending' AND d.next_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?) AND s.enabled = 1
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.subscription_id = d.subscription_id AND e.lead = d.lead
                          AND e.state = 'pending' AND (e.message_id < d.message_id OR (e.message_id = d.message_id AND e.id < d.id)))
        """

    public func claimDeliveries(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [ClaimedDelivery] {
        // most polls find nothing to claim: look on a reader first, with the claim's own conditions, so they take no
        // write lock (deliveries waiting behind a retry or for a disabled subscription do not count)
        let any = try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 \(Self.claimable))", arguments: [now.millis, now.millis]) ?? false
        }
        guard any else { return [] }
        return try await write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.id AS delivery_id, d.event_type, d.lead, d.attempts, o.id AS message_id, o.kind, o.payload,
                       o.created_at AS message_at, s.*
                \(Self.claimable)
                ORDER BY d.message_id, d.id LIMIT ?
                """, arguments: [now.millis, now.millis, limit])
            let update = try db.cachedStatement(sql: "UPDATE webhook_delivery SET lease_until = ? WHERE id = ?")
            return try rows.map { row in
                let id: Int64 = row["delivery_id"]
                try update.execute(arguments: [leaseUntil.millis, id])
                return ClaimedDelivery(id: id, eventType: WebhookEventType(rawValue: row["event_type"]) ?? .stageChanged, lead: row["lead"],
                                       attempts: row["attempts"],
                                       message: OutboxMessage(id: row["message_id"], kind: row["kind"], payload: row["payload"],
                                                              createdAt: Timestamp(millis: row["message_at"])),
                                       subscription: Self.subscription(row), leaseUntil: leaseUntil)
            }
        }
    }

    public func finishDeliveries(_ finishes: [DeliveryFinish]) async throws {
        guard !finishes.isEmpty else { return }
        try await write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE webhook_delivery SET state = ?, attempts = attempts + 1, next_at = COALESCE(?, next_at), lease_until = NULL,
                  finished_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END
                WHERE id = ? AND state = 'pending' AND lease_until = ?
                """)
            for f in finishes {
                try update.execute(arguments: [f.state.rawValue, f.nextAt?.millis, f.state.rawValue, f.attempt.at.millis, f.id, f.leaseUntil.millis])
                let held = db.changesCount > 0
                try Self.insert(db, f.attempt)
                if held && f.state == .failed {
                    try db.execute(sql: "UPDATE webhook_subscription SET failing = 1 WHERE id = ?", arguments: [f.attempt.subscriptionID])
                }
            }
        }
    }

    static func insert(_ db: Database, _ a: WebhookAttempt) throws {
        try db.cachedStatement(sql: """
            INSERT INTO webhook_attempt(delivery_id, subscription_id, webhook_id, event_type, at, status, latency_ms, error, response)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [a.deliveryID, a.subscriptionID, a.webhookID, a.eventType.rawValue, a.at.millis, a.status, a.latencyMillis, a.error,
                             a.response])
    }

    public func logAttempt(_ attempt: WebhookAttempt) async throws {
        try await write { db in try Self.insert(db, attempt) }
    }

    public func attempts(subscription: String?, limit: Int) async throws -> [WebhookAttempt] {
        try await read { db in
            let rows = subscription == nil
                ? try Row.fetchAll(db, sql: "SELECT * FROM webhook_attempt ORDER BY id DESC LIMIT ?", arguments: [limit])
                : try Row.fetchAll(db, sql: "SELECT * FROM webhook_attempt WHERE subscription_id = ? ORDER BY id DESC LIMIT ?",
                                   arguments: [subscription, limit])
            return rows.map { row in
                WebhookAttempt(deliveryID: row["delivery_id"], subscriptionID: row["subscription_id"], webhookID: row["webhook_id"],
                               eventType: WebhookEventType(rawValue: row["event_type"]) ?? .stageChanged, at: Timestamp(millis: row["at"]),
                               status: row["status"], latencyMillis: row["latency_ms"], error: row["error"], response: row["response"])
            }
        }
    }

    public func redeliver(messageID: Int64?, since: Timestamp?, now: Timestamp) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE webhook_delivery SET state = 'pending', attempts = 0, next_at = ?, finished_at = NULL
                WHERE NOT (state = 'pending' AND lease_until IS NOT NULL AND lease_until >= ?)
                  AND ((? IS NOT NULL AND message_id = ?)
                   OR (? IS NOT NULL AND message_id IN (SELECT id FROM outbox WHERE created_at >= ?)))
                """, arguments: [now.millis, now.millis, messageID, messageID, since?.millis, since?.millis])
            return db.changesCount
        }
    }

    public func deliveryCounts() async throws -> [DeliveryState: Int] {
        try await read { db in
            var counts: [DeliveryState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM webhook_delivery GROUP BY state") {
                if let state = DeliveryState(rawValue: row[0]) { counts[state] = row[1] }
            }
            return counts
        }
    }
}
