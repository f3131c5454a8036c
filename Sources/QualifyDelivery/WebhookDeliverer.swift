import Foundation
import Logging
import QualifyCore
import QualifyStore
import QualifyUseCases
import ServiceLifecycle

/// Delivers the outbox: turns new messages into deliveries (``WebhookPlan``), claims what is due for a lease, sends
/// each signed (``WebhookSender``), records the attempt and what follows (``WebhookPlan/after(_:attemptsBefore:jitter:)``).
/// At least once: a message is marked delivered only after its 2xx, so a crash mid-send sends it again, with the same
/// `webhook-id`. In order per lead and subscription (the store claims only a lead's first pending delivery).
public struct WebhookDeliverer: Sendable {
    let store: any WebhookStore
    let cards: LeadCards?
    let sender: WebhookSender
    /// Where the server is reachable (`https://qualify.example.com`), for links to a lead's card; nil: no links.
    let publicURL: String?
    let clock: @Sendable () -> Timestamp
    let logger: Logger
    /// How long a claimed delivery is held: longer than one send may take (15 s). A delivery claimed by a server that
    /// died is sent again once its lease ends.
    public static let lease = TimeSpan(millis: 30_000)

    public init(store: any WebhookStore, cards: LeadCards?, sender: WebhookSender, publicURL: String?, logger: Logger,
                clock: @escaping @Sendable () -> Timestamp) {
        self.store = store
        self.cards = cards
        self.sender = sender
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.clock = clock
        self.logger = logger
    }

    public struct Pass: Sendable, Hashable {
        public var dispatched = 0
        public var attempted = 0
        public var delivered = 0
        public var failed = 0
        public init() {}
    }

    /// One pass: every undispatched outbox message dispatched, then up to `limit` due deliveries sent at once.
    public func runOnce(limit: Int = 64) async throws -> Pass {
        var pass = Pass()
        while true {
            let n = try await store.dispatchOutbox(limit: 500, now: clock(), plan: WebhookPlan.deliveries)
            pass.dispatched += n
            if n < 500 { break }
        }
        let now = clock()
        let claimed = try await store.claimDeliveries(now: now, leaseUntil: now.adding(Self.lease), limit: limit)
        guard !claimed.isEmpty else { return pass }
        // one failing send (a storage error recording it) must not cancel the others: each is caught on its own, and
        // an unrecorded one is sent again when its lease ends
        let finishes = await withTaskGroup(of: DeliveryFinish?.self) { group in
            for delivery in claimed {
                group.addTask {
                    do { return try await send(delivery) } catch {
                        logger.error("webhook not sent; it is sent again when its lease ends",
                                     metadata: ["webhook.id": .string(delivery.webhookID), "error": .string("\(type(of: error))")])
                        return nil
                    }
                }
            }
            var out: [DeliveryFinish] = []
            for await finish in group { if let finish { out.append(finish) } }
            return out
        }
        // the pass's attempts recorded together, in one transaction; if that fails, every delivery of the pass is
        // sent again when its lease ends (at least once: the receiver drops repeats by webhook-id)
        do {
            try await store.finishDeliveries(finishes)
        } catch {
            logger.error("webhook attempts not recorded; they are sent again when their leases end",
                         metadata: ["deliveries": .stringConvertible(finishes.count), "error": .string("\(type(of: error))")])
            throw error
        }
        let results = finishes.map(\.state)
        pass.attempted = results.count
        pass.delivered = results.filter { $0 == .delivered }.count
        pass.failed = results.filter { $0 == .failed }.count
        return pass
    }

    /// Sends one claimed delivery; what to record of the attempt (``WebhookStore/finishDeliveries(_:)``).
    func send(_ delivery: ClaimedDelivery) async throws -> DeliveryFinish {
        let attempt: WebhookAttempt
        if let event = delivery.message.event {
            var card: LeadCardView?
            if delivery.eventType == .becameSQL, let cards {
                card = try? await cards.card(LeadKey(normalizedEmail: delivery.lead), asOf: nil, now: clock())
            }
            let data = WebhookData(delivery.eventType, event: event, card: card, link: link(delivery.lead))
            let body = try WebhookBody.encode(delivery.eventType, format: delivery.subscription.format, data: data, at: delivery.message.createdAt)
            attempt = await sender.send(body, webhookID: delivery.webhookID, type: delivery.eventType, to: delivery.subscription,
                                        deliveryID: delivery.id, now: clock)
        } else {
            attempt = WebhookAttempt(deliveryID: delivery.id, subscriptionID: delivery.subscription.id, webhookID: delivery.webhookID,
                                     eventType: delivery.eventType, at: clock(), status: nil, latencyMillis: 0,
                                     error: "outbox message \(delivery.message.id) of kind '\(delivery.message.kind)' cannot be read by this qualify",
                                     response: nil)
        }
        let (state, next) = WebhookPlan.after(attempt, attemptsBefore: delivery.attempts, jitter: Double.random(in: 0..<1))
        if !attempt.succeeded {
            // no URL and no error text in the log: a chat webhook's URL is its credential (the attempt log has the text)
            logger.warning("webhook not delivered", metadata: [
                "webhook.id": .string(delivery.webhookID), "subscription.id": .string(delivery.subscription.id),
                "status": .string(attempt.status.map(String.init) ?? "no answer"), "next": .string(next?.iso8601 ?? state.rawValue),
            ])
        }
        return DeliveryFinish(id: delivery.id, leaseUntil: delivery.leaseUntil, attempt: attempt, state: state, nextAt: next)
    }

    func link(_ lead: String) -> String? {
        guard let publicURL else { return nil }
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))
        return "\(publicURL)/leads/\(lead.addingPercentEncoding(withAllowedCharacters: allowed) ?? lead)"
    }

    /// Sends a ping to one subscription now (outside the outbox) and logs the attempt.
    public func ping(_ subscription: WebhookSubscription) async throws -> WebhookAttempt {
        let now = clock()
        let data = WebhookData(ping: subscription.id, at: now)
        let body = try WebhookBody.encode(.ping, format: subscription.format, data: data, at: now)
        let attempt = await sender.send(body, webhookID: "msg_ping_\(now.millis)", type: .ping, to: subscription, deliveryID: nil, now: clock)
        try await store.logAttempt(attempt)
        return attempt
    }
}

/// The deliverer as a service of `qualify serve`: a pass whenever there was work, else a short wait (so a new SQL is
/// announced within about `idle` of its commit). A graceful shutdown lets the sends in flight finish.
public struct WebhookDeliveryService: Service {
    let deliverer: WebhookDeliverer
    let idle: Duration

    public init(deliverer: WebhookDeliverer, idle: Duration = .milliseconds(100)) {
        self.deliverer = deliverer
        self.idle = idle
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var busy = false
            do {
                let pass = try await deliverer.runOnce()
                busy = pass.attempted > 0 || pass.dispatched > 0
            } catch where Task.isCancelled || Task.isShuttingDownGracefully {
                return  // the server is stopping (or failed to start): not a delivery failure
            } catch {
                deliverer.logger.error("webhook delivery pass failed; trying again", metadata: ["error": .string("\(type(of: error))")])
            }
            if !busy { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: idle) } }
        }
    }
}
