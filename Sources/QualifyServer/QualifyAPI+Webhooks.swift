import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// Webhook subscriptions over HTTP (admin role): the same verbs as `qualify webhooks`.
extension QualifyAPI {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let subscriptions = try await store.subscriptions().map(Self.subscription)
        let counts = try await store.deliveryCounts()
        return .ok(.init(body: .json(.init(subscriptions: subscriptions, pending: counts[.pending] ?? 0, delivered: counts[.delivered] ?? 0,
                                           failed: counts[.failed] ?? 0))))
    }

    func addWebhook(_ input: Operations.AddWebhook.Input) async throws -> Operations.AddWebhook.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        if case .failure(let problem) = WebhookTarget.check(body.url, allowPrivate: allowPrivateWebhooks) {
            throw APIProblem.unprocessable(problem.description, field: "url")
        }
        guard !body.events.isEmpty else { throw APIProblem.unprocessable("name at least one event type", field: "events") }
        try APIProblem.checkCount(body.events.count, "events", atMost: 5, of: "event types")
        try APIProblem.checkLength(body.url, "url", 8...2_000)
        guard (body.description ?? "").unicodeScalars.count <= 200 else {
            throw APIProblem.unprocessable("the description must be at most 200 characters", field: "description")
        }
        guard body.url.count <= 2000 else { throw APIProblem.unprocessable("the URL must be at most 2,000 characters", field: "url") }
        var events: [WebhookEventType] = []
        for event in body.events {
            guard let type = WebhookEventType(rawValue: event.rawValue) else {
                throw APIProblem.unprocessable("'\(event.rawValue)' is not an event type", field: "events")
            }
            if !events.contains(type) { events.append(type) }
        }
        let subscription = WebhookSubscription(
            id: WebhookCredentials.makeID(), url: body.url, events: events, description: body.description ?? "", secret: WebhookCredentials.makeSecret(),
            format: body.format.flatMap { WebhookFormat(rawValue: $0.rawValue) } ?? .standard, enabled: true, failing: false, createdAt: clock())
        try await store.addSubscription(subscription)
        return .created(.init(body: .json(.init(subscription: Self.subscription(subscription), secret: subscription.secret))))
    }

    func listWebhookAttempts(_ input: Operations.ListWebhookAttempts.Input) async throws -> Operations.ListWebhookAttempts.Output {
        let limit = input.query.limit ?? 50
        guard (1...1000).contains(limit) else { throw APIProblem.badRequest("limit must be from 1 to 1000, not \(limit)", field: "limit") }
        if let id = input.query.subscription, id.unicodeScalars.count > 64 {
            throw APIProblem.badRequest("subscription is at most 64 characters (an id as `qualify webhooks list` shows it)", field: "subscription")
        }
        let attempts = try await store.attempts(subscription: input.query.subscription, limit: limit)
        return .ok(.init(body: .json(.init(attempts: attempts.map(Self.attempt)))))
    }

    func redeliverWebhooks(_ input: Operations.RedeliverWebhooks.Input) async throws -> Operations.RedeliverWebhooks.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        if let id = body.messageId, id < 1 { throw APIProblem.badRequest("message_id is at least 1, not \(id)", field: "message_id") }
        guard (body.messageId == nil) != (body.since == nil) else {
            throw APIProblem.badRequest("give message_id or since (one of them)", field: body.messageId == nil ? "message_id" : "since")
        }
        let queued = try await store.redeliver(messageID: body.messageId, since: body.since.map(Timestamp.init(date:)), now: clock())
        return .ok(.init(body: .json(.init(queued: queued))))
    }

    func removeWebhook(_ input: Operations.RemoveWebhook.Input) async throws -> Operations.RemoveWebhook.Output {
        guard try await store.removeSubscription(input.path.id) else { throw APIProblem.notFound("no webhook subscription '\(input.path.id)'") }
        return .noContent(.init())
    }

    func enableWebhook(_ input: Operations.EnableWebhook.Input) async throws -> Operations.EnableWebhook.Output {
        .ok(.init(body: .json(try await setWebhook(input.path.id, enabled: true, failing: false))))
    }

    func disableWebhook(_ input: Operations.DisableWebhook.Input) async throws -> Operations.DisableWebhook.Output {
        .ok(.init(body: .json(try await setWebhook(input.path.id, enabled: false, failing: nil))))
    }

    func testWebhook(_ input: Operations.TestWebhook.Input) async throws -> Operations.TestWebhook.Output {
        guard let subscription = try await store.subscriptions().first(where: { $0.id == input.path.id }) else {
            throw APIProblem.notFound("no webhook subscription '\(input.path.id)'")
        }
        guard let webhookPing else {
            throw APIProblem(status: .serviceUnavailable, title: "Unavailable", detail: "this server does not send webhooks (--no-webhooks)")
        }
        return .ok(.init(body: .json(Self.attempt(try await webhookPing(subscription)))))
    }

    private func setWebhook(_ id: String, enabled: Bool, failing: Bool?) async throws -> Components.Schemas.WebhookSubscription {
        guard try await store.updateSubscription(id, enabled: enabled, failing: failing),
              let subscription = try await store.subscriptions().first(where: { $0.id == id }) else {
            throw APIProblem.notFound("no webhook subscription '\(id)'")
        }
        return Self.subscription(subscription)
    }

    static func subscription(_ s: WebhookSubscription) -> Components.Schemas.WebhookSubscription {
        .init(id: s.id, url: s.url, events: s.events.compactMap { Components.Schemas.WebhookEventType(rawValue: $0.rawValue) },
              description: s.description, format: .init(rawValue: s.format.rawValue) ?? .standard, enabled: s.enabled, failing: s.failing,
              createdAt: s.createdAt.date)
    }

    static func attempt(_ a: WebhookAttempt) -> Components.Schemas.WebhookAttempt {
        .init(subscription: a.subscriptionID, webhookId: a.webhookID, _type: a.eventType.rawValue, at: a.at.date, status: a.status,
              latencyMs: a.latencyMillis, error: a.error, response: a.response)
    }
}
