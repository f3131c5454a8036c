import ArgumentParser
import Foundation
import Logging
import QualifyApp
import QualifyCore
import QualifyDelivery
import QualifyStore
import QualifyUseCases

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Tell other systems about stage changes: signed webhooks delivered from the outbox, retried, in order.",
        discussion: """
            Event types: \(WebhookEventType.subscribable.map(\.rawValue).joined(separator: ", ")). Messages follow Standard \
            Webhooks (standardwebhooks.com): headers webhook-id (the same on every retry), webhook-timestamp and \
            webhook-signature (v1, HMAC-SHA256 with the subscription's secret, shown once by `add`). `qualify serve` \
            delivers continuously; `webhooks deliver` does one round for use from cron. A failed delivery is retried \
            after 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, 24 h and 24 h (each ±20 %), then \
            marked failed and its subscription flagged (`webhooks list` shows it; `enable` clears it). Messages of one \
            lead reach a subscriber in order. Targets on loopback or private networks are refused unless allowed.
            """,
        subcommands: [Add.self, List.self, Remove.self, Enable.self, Disable.self, Test.self, Log.self, Redeliver.self, Deliver.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Subscribe a URL to event types; prints the signing secret once.")
        @Argument(help: "Where to POST (http:// or https://).") var url: String
        @Option(help: ArgumentHelp("Comma-separated event types, e.g. lead.became_sql,lead.outcome.", valueName: "types"))
        var events: String
        @Option(help: "What the subscription is for (shown in lists).") var description = ""
        @Option(help: "standard (Standard Webhooks JSON) or slack (a chat message for a Slack or Mattermost incoming webhook).")
        var format: WebhookFormat = .standard
        @Flag(help: "Allow a target on loopback or a private network (the server must also run with --allow-private-webhooks).")
        var allowPrivate = false
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            _ = try Self.types(events)
            if case .failure(let problem) = WebhookTarget.check(url, allowPrivate: allowPrivate) { throw ValidationError(problem.description) }
            guard description.count <= 200 else { throw ValidationError("--description must be at most 200 characters") }
        }

        static func types(_ text: String) throws -> [WebhookEventType] {
            var out: [WebhookEventType] = []
            for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard let type = WebhookEventType(rawValue: name), type != .ping else {
                    throw ValidationError("--events: '\(name)' is not an event type; use \(WebhookEventType.subscribable.map(\.rawValue).joined(separator: ", "))")
                }
                if !out.contains(type) { out.append(type) }
            }
            guard !out.isEmpty else { throw ValidationError("--events names no event type; use \(WebhookEventType.subscribable.map(\.rawValue).joined(separator: ", "))") }
            return out
        }

        func run() async throws {
            let now = Timestamp.now()
            let store = try await db.open(now: now)
            let subscription = WebhookSubscription(id: WebhookCredentials.makeID(), url: url, events: try Self.types(events), description: description,
                                                   secret: WebhookCredentials.makeSecret(), format: format, enabled: true, failing: false,
                                                   createdAt: now)
            try await store.addSubscription(subscription)
            print(subscription.secret)
            printError("subscription \(subscription.id) → \(url) for \(subscription.eventList): the secret above is shown once; keep it to verify signatures")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List subscriptions (never their secrets) and the deliveries' states.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            let subscriptions = try await store.subscriptions()
            if subscriptions.isEmpty { print("no webhook subscriptions; add one with: qualify webhooks add URL --events lead.became_sql"); return }
            print("ID                   STATE              FORMAT    EVENTS  →  URL")
            for s in subscriptions {
                let state = (s.enabled ? "enabled" : "disabled") + (s.failing ? ", failing" : "")
                print("\(s.id.padding(toLength: 21, withPad: " ", startingAt: 0))\(state.padding(toLength: 19, withPad: " ", startingAt: 0))\(s.format.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))\(s.eventList)  →  \(s.url)\(s.description.isEmpty ? "" : "  (\(s.description))")")
            }
            let counts = try await store.deliveryCounts()
            print("deliveries: \(DeliveryState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a subscription (its deliveries not yet made are dropped; its log stays).")
        @Argument(help: "The subscription's id.") var id: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            guard try await store.removeSubscription(id) else { throw Failure("no webhook subscription '\(id)' (see `qualify webhooks list`)") }
            print("removed \(id)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a subscription and clear its failing flag.")
        @Argument(help: "The subscription's id.") var id: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            guard try await store.updateSubscription(id, enabled: true, failing: false) else { throw Failure("no webhook subscription '\(id)' (see `qualify webhooks list`)") }
            print("enabled \(id)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a subscription: its deliveries wait until it is enabled again.")
        @Argument(help: "The subscription's id.") var id: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            guard try await store.updateSubscription(id, enabled: false, failing: nil) else { throw Failure("no webhook subscription '\(id)' (see `qualify webhooks list`)") }
            print("disabled \(id)")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a ping to a subscription now and print what came back.")
        @Argument(help: "The subscription's id.") var id: String
        @Flag(help: "Allow a target on loopback or a private network.") var allowPrivateWebhooks = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            guard let subscription = try await store.subscriptions().first(where: { $0.id == id }) else {
                throw Failure("no webhook subscription '\(id)' (see `qualify webhooks list`)")
            }
            let attempt = try await WebhookSender.with(allowPrivate: allowPrivateWebhooks) { sender in
                try await WebhookDeliverer(store: store, cards: nil, sender: sender, publicURL: nil, logger: Logger(label: "qualify"),
                                           clock: { .now() }).ping(subscription)
            }
            print(WebhooksCommand.line(attempt))
            if !attempt.succeeded { throw ExitCode(1) }
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The latest delivery attempts: time, status code, latency, error.")
        @Argument(help: "Only this subscription's attempts.") var id: String?
        @Option(help: "How many (newest first).") var limit = 50
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            let attempts = try await store.attempts(subscription: id, limit: max(1, min(limit, 10_000)))
            if attempts.isEmpty { print("no delivery attempts yet"); return }
            for a in attempts { print(WebhooksCommand.line(a)) }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send again one outbox message, or every message since a time, to their subscriptions.")
        @Argument(help: "The outbox message's number (the N of webhook-id msg_N_…).") var messageID: Int64?
        @Option(help: ArgumentHelp("Every message created at or after this time (ISO-8601).", valueName: "time")) var since: String?
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard (messageID == nil) != (since == nil) else { throw ValidationError("give a message number or --since TIME (one of them)") }
            if let since, LeadCards.asOf(since) == nil { throw ValidationError("--since '\(since)' is not a time like 2026-03-01 or 2026-03-01T12:00:00Z") }
        }

        func run() async throws {
            let store = try await db.open(now: .now())
            let sinceTime = since.flatMap { Timestamp(iso8601: $0) }
            let n = try await store.redeliver(messageID: messageID, since: sinceTime, now: .now())
            print("\(n) deliver\(n == 1 ? "y" : "ies") queued again")
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver what is due now and stop (for cron, without a server); retries not yet due wait for a later run.")
        @Flag(help: "Do one round (the only mode; for clarity in crontabs).") var once = false
        @Flag(help: "Allow targets on loopback or a private network.") var allowPrivateWebhooks = false
        @Option(help: "The server's public address, for links to lead cards in messages (e.g. https://qualify.example.com).")
        var publicURL: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let cards = try await db.cards(now: .now())
            let store = cards.store
            var total = WebhookDeliverer.Pass()
            try await WebhookSender.with(allowPrivate: allowPrivateWebhooks) { sender in
                let deliverer = WebhookDeliverer(store: store, cards: cards, sender: sender, publicURL: publicURL, logger: Logger(label: "qualify"),
                                                 clock: { .now() })
                while true {
                    let pass = try await deliverer.runOnce()
                    total.dispatched += pass.dispatched
                    total.attempted += pass.attempted
                    total.delivered += pass.delivered
                    total.failed += pass.failed
                    if pass.attempted == 0 { break }
                }
            }
            print("\(total.dispatched) outbox messages dispatched, \(total.attempted) attempts: \(total.delivered) delivered, \(total.failed) given up, \(total.attempted - total.delivered - total.failed) to retry later")
        }
    }

    static func line(_ a: WebhookAttempt) -> String {
        "\(a.at.iso8601)  \(a.subscriptionID)  \(a.webhookID)  \(a.eventType.rawValue)  \(a.status.map(String.init) ?? "---")  \(a.latencyMillis) ms\(a.error.map { "  \($0)" } ?? "")"
    }
}

extension WebhookFormat: ExpressibleByArgument {}
