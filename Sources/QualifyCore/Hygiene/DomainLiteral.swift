/// An address literal after `@` (RFC 5321 section 4.1.3): `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
public enum DomainLiteral: Sendable, Hashable, Codable {
    case ipv4(String)
    case ipv6(String)

    /// The canonical text, brackets included: the IPv4 form as written, IPv6 with a lowercase address and the `IPv6:` tag.
    public var text: String {
        switch self {
        case .ipv4(let a): return "[\(a)]"
        case .ipv6(let a): return "[IPv6:\(a)]"
        }
    }

    /// Parses the inside of the brackets, or says why it is not an address literal.
    public static func parse(_ inner: Substring) -> Result<DomainLiteral, HygieneFailure> {
        if isIPv4(inner) { return .success(.ipv4(String(inner))) }
        if inner.count > 5, inner.prefix(5).lowercased() == "ipv6:" {
            let address = inner.dropFirst(5)
            if isIPv6(address) { return .success(.ipv6(address.lowercased())) }
            return .failure(HygieneFailure(.invalidDomainLiteral, "'[\(inner)]' is not a valid IPv6 address literal"))
        }
        return .failure(HygieneFailure(.invalidDomainLiteral,
            "'[\(inner)]' is not an address literal: write an IPv4 address like [192.0.2.1] or an IPv6 one like [IPv6:2001:db8::1]"))
    }

    /// Four decimal numbers 0–255 (1 to 3 digits each: RFC 5321's Snum).
    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            p.count >= 1 && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && Int(p)! <= 255
        }
    }

    /// RFC 4291 text forms: eight groups of 1–4 hex digits, or fewer around one `::`; the last 32 bits may be IPv4.
    static func isIPv6(_ text: Substring) -> Bool {
        let halves = doubleColonHalves(text)
        guard halves.count <= 2, halves.count == 1 || !halves[0].contains(".") else { return false }
        func groups(_ s: String) -> [Substring]? {
            s.isEmpty ? [] : s.split(separator: ":", omittingEmptySubsequences: false)
        }
        guard var all = halves.count == 2 ? groups(halves[0]).flatMap({ a in groups(halves[1]).map { a + $0 } }) : groups(halves[0])
        else { return false }
        var width = 0
        if let last = all.last, last.contains(".") {
            guard isIPv4(last) else { return false }
            all.removeLast()
            width = 2
        }
        let isHex: (Substring) -> Bool = { g in g.count >= 1 && g.count <= 4 && g.allSatisfy { $0.isASCII && $0.isHexDigit } }
        guard all.allSatisfy(isHex) else { return false }
        width += all.count
        return halves.count == 2 ? width <= 7 : width == 8
    }

    /// The text split at each `::` (no Foundation in the core).
    static func doubleColonHalves(_ text: Substring) -> [String] {
        var halves: [String] = []
        var current = ""
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            if text[i] == ":", next < text.endIndex, text[next] == ":" {
                halves.append(current)
                current = ""
                i = text.index(after: next)
                continue
            }
            current.append(text[i])
            i = next
        }
        halves.append(current)
        return halves
    }
}
