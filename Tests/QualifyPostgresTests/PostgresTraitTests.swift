import Foundation
import Testing

/// The PostgreSQL store is built only with the package trait `Postgres`: every one of its source files must sit inside
/// `#if Postgres … #endif`, or `swift build --disable-default-traits` (a qualify without PostgresNIO) stops compiling.
@Suite struct PostgresTraitTests {
    @Test func everySourceFileOfThePostgreSQLStoreIsInsideTheTraitCondition() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/QualifyPostgres")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty, "no sources found at \(sources.path)")
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            #expect(text.hasPrefix("#if Postgres") && text.hasSuffix("#endif\n"),
                    "Sources/QualifyPostgres/\(file) must start with '#if Postgres' and end with '#endif' (see Package.swift's traits)")
        }
    }
}
