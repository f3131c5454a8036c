#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO

/// Creating and dropping whole databases on a server (for tests and for setting up a fresh deployment): the name
/// is an identifier, not a value, so it cannot be a bind parameter; it is checked to be plain lowercase
/// letters, digits and underscores and quoted.
enum PostgresAdmin {
    static func create(database name: String, serverURL: String) async throws {
        let name = try checked(name)
        try await execute(serverURL, "CREATE DATABASE \(unescaped: "\"\(name)\"")")
    }

    static func drop(database name: String, serverURL: String) async throws {
        let name = try checked(name)
        try await execute(serverURL, "DROP DATABASE IF EXISTS \(unescaped: "\"\(name)\"") WITH (FORCE)")
    }

    static func checked(_ name: String) throws -> String {
        guard !name.isEmpty, name.count <= 63,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw PostgresURLError("the database name '\(name)' must be 1 to 63 lowercase letters, digits or underscores")
        }
        return name
    }

    /// Runs one statement on the server at `url` with a short-lived client.
    static func execute(_ url: String, _ statement: PostgresQuery) async throws {
        let address = try PostgresURL(url)
        try await address.probe(logger: Logger(label: "qualify.postgres.admin"))
        let client = PostgresClient(configuration: address.configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(statement)
        }
    }

    /// `url` with its database replaced by `database`.
    static func url(_ url: String, database: String) throws -> String {
        let address = try PostgresURL(url)
        guard let slash = url.range(of: "/\(address.database)", options: .backwards) else { return url }
        return url.replacingCharacters(in: slash, with: "/\(try checked(database))")
    }
}
#endif
