#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` address, checked part by part so a bad one is named.
struct PostgresURL: Sendable, Hashable {
    enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
    }

    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    var tls: TLSMode
    /// How long to wait for a connection, in seconds (libpq's `connect_timeout`; default 5): a new connection's
    /// handshake, and a store operation's wait for one from the pool — past it the operation fails as
    /// ``QualifyStore/StoreError/unavailable(_:)`` (503 with Retry-After from the server) instead of waiting for a
    /// database that is down.
    var connectTimeout: Int

    init(_ text: String) throws(PostgresURLError) {
        guard let components = URLComponents(string: text) else {
            throw PostgresURLError("'\(Self.redacted(text))' is not a URL (expected postgres://user:password@host:5432/database; the port must be a number and special characters in the password percent-encoded)")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresURLError("the scheme '\(components.scheme ?? "")' is not postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresURLError("the URL has no host (expected postgres://user@host:5432/database)")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw PostgresURLError("the port \(port) is not between 1 and 65535")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresURLError("the URL has no user name (expected postgres://user@\(host)/database)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else {
            throw PostgresURLError("the database name '\(path)' is missing or has a '/' (expected postgres://\(user)@\(host)/database)")
        }
        var tls = TLSMode.prefer
        var connectTimeout = 5
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    let expected = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw PostgresURLError("sslmode '\(item.value ?? "")' is not one of: \(expected)")
                }
                tls = mode
            case "connect_timeout":
                guard let seconds = item.value.flatMap(Int.init), (1...600).contains(seconds) else {
                    throw PostgresURLError("connect_timeout '\(item.value ?? "")' is not a whole number of seconds from 1 to 600")
                }
                connectTimeout = seconds
            default:
                throw PostgresURLError("unknown URL parameter '\(item.name)' (sslmode and connect_timeout are understood)")
            }
        }
        self.user = user
        self.password = components.password
        self.host = host
        self.port = components.port ?? 5432
        self.database = path
        self.tls = tls
        self.connectTimeout = connectTimeout
    }

    var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        return configuration
    }

    /// Opens one connection and closes it: PostgresClient's pool retries a server it cannot reach without end, so
    /// a wrong host, port, password or database is reported here first, with the server's reason.
    func probe(logger: Logger) async throws {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw PostgresConnectError(address: self, underlying: error)
        }
    }

    /// The URL with its password replaced by `***`, for messages.
    static func redacted(_ text: String) -> String {
        guard let start = text.range(of: "://"), let at = text[start.upperBound...].lastIndex(of: "@"),
              let colon = text[start.upperBound..<at].firstIndex(of: ":") else { return text }
        return text[..<text.index(after: colon)] + "***" + text[at...]
    }
}

/// A PostgreSQL URL that could not be used; the message names the bad part.
public struct PostgresURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = "bad PostgreSQL URL: \(description)" }
}
#endif
