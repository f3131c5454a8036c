/// Email addresses as lead identities.
///
/// This is the identity check used by import and dedupe (shape, lengths, normalization). List hygiene (disposable,
/// role and free-mail lists, typos, DNS) builds on it with richer verdicts.
public enum EmailAddress {
    /// Normalizes for identity: trims spaces, lowercases the whole address (mailbox names are case-insensitive at
    /// every provider a B2B list meets), and keeps dots and `+tags` (they may name different people at a company).
    ///
    /// An address with non-ASCII characters gets the identity form list hygiene uses (``EmailParts/normalized``), so
    /// one person is one lead however the address was typed: the local part lowercased and in Unicode NFC
    /// (`normalize`; `Jose\u{301}` and `José` are one mailbox), the domain in its lowercase ASCII form (`münchen.de` is
    /// `xn--mnchen-3ya.de`). Unlike the hygiene form, a quoted local part keeps its quotes, so that an ASCII address
    /// keeps the key it always had. ASCII addresses take a byte-level path and are only lowercased.
    ///
    /// `normalize` is Unicode NFC, which the standard library lacks: every place that makes a ``LeadKey`` from input
    /// passes Foundation's (`EmailAddress.identity(_:)` in QualifyStore). The default (no NFC) is for ASCII input.
    public static func parse(_ raw: String, normalize: (String) -> String = { $0 }) -> Result<LeadKey, EmailProblem> {
        if let key = fastASCII(raw) { return .success(key) }
        let text = raw.trimmingSpaces
        if text.isEmpty { return .failure(.empty) }
        guard let at = text.lastIndex(of: "@") else { return .failure(.noAtSign) }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        if local.isEmpty { return .failure(.emptyLocalPart) }
        if local.utf8.count > 64 { return .failure(.localPartTooLong(local.utf8.count)) }
        if text.utf8.count > 254 { return .failure(.tooLong(text.utf8.count)) }
        if local.contains("@") && !(local.hasPrefix("\"") && local.hasSuffix("\"")) { return .failure(.multipleAtSigns) }
        if local.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 32 }) && !local.hasPrefix("\"") {
            return .failure(.invalidCharacter)
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return .failure(.misplacedDot) }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        if domain.isEmpty { return .failure(.emptyDomain) }
        if labels.count < 2 { return .failure(.domainWithoutDot) }
        for label in labels {
            if label.isEmpty { return .failure(.emptyDomainLabel) }
            if label.utf8.count > 63 { return .failure(.domainLabelTooLong(String(label))) }
            if label.hasPrefix("-") || label.hasSuffix("-") { return .failure(.domainLabelHyphen(String(label))) }
            if !label.unicodeScalars.allSatisfy({ $0.value > 127 || $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }) {
                return .failure(.invalidDomainCharacter(String(label)))
            }
        }
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return .success(LeadKey(normalizedEmail: text.lowercased())) }
        return identity(local: local, domain: domain, normalize: normalize)
    }

    /// The identity form of an address with non-ASCII characters that passed the checks of ``parse(_:normalize:)``.
    static func identity(local: Substring, domain: Substring, normalize: (String) -> String) -> Result<LeadKey, EmailProblem> {
        var mailbox = local.lowercased()
        if !mailbox.utf8.allSatisfy({ $0 < 0x80 }) { mailbox = normalize(normalize(String(local)).lowercased()) }
        var asciiDomain = domain.lowercased()
        if !domain.utf8.allSatisfy({ $0 < 0x80 }) {
            switch IDNA.domain(domain, normalize: normalize) {
            case .success(let name): asciiDomain = name.ascii
            case .failure(let f): return .failure(.internationalDomain(String(domain), f.detail))
            }
        }
        let key = mailbox + "@" + asciiDomain
        if key.utf8.count > 254 { return .failure(.tooLong(key.utf8.count)) }
        return .success(LeadKey(normalizedEmail: key))
    }

    /// The common case, checked on bytes: a plain ASCII address with nothing to trim that passes every rule below.
    /// Anything else (or any problem) goes through the full path, which names the problem.
    static func fastASCII(_ raw: String) -> LeadKey? {
        var raw = raw
        return raw.withUTF8 { b -> LeadKey? in
            let n = b.count
            guard n >= 3, n <= 254 else { return nil }
            var at = -1
            for i in 0..<n {
                let c = b[i]
                if c <= 32 || c >= 127 || c == 34 { return nil }
                if c == 64 {
                    if at >= 0 { return nil }
                    at = i
                }
            }
            guard at > 0, at <= 64, at < n - 1 else { return nil }
            if b[0] == 46 || b[at - 1] == 46 { return nil }
            for i in 1..<at where b[i] == 46 && b[i - 1] == 46 { return nil }
            var labelStart = at + 1
            var dots = 0
            for i in (at + 1)...n {
                if i == n || b[i] == 46 {
                    let length = i - labelStart
                    if length == 0 || length > 63 { return nil }
                    if b[labelStart] == 45 || b[i - 1] == 45 { return nil }
                    if i < n { dots += 1 }
                    labelStart = i + 1
                    continue
                }
                let c = b[i]
                let ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45
                if !ok { return nil }
            }
            guard dots >= 1 else { return nil }
            var hasUpper = false
            for i in 0..<n where b[i] >= 65 && b[i] <= 90 { hasUpper = true; break }
            if !hasUpper { return LeadKey(normalizedEmail: String(decoding: b, as: UTF8.self)) }
            let lowered = String(unsafeUninitializedCapacity: n) { out in
                for i in 0..<n { out[i] = b[i] >= 65 && b[i] <= 90 ? b[i] + 32 : b[i] }
                return n
            }
            return LeadKey(normalizedEmail: lowered)
        }
    }

    /// The local part (before the last `@`) of a normalized address.
    public static func localPart(of key: LeadKey) -> Substring {
        key.email[..<(key.email.lastIndex(of: "@") ?? key.email.endIndex)]
    }
}

