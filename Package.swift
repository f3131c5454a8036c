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
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        // The embedded default store (GRDB, WAL).
        .target(name: "QualifySQLite", dependencies: [
            "QualifyCore", "QualifyStore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The one suite every store must pass; only test targets depend on it.
        .target(name: "QualifyStoreConformance", dependencies: ["QualifyCore", "QualifyStore", "QualifyModelFile"]),
        // The system resolver (libresolv) for MX look-ups: a thin C shim, because Glibc does not export resolv.h.
        .target(name: "CResolv", linkerSettings: [.linkedLibrary("resolv")]),
        // Composition root: store by URL, file import pipelines (CSV / JSON lines), list loading, DNS, configuration.
        .target(name: "QualifyApp", dependencies: [
            "QualifyCore", "QualifyStore", "QualifySQLite", "QualifyModelFile", "CResolv",
        ], resources: [.copy("Resources/lists")]),
        .executableTarget(name: "qualify", dependencies: [
            "QualifyApp", "QualifyCore", "QualifyStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "QualifyCoreTests", dependencies: ["QualifyCore"]),
        .testTarget(name: "QualifyModelFileTests", dependencies: ["QualifyModelFile", "QualifyCore"]),
        .testTarget(name: "QualifySQLiteTests", dependencies: [
            "QualifySQLite", "QualifyStore", "QualifyStoreConformance", "QualifyCore",
        ]),
        .testTarget(name: "QualifyAppTests", dependencies: [
            "QualifyApp", "QualifyCore", "QualifyStore", "QualifySQLite", "qualify",
        ]),
    ]
)
