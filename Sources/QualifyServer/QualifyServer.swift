import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import QualifyCore
import QualifyStore
import QualifyUseCases

/// Builds the HTTP application: the routes generated from `openapi.yaml`, problem documents for every error,
/// API-key roles, request metrics and a body limit.
public enum QualifyServer {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        public var maxBodyBytes: Int
        public var keyCacheSeconds: Double
        /// Let webhook subscriptions name loopback or private-network targets.
        public var allowPrivateWebhooks: Bool
        /// A connection that sends nothing for this long (between requests, or a slow client mid-request) is closed,
        /// so idle sockets cannot pile up until the server runs out of descriptors.
        public var idleTimeoutSeconds: Int
        /// Connections held open at once; nil: the automatic limit (the descriptors the process may open less 512,
        /// at most 10,000 — see ``ConnectionLimit``).
        public var maxConnections: Int?
        /// `GET /health/ready` answers 503 when the database has not answered within this (a probe must not hang).
        public var readyTimeout: Duration = .milliseconds(800)
        public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 16 << 20, keyCacheSeconds: Double = 10,
                    allowPrivateWebhooks: Bool = false, idleTimeoutSeconds: Int = 75, maxConnections: Int? = nil) {
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.maxConnections = maxConnections
            self.allowPrivateWebhooks = allowPrivateWebhooks
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.keyCacheSeconds = keyCacheSeconds
        }
    }

    /// The router alone (for tests and for `application`).
    public static func router(cards: LeadCards,
                              webhookPing: (@Sendable (WebhookSubscription) async throws -> WebhookAttempt)? = nil,
                              mailDomainLookup: (@Sendable (String) async -> MailDomainStatus)? = nil,
                              settings: Settings = Settings(), logger: Logger,
                              clock: @escaping @Sendable () -> Timestamp = { Timestamp(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded())) },
                              pages: (@Sendable (Router<BasicRequestContext>) throws -> Void)? = nil) async throws -> Router<BasicRequestContext> {
        let store = cards.store
        let metrics = ServerMetrics.shared
        let transitions = TransitionCounter(store: store, metrics: metrics)
        try await transitions.start()
        let router = Router()
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: BodyLimitMiddleware(maxBytes: settings.maxBodyBytes))
        let api = QualifyAPI(cards: cards, mailDomainLookup: mailDomainLookup, webhookPing: webhookPing,
                             allowPrivateWebhooks: settings.allowPrivateWebhooks, readyTimeout: settings.readyTimeout, metrics: metrics,
                             transitions: transitions, clock: clock)
        let routes = RouteTable(router: router)
        try api.registerHandlers(on: routes, configuration: Configuration(dateTranscoder: FlexibleISO8601(), jsonEncodingOptions: [.sortedKeys]),
                                 middlewares: apiMiddlewares(api: api, store: store, settings: settings, logger: logger))
        // the web app's pages (their own sign-in and roles), beside the API on the same port
        try pages?(router)
        router.add(middleware: UnmatchedRouteMiddleware(routes: routes))
        return router
    }

    /// What every API request passes through, outermost first: errors as problem documents, the key and its role,
    /// the batch endpoint's fast path, the `null` refusal.
    static func apiMiddlewares(api: QualifyAPI, store: any LeadStore, settings: Settings, logger: Logger) -> [any ServerMiddleware] {
        [ProblemMiddleware(logger: logger),
         AccessMiddleware(keys: KeyCache(store: store, cacheSeconds: settings.keyCacheSeconds)),
         EventBatchFastPath(api: api, maxBytes: settings.maxBodyBytes),
         NullRefusalMiddleware(maxBytes: settings.maxBodyBytes)]
    }

    /// The application `qualify serve` runs: stops gracefully on SIGTERM or SIGINT (in-flight requests finish, and
    /// with them their database transactions; new connections are refused).
    public static func application(cards: LeadCards,
                                   webhookPing: (@Sendable (WebhookSubscription) async throws -> WebhookAttempt)? = nil,
                                   mailDomainLookup: (@Sendable (String) async -> MailDomainStatus)?, settings: Settings, logger: Logger,
                                   pages: (@Sendable (Router<BasicRequestContext>) throws -> Void)? = nil,
                                   onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
        let router = try await router(cards: cards, webhookPing: webhookPing, mailDomainLookup: mailDomainLookup, settings: settings,
                                      logger: logger, pages: pages)
        let descriptors = ConnectionLimit.raiseDescriptorLimit()
        var maximum = settings.maxConnections ?? ConnectionLimit.automatic(descriptors: descriptors)
        if maximum > descriptors - 64 {
            logger.warning("--max-connections is above what this process may open; holding fewer (raise the descriptor limit, ulimit -n)",
                           metadata: ["asked": .stringConvertible(maximum), "descriptors": .stringConvertible(descriptors)])
            maximum = max(16, descriptors - 64)
        }
        let limit = ConnectionLimit(maximum: maximum, logger: logger)
        return Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(Int64(settings.idleTimeoutSeconds)))),
                           configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "qualify",
                                                availableConnectionsDelegate: limit),
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
                           logger: logger)
    }
}

extension QualifyServer {
    /// A lead card as the API's JSON document (`GET /leads/{email}`), pretty-printed: what `qualify lead --format
    /// json` prints, so the two shells give the same document.
    public static func cardDocument(_ view: LeadCardView) throws -> String {
        try document(QualifyAPI.card(view))
    }

    /// The account queue as `GET /accounts` answers it: what `qualify accounts --format json` prints.
    public static func accountsDocument(_ queue: AccountQueue) throws -> String {
        try document(Components.Schemas.AccountList(accounts: queue.accounts.map(QualifyAPI.account), matched: queue.matched,
                                                    total: queue.total, modelVersion: queue.modelVersion))
    }

    /// The account card as `GET /accounts/{domain}` answers it: what `qualify account DOMAIN --format json` prints.
    public static func accountDocument(_ view: AccountCardView) throws -> String {
        try document(QualifyAPI.accountCard(view))
    }

    static func document(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try FlexibleISO8601().encode(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Dates in requests: ISO-8601 with or without fractional seconds, `Z` or an offset (the core's parser); written
/// back as UTC with milliseconds when there are any.
struct FlexibleISO8601: DateTranscoder {
    func encode(_ date: Date) throws -> String { Timestamp(date: date).iso8601 }
    func decode(_ text: String) throws -> Date {
        guard let t = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "'\(text.prefix(60))' is not an ISO-8601 date-time like 2026-03-01T12:00:00Z"))
        }
        return t.date
    }
}
