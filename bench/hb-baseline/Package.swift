// swift-tools-version: 6.1
// The peers for bench/api.py: a bare Hummingbird 2 route that reads the body and returns a fixed one, and (with
// --sqlite PATH) the same route decoding the event and inserting it into SQLite before it answers.
// Not part of Qualify; built only by the benchmark.
import PackageDescription

let package = Package(
    name: "hb-baseline",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(name: "hb-baseline", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
