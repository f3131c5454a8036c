import Foundation
import Logging
import PostgresNIO
@testable import QualifyPostgres
import QualifyStore
import Testing

/// What a store does when the database goes away (issue 21): it answers "unavailable" in bounded time instead of
/// waiting for ever. The whole outage — PostgreSQL stopped and started under load — is in reliability/ (pg_outage).
@Suite struct PostgresOutageTests {
    /// Nothing listens on the port: the pool retries without end, the operation gives up after its wait.
    @Test func anOperationGivesUpWhenNoConnectionComesWithinItsWait() async throws {
        let port = try Self.closedPort()
        var configuration = try PostgresURL("postgres://u@127.0.0.1:\(port)/db?sslmode=disable&connect_timeout=1").configuration
        configuration.options.maximumConnections = 2
        let client = PostgresClient(configuration: configuration)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let started = ContinuousClock.now
        await #expect {
            _ = try await PostgresTransaction.run(client, logger: Logger(label: "test"), wait: .seconds(1)) { db in
                try await db.query("SELECT 1", logger: Logger(label: "test")).collect().count
            }
        } throws: { error in
            guard case .unavailable(let text) = error as? StoreError else { return false }
            return text.contains("within 1 s")
        }
        // it comes back instead of waiting for ever: about 1 s alone; not timed here (the whole suite on two cores can
        // hold a task minutes), the reliability suite's pg_outage times it
        _ = started
    }

    /// A statement on a closed connection is refused before it is sent (PostgresNIO would drop it and never answer).
    @Test(.enabled(if: postgresTestURL != nil, "QUALIFY_TEST_POSTGRES_URL is not set"))
    func aClosedConnectionRefusesTheNextStatement() async throws {
        let address = try PostgresURL(try #require(postgresTestURL))
        var configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                             password: address.password, database: address.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "test"))
        let db = GuardedConnection(connection)
        #expect(try await db.query("SELECT 1", logger: Logger(label: "test")).collect().count == 1)
        try await connection.close()
        await #expect(throws: StoreError.self) {
            try await db.withTransaction(logger: Logger(label: "test")) { db in try await db.query("SELECT 1", logger: Logger(label: "test")) }
        }
    }

    /// A loopback port nobody listens on (bound, then released).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestDatabaseError("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
