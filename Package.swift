// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Qualify",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qualify", targets: ["qualify"]),
        .library(name: "QualifyCore", targets: ["QualifyCore"]),
        .library(name: "QualifyStore", targets: ["QualifyStore"]),
    ],
    traits: [
        .trait(name: "Postgres", description: "The PostgreSQL store (PostgresNIO). Without it, `postgres://` URLs are refused and PostgresNIO is not built."),
        .default(enabledTraits: ["Postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The product's rules: values and pure functions. No dependencies, no I/O, no clock.
        .target(name: "QualifyCore"),
        // YAML text -> the core's model document tree (with line and column of every node).
        .target(name: "QualifyModelFile", dependencies: [
            "QualifyCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        // The LeadStore seam and its shared types.
        .target(name: "QualifyStore", dependencies: ["QualifyCore"]),
        // The application layer: each use case that touches storage (ingest, upsert, stage moves, the card), decided
        // once over the storage verbs of QualifyStore, for every store and every shell.
        // People (users, passwords as bcrypt hashes, sessions) are a use case too: HummingbirdBcrypt is bcrypt alone
        // (a C implementation, no server), swift-crypto hashes session tokens.
        .target(name: "QualifyUseCases", dependencies: [
            "QualifyCore", "QualifyStore",
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Webhook delivery: Standard Webhooks signatures (swift-crypto), the HTTP client (async-http-client), the worker
        // that turns the outbox into deliveries and sends them (a service of `qualify serve`).
        .target(name: "QualifyDelivery", dependencies: [
            "QualifyCore", "QualifyStore", "QualifyUseCases",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The embedded default store (GRDB, WAL).
        .target(name: "QualifySQLite", dependencies: [
            "QualifyCore", "QualifyStore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The one suite every store must pass; only test targets depend on it.
        .target(name: "QualifyStoreConformance", dependencies: ["QualifyCore", "QualifyStore", "QualifyUseCases", "QualifyModelFile"]),
        // The PostgreSQL store (PostgresNIO): the same LeadStore, for several servers on one database.
        // Its sources are inside `#if Postgres`: without the trait it is an empty module.
        .target(name: "QualifyPostgres", dependencies: [
            "QualifyCore", "QualifyStore",
            .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
        ]),
        // The system resolver (libresolv) for MX look-ups: a thin C shim, because Glibc does not export resolv.h.
        .target(name: "CResolv", linkerSettings: [.linkedLibrary("resolv")]),
        // Composition root: store by URL, what is installed beside a database, `serve`'s service group (the HTTP server,
        // the PostgreSQL client), file import pipelines (CSV / JSON lines), list loading, DNS, the environment read once.
        .target(name: "QualifyApp", dependencies: [
            "QualifyCore", "QualifyStore", "QualifyUseCases", "QualifySQLite", "QualifyModelFile", "QualifyServer", "QualifyDelivery", "CResolv",
            .target(name: "QualifyPostgres", condition: .when(traits: ["Postgres"])),
            .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Resources/lists")]),
        // The HTTP API: handlers generated from Sources/QualifyServer/openapi.yaml, API keys with roles, metrics. It sees the
        // use cases and the store protocol, never a concrete store (QualifyApp composes them).
        .target(name: "QualifyServer", dependencies: [
            "QualifyCore", "QualifyStore", "QualifyUseCases", "QualifyModelFile",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]),
        // The web app `qualify serve` serves at /app beside the API: server-rendered pages (swift-mustache templates,
        // which escape every value by default), sign-in sessions kept in the database, uploads (multipart-kit).
        .target(name: "QualifyWeb", dependencies: [
            "QualifyCore", "QualifyStore", "QualifyUseCases", "QualifyModelFile", "QualifyApp",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "qualify", dependencies: [
            "QualifyApp", "QualifyWeb", "QualifyCore", "QualifyStore", "QualifyUseCases", "QualifyServer", "QualifyDelivery",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            // IOError: a port taken or not allowed is told as such
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "QualifyCoreTests", dependencies: ["QualifyCore"]),
        .testTarget(name: "QualifyUseCasesTests", dependencies: ["QualifyUseCases", "QualifyStore", "QualifySQLite", "QualifyCore", "QualifyModelFile"]),
        .testTarget(name: "QualifyDeliveryTests", dependencies: [
            "QualifyDelivery", "QualifyUseCases", "QualifyStore", "QualifySQLite", "QualifyCore", "QualifyModelFile",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "QualifyModelFileTests", dependencies: ["QualifyModelFile", "QualifyCore", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "QualifySQLiteTests", dependencies: [
            "QualifySQLite", "QualifyStore", "QualifyStoreConformance", "QualifyUseCases", "QualifyCore", "QualifyModelFile",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "QualifyAppTests", dependencies: [
            "QualifyApp", "QualifyCore", "QualifyStore", "QualifySQLite", "QualifyPostgres", "qualify", "QualifyUseCases",
            "QualifyServer",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "QualifyPostgresTests", dependencies: [
            "QualifyPostgres", "QualifyStore", "QualifyStoreConformance", "QualifyUseCases", "QualifyCore", "QualifyModelFile",
            .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
        ]),
        .testTarget(name: "QualifyServerTests", dependencies: [
            "QualifyServer", "QualifyApp", "QualifyWeb", "QualifyCore", "QualifyStore", "QualifySQLite", "QualifyUseCases",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
