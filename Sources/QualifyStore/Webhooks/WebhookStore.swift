import QualifyCore

/// The storage verbs of webhook delivery: subscriptions, the outbox turned into deliveries, deliveries claimed for a
/// while (a lease: one instance sends a message at a time), finished, logged. What is delivered to whom, when to try
/// again and when to give up are decided above (QualifyUseCases, QualifyDelivery).
public protocol WebhookStore: Sendable {
    func addSubscription(_ subscription: WebhookSubscription) async throws
    /// Every subscription, oldest first.
    func subscriptions() async throws -> [WebhookSubscription]
    /// Sets a subscription's flags (nil leaves one as it is); false if there is no such subscription.
    func updateSubscription(_ id: String, enabled: Bool?, failing: Bool?) async throws -> Bool
    /// Removes a subscription and its deliveries not yet made (its attempt log stays); false if there is none.
    func removeSubscription(_ id: String) async throws -> Bool

    /// In one transaction: the outbox messages not yet dispatched (oldest first, at most `limit`; on PostgreSQL
    /// one instance dispatches at a time), the deliveries `plan` makes of them for the subscriptions inserted (once
    /// each), the messages marked dispatched. Returns how many messages it took. A message that commits late is
    /// simply taken by a later call: nothing is passed over.
    func dispatchOutbox(limit: Int, now: Timestamp,
                        plan: @escaping @Sendable ([OutboxMessage], [WebhookSubscription]) -> [NewDelivery]) async throws -> Int
    /// Claims up to `limit` deliveries due at `now` until `leaseUntil`: pending, not leased by anyone, of an enabled
    /// subscription, and each the first pending delivery (by outbox message) of its subscription and lead, so a lead's
    /// messages reach a subscriber in order. Oldest first. The claim's `leaseUntil` is its token.
    func claimDeliveries(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [ClaimedDelivery]
    /// Records an attempt of a claimed delivery and, if the claim (`leaseUntil`) still holds it, its new state
    /// (pending again at `nextAt`, delivered, or failed — which also flags the subscription as failing), releasing the
    /// lease. A claim whose lease ended and went to another sender only logs its attempt. Several claimed deliveries
    /// are recorded in one transaction (a delivery pass records its attempts together); `finishDelivery` records one.
    func finishDeliveries(_ finishes: [DeliveryFinish]) async throws
    /// Logs an attempt made outside a delivery (a ping).
    func logAttempt(_ attempt: WebhookAttempt) async throws
    /// The latest attempts, newest first, of one subscription or of all.
    func attempts(subscription: String?, limit: Int) async throws -> [WebhookAttempt]
    /// Makes deliveries of one outbox message, or of every message created at or after `since`, pending again (due
    /// now, attempts from zero). Returns how many.
    func redeliver(messageID: Int64?, since: Timestamp?, now: Timestamp) async throws -> Int
    /// How many deliveries are in each state.
    func deliveryCounts() async throws -> [DeliveryState: Int]
}

/// A webhook subscription: where to send which event types, signed with its secret.
public struct WebhookSubscription: Sendable, Hashable, Codable {
    /// `wh_` and 16 random characters.
    public var id: String
    public var url: String
    public var events: [WebhookEventType]
    public var description: String
    /// `whsec_` and the base64 of the signing key (Standard Webhooks).
    public var secret: String
    public var format: WebhookFormat
    public var enabled: Bool
    /// Set when a message was given up after its last retry; cleared by `webhooks enable`.
    public var failing: Bool
    public var createdAt: Timestamp
    public init(id: String, url: String, events: [WebhookEventType], description: String, secret: String, format: WebhookFormat,
                enabled: Bool, failing: Bool, createdAt: Timestamp) {
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.secret = secret
        self.format = format
        self.enabled = enabled
        self.failing = failing
        self.createdAt = createdAt
    }

    /// The stored form of ``events``.
    public var eventList: String { events.map(\.rawValue).joined(separator: ",") }
    public static func events(_ stored: String) -> [WebhookEventType] {
        stored.split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) }
    }
}

