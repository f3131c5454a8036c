/// List hygiene for one address at a time, offline: syntax, then the marketing policy, lists and typo suggestions.
///
/// ## Policy for marketing use
/// - **invalid** (one reason): anything that breaks RFC 5321/5322/6531 syntax or IDNA, a domain with no dot or a
///   numeric last label, and the reserved names that never receive mail (`.test`, `.example`, `.invalid`, `.localhost`,
///   `.local`, `.onion`, `.arpa`; `example.com/.net/.org`, RFC 2606, 6761, 6762, 7686). After a DNS check also
///   `null_mx` and `no_such_domain`.
/// - **risky** (every reason that applies, in this order): `quoted_local_part` (`"john smith"@acme.com` is valid but
///   most CRMs, ESPs and forms mangle it), `utf8_local_part` (`josé@acme.com` needs SMTPUTF8 end to end, which many
///   sending platforms still lack — risky rather than invalid, because the address is real), `domain_literal`
///   (`ana@[192.0.2.1]`: no company mailbox looks like that), `unusual_idn` (emoji or symbol domains),
///   `possible_typo` (with a suggestion), `disposable`, `role_account`, `free_mail`.
/// - **valid**: none of the above — a well-formed personal address at a company domain.
/// - **unknown**: an empty address.
///
/// Internationalized domains (`ana@münchen.de`) are valid: the domain is carried in its ASCII form, which every mail
/// system handles. The lists and the typo targets are values (``HygieneLists``, ``DomainTypos``); Unicode normalization
/// (NFC) is the injected `normalize`, because the standard library has none.
public struct EmailVerifier: Sendable {
    public var lists: HygieneLists
    public var typos: DomainTypos
    public var normalize: @Sendable (String) -> String

    public init(lists: HygieneLists = .builtIn, typos: DomainTypos = DomainTypos(),
                normalize: @escaping @Sendable (String) -> String = { $0 }) {
        self.lists = lists
        self.typos = typos
        self.normalize = normalize
    }

    /// Top-level domains and domains that never receive mail.
    public static let reservedTLDs: Set<String> = ["test", "example", "invalid", "localhost", "local", "onion", "arpa"]
    public static let reservedDomains: Set<String> = ["example.com", "example.net", "example.org"]

    /// Verifies one address offline. Combine with DNS through ``EmailVerification/combined(with:)``.
    public func verify(_ address: String) -> EmailVerification {
        var memo = DomainMemo(capacity: 0)
        return verify(address, memo: &memo)
    }

