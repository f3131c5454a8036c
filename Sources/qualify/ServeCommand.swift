import ArgumentParser
import Foundation
import Hummingbird
import NIOCore
import Logging
import QualifyApp
import QualifyCore
import QualifyServer
import QualifyStore
import QualifyWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web app (/app) and the JSON API (leads, events, stages, model, health, metrics) on the database.",
        discussion: """
            The web app is at /app (and / leads there): people sign in with the accounts `qualify users add` makes; \
            --secure-cookies (or an https --public-url) marks its session cookie Secure; --no-web-app serves the API \
            alone. The API is described by Sources/QualifyServer/openapi.yaml. The server also delivers webhooks (see \
            `qualify webhooks`) unless --no-webhooks, and fires the model's SLA escalation steps as they fall due \
            (every 15 seconds; see `qualify escalate`). Every endpoint but /health/live and \
            /health/ready needs an API key (`Authorization: Bearer qk_…`): make one with `qualify keys create --role \
            admin`. SIGTERM or Ctrl-C stops the server gracefully: requests in flight finish (a batch answered is a \
            batch stored) and new connections are refused. A new database is created; an existing one whose schema is \
            behind this qualify (or ahead of it) is refused, naming the migrations and the command that fixes it \
            (`qualify migrate --database …`).
            """)

    @Option(help: "The address to listen on (0.0.0.0 for every interface).") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0 picks a free one and prints it).") var port = 8080
    @Option(help: "The largest request body accepted, in MiB (a batch of 10,000 events is about 2–3 MiB).") var maxBodyMb = 16
    @Flag(help: "Do not deliver webhooks from this instance (another instance, or `qualify webhooks deliver`, does).")
    var noWebhooks = false
    @Flag(help: "Let webhooks go to loopback or private-network addresses (a receiver on the same network).")
    var allowPrivateWebhooks = false
    @Option(help: "The address people reach this server at (e.g. https://qualify.example.com), for links to lead cards in webhooks. An https address also marks the web app's session cookie Secure.")
    var publicUrl: String?
    @Flag(help: "Mark the web app's session cookie Secure (served over TLS, e.g. behind a proxy), even without an https --public-url.")
    var secureCookies = false
    @Flag(help: "Serve the API alone, without the web app at /app.")
    var noWebApp = false
    @Option(help: "Close a connection that sends nothing for this many seconds (idle keep-alive or a stalled client); keep it above a proxy's own keep-alive (often 60 s).")
    var idleTimeout = 75
    @Option(help: "Hold at most this many connections open at once; past it new ones wait until one closes (default: the descriptors the process may open, less 512, at most 10,000).")
    var maxConnections: Int?
    @OptionGroup var db: DatabaseOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port number (0 to 65535)") }
        guard (1...1024).contains(maxBodyMb) else { throw ValidationError("--max-body-mb must be from 1 to 1024, not \(maxBodyMb)") }
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be from 1 to 3600 seconds, not \(idleTimeout)") }
        if let maxConnections, !(16...1_000_000).contains(maxConnections) {
            throw ValidationError("--max-connections must be from 16 to 1,000,000, not \(maxConnections)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "qualify")
        logger.logLevel = QualifyEnvironment.current.logLevel ?? .info
        let location = db.location
        var settings = ServeSettings(location: location, server: QualifyServer.Settings(host: host, port: port, maxBodyBytes: maxBodyMb << 20,
                                                                   allowPrivateWebhooks: allowPrivateWebhooks, idleTimeoutSeconds: idleTimeout,
                                                                   maxConnections: maxConnections),
                                     mailDomainLookup: VerifyCommand.mailDomainLookup(), deliversWebhooks: !noWebhooks,
                                     allowPrivateWebhooks: allowPrivateWebhooks, publicURL: publicUrl)
        if !noWebApp {
            let web = WebSettings(secureCookies: secureCookies || (publicUrl?.lowercased().hasPrefix("https://") ?? false), maxUploadBytes: maxBodyMb << 20)
            let webLogger = logger
            settings.pages = { router, cards in try QualifyWeb.register(on: router, cards: cards, settings: web, logger: webLogger) }
        }
        do {
            try await Serving.run(settings, logger: logger) { started in
                print("qualify: serving http://\(host):\(started.port) on \(DatabaseLocation(location)) (model v\(started.modelVersion ?? 0), \(started.activeKeys) active API key\(started.activeKeys == 1 ? "" : "s"))")
                if started.activeKeys == 0 { print("qualify: no API keys yet; make one with: qualify keys create --role admin --name me") }
                if !noWebApp {
                    print("qualify: the web app is at http://\(host):\(started.port)/app\(started.users == 0 ? "; no users yet: add one with `qualify users add EMAIL --role admin`" : "")")
                }
                fflush(nil)
            }
        } catch let error as StoreOpener.OpenError {
            throw Failure(error.description)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw Failure("port \(port) on \(host) is taken (another qualify serve?); stop it or choose another with --port (0 picks a free one)")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw Failure("not allowed to listen on port \(port) of \(host) (ports below 1024 need privileges); choose another with --port")
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make, list and revoke API keys.",
        discussion: """
            Roles: \(Role.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")). A key is shown \
            once, when it is made; only its hash is stored.
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a key and print it once.")
        @Option(help: "ingest, sales, marketing or admin.") var role: String
        @Option(help: "Who or what uses the key (shown in lists and stage histories).") var name = "unnamed"
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("--role '\(role)' is not a role; use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
                throw ValidationError("--name must be 1 to 100 characters")
            }
        }

        func run() async throws {
            let now = Timestamp.now()
            let store = try await db.open(now: now)
            let made = APIKeys.make(name: name, role: Role(rawValue: role)!, at: now)
            try await store.createAPIKey(made.record, secretHash: made.hash)
            print(made.secret)
            printError("key \(made.record.id)… for '\(name)' with role \(role): shown once; keep it secret (use it as 'Authorization: Bearer \(made.record.id)…')")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (ids, names, roles; never the secrets).")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            let keys = try await store.apiKeys()
            if keys.isEmpty { print("no API keys; make one with: qualify keys create --role admin --name me"); return }
            print("ID            ROLE       CREATED      STATE    NAME")
            for k in keys {
                let state = k.revokedAt.map { "revoked \($0.isoDate)" } ?? "active"
                print("\(k.id.padding(toLength: 14, withPad: " ", startingAt: 0))\(k.role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))\(k.createdAt.isoDate)   \(state.padding(toLength: 9, withPad: " ", startingAt: 0))\(k.name)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id (servers stop accepting it within 10 seconds).")
        @Argument(help: "The key's id, as `qualify keys list` prints it.") var id: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let store = try await db.open(now: .now())
            guard try await store.revokeAPIKey(id: id, at: .now()) else {
                throw Failure("no API key with id '\(id)' (see `qualify keys list`)")
            }
            print("revoked \(id)")
        }
    }
}