public enum EmailProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case empty, noAtSign, multipleAtSigns, emptyLocalPart, localPartTooLong(Int), tooLong(Int), invalidCharacter
    case misplacedDot, emptyDomain, domainWithoutDot, emptyDomainLabel, domainLabelTooLong(String)
    case domainLabelHyphen(String), invalidDomainCharacter(String)
    /// An internationalized domain (as written) that has no ASCII form, and why (see ``IDNA``).
    case internationalDomain(String, String)

    public var description: String {
        switch self {
        case .empty: return "it is empty"
        case .noAtSign: return "it has no '@'"
        case .multipleAtSigns: return "it has more than one '@'"
        case .emptyLocalPart: return "nothing before '@'"
        case .localPartTooLong(let n): return "the part before '@' is \(n) bytes (at most 64)"
        case .tooLong(let n): return "it is \(n) bytes long (at most 254)"
        case .invalidCharacter: return "it contains a space or control character"
        case .misplacedDot: return "a dot starts, ends or doubles in the part before '@'"
        case .emptyDomain: return "nothing after '@'"
        case .domainWithoutDot: return "the domain has no dot"
        case .emptyDomainLabel: return "the domain has an empty label ('..' or a trailing dot)"
        case .domainLabelTooLong(let l): return "domain label '\(l)' is longer than 63 bytes"
        case .domainLabelHyphen(let l): return "domain label '\(l)' starts or ends with '-'"
        case .invalidDomainCharacter(let l): return "domain label '\(l)' has characters other than letters, digits and '-'"
        case .internationalDomain(let d, let why): return "domain '\(d)' has no ASCII (IDNA) form: \(why)"
        }
    }
}

/// What kind of mailbox an address is, for fit rules (`when: { email: free_provider }`).
public enum EmailKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// a company's own domain: what B2B wants
    case company
    /// gmail.com, outlook.com …
    case freeProvider = "free_provider"
    /// throwaway inboxes
    case disposable
    /// shared inboxes: info@, sales@ …
    case role
}

/// The domain and local-part lists used to classify addresses. A value: the app loads lists, the core only looks up.
public struct EmailLists: Sendable, Hashable {
    public var freeProviders: Set<String>
    public var disposable: Set<String>
    public var roleLocalParts: Set<String>

    public init(freeProviders: Set<String>, disposable: Set<String>, roleLocalParts: Set<String>) {
        self.freeProviders = freeProviders
        self.disposable = disposable
        self.roleLocalParts = roleLocalParts
    }

    /// The kinds an address has (a role address at gmail.com is both `role` and `free_provider`); `company` when none.
    public func kinds(of key: LeadKey) -> Set<EmailKind> {
        var kinds: Set<EmailKind> = []
        let domain = key.domain
        if disposable.contains(domain) { kinds.insert(.disposable) }
        if freeProviders.contains(domain) { kinds.insert(.freeProvider) }
        let local = EmailAddress.localPart(of: key)
        let base = local.split(separator: "+", maxSplits: 1).first.map(String.init) ?? String(local)
        if roleLocalParts.contains(base) { kinds.insert(.role) }
        if kinds.isEmpty { kinds.insert(.company) }
        return kinds
    }

    /// A small built-in set of the most common providers and role names, used until fuller lists are loaded.
    public static let builtIn = EmailLists(
        freeProviders: [
            "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com", "hotmail.com",
            "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com",
            "mac.com", "mail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "yandex.ru", "yandex.com", "mail.ru",
            "proton.me", "protonmail.com", "zoho.com", "qq.com", "163.com", "126.com", "rediffmail.com", "libero.it",
            "orange.fr", "free.fr", "t-online.de", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
        ],
        disposable: [
            "mailinator.com", "10minutemail.com", "guerrillamail.com", "tempmail.com", "temp-mail.org",
            "yopmail.com", "trashmail.com", "sharklasers.com", "getnada.com", "dispostable.com", "throwawaymail.com",
            "maildrop.cc", "fakeinbox.com", "mintemail.com",
        ],
        roleLocalParts: [
            "info", "sales", "support", "admin", "contact", "hello", "office", "marketing", "billing", "help",
            "team", "hr", "jobs", "careers", "noreply", "no-reply", "webmaster", "postmaster", "abuse", "accounts",
            "enquiries", "inquiries", "service", "press", "media",
        ])
}
