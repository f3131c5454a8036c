import Foundation

/// Where a database is, as the `--database` option or `$QUALIFY_DATABASE` names it: a SQLite file (`PATH`,
/// `sqlite:PATH`, `sqlite://PATH`) or a PostgreSQL server (`postgres://…`, `postgresql://…`).
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
            return
        }
        var path = text
        if path.hasPrefix("sqlite://") { path = String(path.dropFirst("sqlite://".count)) }
        else if path.hasPrefix("sqlite:") { path = String(path.dropFirst("sqlite:".count)) }
        self = .sqlite(path: path)
    }

    /// The location as typed, with a URL's password replaced by `***`: safe for messages and logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return Self.redacted(url)
        }
    }

    /// The command that brings this database's schema up to date, ready to paste (a password shows as `***`).
    public var migrateCommand: String {
        "qualify migrate --database \(Self.shellQuoted(description))"
    }

    /// `url` with the password between `user:` and `@` replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard let start = url.range(of: "://"), let at = url[start.upperBound...].lastIndex(of: "@"),
              let colon = url[start.upperBound..<at].firstIndex(of: ":") else { return url }
        return url[..<url.index(after: colon)] + "***" + url[at...]
    }

    /// Quotes `text` for a POSIX shell when it holds anything but plain path and URL characters.
    static func shellQuoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-:@=+,%".unicodeScalars.contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
