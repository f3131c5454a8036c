import Foundation
import Hummingbird
import Logging
#if Postgres
import PostgresNIO
import QualifyPostgres
#endif
import QualifyCore
import QualifyDelivery
import QualifyServer
import QualifySQLite
import QualifyStore
import QualifyUseCases
import ServiceLifecycle

/// What `qualify serve` runs: the database, the HTTP server's settings, the DNS check for `POST /verify`.
public struct ServeSettings: Sendable {
    public var location: String
    public var server: QualifyServer.Settings
    public var mailDomainLookup: (@Sendable (String) async -> MailDomainStatus)?
    /// Deliver webhooks from this instance (several instances share the work safely).
    public var deliversWebhooks: Bool
    /// Let webhooks go to loopback and private networks.
    public var allowPrivateWebhooks: Bool
    /// The server's public address, for links to lead cards in webhooks.
    public var publicURL: String?
    /// Adds the web app's pages to the router, given the lead cards of the opened store (the `qualify` executable
    /// passes QualifyWeb's; nil: the API alone).
    public var pages: (@Sendable (Router<BasicRequestContext>, LeadCards) throws -> Void)?
    public init(location: String, server: QualifyServer.Settings, mailDomainLookup: (@Sendable (String) async -> MailDomainStatus)?,
                deliversWebhooks: Bool = true, allowPrivateWebhooks: Bool = false, publicURL: String? = nil,
                pages: (@Sendable (Router<BasicRequestContext>, LeadCards) throws -> Void)? = nil) {
        self.pages = pages
        self.location = location
        self.server = server
        self.mailDomainLookup = mailDomainLookup
        self.deliversWebhooks = deliversWebhooks
        self.allowPrivateWebhooks = allowPrivateWebhooks
        self.publicURL = publicURL
    }
}

/// `qualify serve` composed: one service group, stopped gracefully by SIGTERM or SIGINT — the HTTP server (requests
/// in flight finish, and with them their transactions; new connections are refused) and, on PostgreSQL, the
/// connection pool, which stops after the server. Background workers join the same group.
public enum Serving {
    /// What the server says once it listens: the address, the database, the model and the keys.
    public struct Started: Sendable {
        public var port: Int
        public var modelVersion: Int?
        public var activeKeys: Int
        /// Web app users who may sign in.
        public var users: Int
    }