    /// Verifies one address offline, reusing (and filling) a memo of what the domain checks found: pass the same memo
    /// to the calls of one batch, and each distinct domain is classified and checked for typos once.
    public func verify(_ address: String, memo: inout DomainMemo) -> EmailVerification {
        let parts: EmailParts
        let normalize = self.normalize
        let syntax = EmailSyntax.parse(address, normalize: normalize) { text in
            var plain = text
            if plain.withUTF8(IDNA.isPlainASCIIDomain) { return IDNA.domain(text, normalize: normalize) }
            return memo.domainName(for: text) { IDNA.domain(text, normalize: normalize) }
        }
        switch consume syntax {
        case .failure(let f):
            if f.reason == .noAddress {
                return EmailVerification(input: address, verdict: .unknown(.noAddress), detail: f.detail, kindSet: [])
            }
            return EmailVerification(input: address, verdict: .invalid(f.reason), detail: f.detail,
                                     suggestion: suggestion(for: address, failure: f), kindSet: [])
        case .success(let p):
            parts = p
        }
        var reasons: [HygieneReason] = []
        var suggestion: String?
        var asciiDomain: String?
        var kinds: EmailKinds = []
        if parts.isQuoted {
            reasons.append(.quotedLocalPart)
            if !parts.normalized.hasPrefix("\"") { suggestion = parts.normalized }
        }
        if parts.hasUTF8LocalPart { reasons.append(.utf8LocalPart) }
        switch parts.domain {
        case .literal:
            reasons.append(.domainLiteral)
        case .name(let domain):
            let ascii = domain.ascii
            asciiDomain = ascii
            let facts = memo.facts(for: ascii) { domainFacts(ascii) }
            if facts.reserved {
                return EmailVerification(
                    input: address, verdict: .invalid(.reservedDomain),
                    detail: "\(domain.unicode) is reserved for tests, documentation or local networks and never receives mail",
                    normalized: parts.normalized, display: parts.display, domain: ascii, kindSet: [])
            }
            if domain.hasUnusualCharacters { reasons.append(.unusualIDN) }
            if let fixed = facts.suggestion {
                reasons.append(.possibleTypo)
                suggestion = Self.localPart(of: parts.normalized) + "@" + fixed
            }
            switch facts.listClass {
            case .disposable:
                reasons.append(.disposable)
                kinds.insert(.disposable)
            case .freeMail:
                reasons.append(.freeMail)
                kinds.insert(.freeProvider)
            case .neither:
                break
            }
        }
        if lists.isRole(mailbox: parts.mailbox) {
            kinds.insert(.role)
            if reasons.last == .freeMail { reasons.insert(.roleAccount, at: reasons.count - 1) } else { reasons.append(.roleAccount) }
        }
        return EmailVerification(
            input: address, verdict: reasons.isEmpty ? .valid : .risky(reasons), suggestion: suggestion,
            normalized: parts.normalized, display: parts.display, domain: asciiDomain, kindSet: kinds.isEmpty ? .company : kinds)
    }

    /// What the domain checks say about a domain (lowercase ASCII form).
    public func domainFacts(_ ascii: String) -> DomainFacts {
        if Self.isReserved(ascii) { return DomainFacts(reserved: true, suggestion: nil, listClass: .neither) }
        var suggestion: String?
        if let fixed = typos.suggestion(for: ascii), !lists.allowlist.contains(ascii) { suggestion = IDNA.toUnicode(fixed) }
        return DomainFacts(reserved: false, suggestion: suggestion, listClass: lists.classify(ascii))
    }

    /// For a syntax failure: the provider meant by a domain typed without its dot (`ana@gmailcom`).
    func suggestion(for address: String, failure: HygieneFailure) -> String? {
        guard failure.reason == .domainWithoutDot else { return nil }
        let text = address.trimmingSpaces
        guard let at = text.lastIndex(of: "@"), let fixed = typos.suggestion(forDotless: String(text[text.index(after: at)...])) else { return nil }
        return try? EmailSyntax.normalized(String(text[..<at]) + "@" + fixed, normalize: normalize).get()
    }

    /// Whether the domain is, or is under, a reserved name. Compared on bytes: this runs for every address.
    static func isReserved(_ domain: String) -> Bool {
        var domain = domain
        return domain.withUTF8 { b -> Bool in
            var last = -1, second = -1
            var i = b.count - 1
            while i >= 0 {
                if b[i] == 46 {
                    if last < 0 { last = i } else { second = i; break }
                }
                i -= 1
            }
            let tld = UnsafeBufferPointer(rebasing: b[(last + 1)...])
            if reservedTLDBytes.contains(where: { bytesEqual($0, tld) }) { return true }
            guard last > 0 else { return false }
            let name = UnsafeBufferPointer(rebasing: b[(second + 1)..<last])
            return bytesEqual(exampleBytes, name) && reservedExampleTLDs.contains { bytesEqual($0, tld) }
        }
    }
    static let reservedTLDBytes = reservedTLDs.map { Array($0.utf8) }
    static let reservedExampleTLDs = reservedDomains.map { Array($0.split(separator: ".").last!.utf8) }
    static let exampleBytes = Array("example".utf8)

    static func localPart(of normalized: String) -> Substring {
        normalized[..<(normalized.utf8.lastIndex(of: 64) ?? normalized.endIndex)]
    }
}
