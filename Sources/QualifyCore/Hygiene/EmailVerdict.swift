/// What list hygiene concludes about one address.
public enum EmailVerdict: Sendable, Hashable {
    /// Deliverable as far as the checks can tell, and a person's company address.
    case valid
    /// Deliverable, but with reasons to look twice (free-mail, role account, disposable, typo, unusual syntax …).
    case risky([HygieneReason])
    /// Cannot receive mail as written: one reason.
    case invalid(HygieneReason)
    /// Nothing could be judged (an empty cell).
    case unknown(HygieneReason)

    /// `valid`, `risky`, `invalid` or `unknown`: the value of the `verdict` column.
    public var label: String {
        switch self {
        case .valid: return "valid"
        case .risky: return "risky"
        case .invalid: return "invalid"
        case .unknown: return "unknown"
        }
    }

    public var reasons: [HygieneReason] {
        switch self {
        case .valid: return []
        case .risky(let r): return r
        case .invalid(let r), .unknown(let r): return [r]
        }
    }

    public var isInvalid: Bool {
        if case .invalid = self { return true }
        return false
    }
}

extension EmailVerdict: Codable {
    enum CodingKeys: String, CodingKey { case verdict, reasons }

    /// Encoded as `{"verdict": "risky", "reasons": ["free_mail"]}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .verdict)
        try c.encode(reasons, forKey: .reasons)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let label = try c.decode(String.self, forKey: .verdict)
        let reasons = try c.decodeIfPresent([HygieneReason].self, forKey: .reasons) ?? []
        switch label {
        case "valid": self = .valid
        case "risky": self = .risky(reasons)
        case "invalid" where reasons.count == 1: self = .invalid(reasons[0])
        case "unknown" where reasons.count == 1: self = .unknown(reasons[0])
        default:
            throw DecodingError.dataCorruptedError(forKey: .verdict, in: c,
                debugDescription: "verdict '\(label)' with \(reasons.count) reason(s) (expected valid, risky, invalid or unknown; invalid and unknown take one reason)")
        }
    }
}

/// What DNS says about a domain's mail, as the app's resolver reports it (MX records, RFC 7505 null MX, A/AAAA fallback).
public enum MailDomainStatus: Sendable, Hashable, Codable {
    /// MX records name these exchanges.
    case acceptsMail(exchanges: [String])
    /// A single MX of "." (RFC 7505): the domain says it takes no mail.
    case nullMX
    /// No MX, but A or AAAA records: mail goes to the address itself (RFC 5321 section 5.1).
    case addressOnly
    /// NXDOMAIN, or no MX, A or AAAA at all.
    case noSuchDomain
    /// No answer (timeout, SERVFAIL, no network): never a reason to call an address invalid.
    case unknown(String)

    /// The value of the `dns` column: `accepts_mail`, `null_mx`, `address_only`, `no_such_domain` or `unknown`.
    public var code: String {
        switch self {
        case .acceptsMail: return "accepts_mail"
        case .nullMX: return "null_mx"
        case .addressOnly: return "address_only"
        case .noSuchDomain: return "no_such_domain"
        case .unknown: return "unknown"
        }
    }
}