    public static func run(_ settings: ServeSettings, logger: Logger, onStarted: @escaping @Sendable (Started) async -> Void) async throws {
        // the installed lists, read once: the store scores with their email lists, the cards check addresses with them
        let hygiene = try StoreOpener.hygiene(forDatabase: settings.location)
        let lists = hygiene.emailLists
        var services: [any Service] = []
        let open: @Sendable () async throws -> any QualifyStorage
        switch DatabaseLocation(settings.location) {
        case .postgres(let url):
            #if Postgres
            let poolLogger = { var l = logger; l.logLevel = max(logger.logLevel, .error); return l }()
            let client: PostgresClient
            do { client = try await PostgresLeadStore.client(url: url, logger: poolLogger) } catch {
                throw StoreOpener.OpenError.unsupported("cannot open database '\(DatabaseLocation(settings.location))': \(error)")
            }
            services.append(client)
            open = { try await StoreOpener.openForServing(settings.location, now: .now(), lists: lists, postgresClient: client, logger: poolLogger) }
            #else
            _ = url
            open = { try await StoreOpener.open(settings.location, now: .now(), lists: lists) }
            #endif
        case .sqlite:
            open = { try await StoreOpener.open(settings.location, now: .now(), lists: lists) }
        }
        services.append(APIService(settings: settings, hygiene: hygiene, open: open, logger: logger, onStarted: onStarted))
        let group = ServiceGroup(configuration: .init(services: services.map { .named($0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The HTTP API and the webhook worker as a service: opens the store (its pool already running beside it), then runs
/// both until shut down (the worker finishes the sends in flight).
struct APIService: Service {
    let settings: ServeSettings
    let hygiene: LoadedHygieneLists
    let open: @Sendable () async throws -> any QualifyStorage
    let logger: Logger
    let onStarted: @Sendable (Serving.Started) async -> Void

    func run() async throws {
        let store = try await open()
        let cards = try Installation.cards(for: store, hygiene: hygiene, location: settings.location)
        let keys = try await store.apiKeys().filter { $0.revokedAt == nil }.count
        let users = try await store.users().filter { !$0.disabled }.count
        let started = Serving.Started(port: 0, modelVersion: try await store.activeModel()?.version, activeKeys: keys, users: users)
        // one HTTP client for webhooks, shut down after the server and the worker have stopped
        try await WebhookSender.with(allowPrivate: settings.allowPrivateWebhooks) { (sender: WebhookSender) async throws -> Void in
            try await serve(store: store, cards: cards, sender: sender, started: started)
        }
        // stopped: leave the SQLite file whole on its own (no write-ahead log to carry along in a copy)
        if let sqlite = store as? SQLiteLeadStore {
            do { try await sqlite.checkpointForShutdown() } catch {
                logger.warning("the write-ahead log was not checkpointed at shutdown; copy the -wal file with the database", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    private func serve(store: any QualifyStorage, cards: LeadCards, sender: WebhookSender, started: Serving.Started) async throws {
        let deliverer = WebhookDeliverer(store: store, cards: cards, sender: sender, publicURL: settings.publicURL, logger: logger,
                                         clock: { .now() })
        var ping: (@Sendable (WebhookSubscription) async throws -> WebhookAttempt)?
        if settings.deliversWebhooks { ping = { @Sendable subscription in try await deliverer.ping(subscription) } }
        let onStarted = self.onStarted
        let pages = settings.pages.map { add in { @Sendable (router: Router<BasicRequestContext>) throws in try add(router, cards) } }
        let app = try await QualifyServer.application(cards: cards, webhookPing: ping, mailDomainLookup: settings.mailDomainLookup,
                                                      settings: settings.server, logger: logger, pages: pages) { port in
            var s = started
            s.port = port
            await onStarted(s)
        }
        // the checkpointer first: a group stops its services last to first, so it runs until every request has ended
        var services: [any Service] = []
        if let checkpointer = try await (store as? SQLiteLeadStore)?.movingCheckpointsBesideTheWriter() {
            services.append(CheckpointService(checkpointer: checkpointer, logger: logger))
        }
        services.append(app)
        if settings.deliversWebhooks { services.append(WebhookDeliveryService(deliverer: deliverer)) }
        services.append(SLAService(store: store, verifier: cards.verifier, interval: .seconds(15), logger: logger))
        try await ServiceGroup(configuration: .init(services: services.map { .named($0) }, logger: logger)).run()
    }
}

/// Inside `qualify serve` on SQLite: the write-ahead log copied into the database file beside the writer
/// (``BackgroundCheckpointer``), instead of by the commit that fills it while every request waits. A checkpoint stalls
/// the commits beside it for about as long as it takes (`bench/api.py`, single events: p99 ~60 ms every 1 s, ~9 ms
/// every 100 ms, ~6.5 ms every 10 ms — about what the writer's own checkpoints every 300 pages gave), so while the
/// log grows it runs every ``busyInterval``, and every ``idleInterval`` when nothing was written since the last.
struct CheckpointService: Service {
    let checkpointer: BackgroundCheckpointer
    let logger: Logger
    static let busyInterval = Duration.milliseconds(10)
    static let idleInterval = Duration.milliseconds(250)

    func run() async throws {
        var last: (logPages: Int, copiedPages: Int)?
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var interval = Self.busyInterval
            do {
                // nil: another checkpoint was running; try again soon
                if let now = try await checkpointer.checkpoint() {
                    if let last, last == now { interval = Self.idleInterval }
                    last = now
                }
                failures = 0
            } catch {
                // told once per run of failures, not every pass
                if failures == 0 {
                    logger.warning("a background checkpoint failed; trying again (the writer's own checkpoints bound the log meanwhile)",
                                   metadata: ["error": .string("\(type(of: error))")])
                }
                failures += 1
                interval = Self.idleInterval
            }
            let pause = interval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}

extension ServiceGroupConfiguration.ServiceConfiguration {
    /// A service named by its type in the group's logs. The library's default name is the whole service printed by
    /// reflection — the store, the hygiene lists' sets of domains, the router — which cost a start of `qualify serve`
    /// a noticeable share of its CPU (seen in a profile of bench/batch.py's server).
    static func named(_ service: any Service) -> Self {
        .init(service: service, serviceName: String(describing: type(of: service)))
    }
}