public enum DeliveryState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, delivered, failed
}

/// A delivery to insert: one outbox message, as one event type, to one subscription.
public struct NewDelivery: Sendable, Hashable {
    public var messageID: Int64
    public var subscriptionID: String
    public var eventType: WebhookEventType
    /// The lead it is about (deliveries of one lead to one subscription go in order).
    public var lead: String
    public init(messageID: Int64, subscriptionID: String, eventType: WebhookEventType, lead: String) {
        self.messageID = messageID
        self.subscriptionID = subscriptionID
        self.eventType = eventType
        self.lead = lead
    }
}

/// A delivery claimed for sending, with what it needs: the message and the subscription.
public struct ClaimedDelivery: Sendable, Hashable {
    public var id: Int64
    public var eventType: WebhookEventType
    public var lead: String
    /// Attempts made before this one.
    public var attempts: Int
    public var message: OutboxMessage
    public var subscription: WebhookSubscription
    /// The claim's lease end, and its token: ``WebhookStore/finishDelivery(_:leaseUntil:attempt:state:nextAt:)``
    /// changes the delivery only while it still holds this lease.
    public var leaseUntil: Timestamp
    public init(id: Int64, eventType: WebhookEventType, lead: String, attempts: Int, message: OutboxMessage, subscription: WebhookSubscription,
                leaseUntil: Timestamp) {
        self.leaseUntil = leaseUntil
        self.id = id
        self.eventType = eventType
        self.lead = lead
        self.attempts = attempts
        self.message = message
        self.subscription = subscription
    }

    /// The `webhook-id`: the same for every attempt of this message as this event type, so a receiver can drop a
    /// message it already has.
    public var webhookID: String { "msg_\(message.id)_\(eventType.tag)" }
}

/// One try at sending a webhook: what came back (a status code, or the error), how long it took.
public struct WebhookAttempt: Sendable, Hashable, Codable {
    public var deliveryID: Int64?
    public var subscriptionID: String
    public var webhookID: String
    public var eventType: WebhookEventType
    public var at: Timestamp
    public var status: Int?
    public var latencyMillis: Int
    public var error: String?
    /// The response body's start (at most ``responseLimit`` characters).
    public var response: String?
    public static let responseLimit = 512

    public init(deliveryID: Int64?, subscriptionID: String, webhookID: String, eventType: WebhookEventType, at: Timestamp, status: Int?,
                latencyMillis: Int, error: String?, response: String?) {
        self.deliveryID = deliveryID
        self.subscriptionID = subscriptionID
        self.webhookID = webhookID
        self.eventType = eventType
        self.at = at
        self.status = status
        self.latencyMillis = latencyMillis
        self.error = error
        self.response = response.map { String($0.prefix(Self.responseLimit)) }
    }

    /// A 2xx.
    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// Everything a deployment keeps: leads and their use cases' verbs, and webhook delivery.
public typealias QualifyStorage = LeadStore & WebhookStore & UserStore

/// One claimed delivery's attempt and what becomes of it (``WebhookStore/finishDeliveries(_:)``).
public struct DeliveryFinish: Sendable, Hashable {
    public var id: Int64
    public var leaseUntil: Timestamp
    public var attempt: WebhookAttempt
    public var state: DeliveryState
    public var nextAt: Timestamp?
    public init(id: Int64, leaseUntil: Timestamp, attempt: WebhookAttempt, state: DeliveryState, nextAt: Timestamp?) {
        self.id = id
        self.leaseUntil = leaseUntil
        self.attempt = attempt
        self.state = state
        self.nextAt = nextAt
    }
}

extension WebhookStore {
    public func finishDelivery(_ id: Int64, leaseUntil: Timestamp, attempt: WebhookAttempt, state: DeliveryState, nextAt: Timestamp?) async throws {
        try await finishDeliveries([DeliveryFinish(id: id, leaseUntil: leaseUntil, attempt: attempt, state: state, nextAt: nextAt)])
    }
}
