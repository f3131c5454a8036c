/// A subscription's URL, checked: http or https with a host, and — unless private targets are allowed — not on
/// loopback, a private or link-local range, or `localhost` (a webhook must not become a way into the server's own
/// network). Host names are not resolved here (the sender resolves them before each send: ``isPrivate(host:)`` on
/// every address); only literal addresses and `localhost` are recognized.
public struct WebhookTarget: Sendable, Hashable {
    public var url: String
    public var isPrivate: Bool
    /// The host as written (brackets of an IPv6 literal removed, lowercased).
    public var host: String?

    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case notHTTP(String)
        case noHost(String)
        case privateTarget(String)

        public var description: String {
            switch self {
            case .notHTTP(let url): return "'\(url)' is not an http:// or https:// URL"
            case .noHost(let url): return "'\(url)' has no host"
            case .privateTarget(let url):
                return "'\(url)' points at loopback or a private network; allow it with --allow-private-webhooks (a server in the same network) or use a public address"
            }
        }
    }

    public static func check(_ url: String, allowPrivate: Bool) -> Result<WebhookTarget, Problem> {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = url.dropFirst(8) } else if lower.hasPrefix("http://") { rest = url.dropFirst(7) } else {
            return .failure(.notHTTP(url))
        }
        guard !url.contains(where: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return .failure(.notHTTP(url)) }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let host: Substring
        if hostPort.hasPrefix("[") {
            host = hostPort.dropFirst().prefix { $0 != "]" }
        } else {
            host = hostPort.prefix { $0 != ":" }
        }
        guard !host.isEmpty else { return .failure(.noHost(url)) }
        let isPrivate = Self.isPrivate(host: String(host).lowercased())
        if isPrivate && !allowPrivate { return .failure(.privateTarget(url)) }
        return .success(WebhookTarget(url: url, isPrivate: isPrivate, host: String(host).lowercased()))
    }

    /// Whether a host (a name or a numeric address as `inet_ntop` writes it) is loopback, private, link-local,
    /// carrier-grade NAT or unspecified.
    public static func isPrivate(host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, let o = Optional(parts.compactMap { UInt8($0) }), o.count == 4 {
            switch (o[0], o[1]) {
            case (0, _), (10, _), (127, _): return true
            case (169, 254), (192, 168): return true
            case (172, 16...31): return true
            case (100, 64...127): return true  // carrier-grade NAT
            default: return false
            }
        }
        if host.contains(":") {
            if host == "::1" || host == "::" { return true }
            let first = host.split(separator: ":").first.map(String.init) ?? ""
            if let word = UInt16(first, radix: 16), first.count == 4 {
                if word & 0xFE00 == 0xFC00 { return true }   // fc00::/7 unique local
                if word & 0xFFC0 == 0xFE80 { return true }   // fe80::/10 link local
            }
            // IPv4-mapped and -compatible forms (::ffff:10.0.0.1, ::10.0.0.1)
            if host.contains("."), let last = host.split(separator: ":").last { return isPrivate(host: String(last)) }
        }
        return false
    }
}
