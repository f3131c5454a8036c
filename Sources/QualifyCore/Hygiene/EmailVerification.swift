/// The full result for one address: verdict, reasons, suggestion and the address's normalized forms.
public struct EmailVerification: Sendable, Hashable {
    /// The address as given.
    public var input: String
    public var verdict: EmailVerdict
    /// For an invalid address: what is wrong, naming the value. Nil otherwise.
    public var detail: String?
    /// A corrected address when the domain looks mistyped (`ana@gmial.com` → `ana@gmail.com`).
    public var suggestion: String?
    /// The identity form (see ``EmailParts/normalized``); nil when the syntax is invalid.
    public var normalized: String?
    /// The form a person reads, with the domain in Unicode; nil when the syntax is invalid.
    public var display: String?
    /// The domain's ASCII form, for DNS; nil for invalid syntax and address literals.
    public var domain: String?
    /// What kind of mailbox it is, for the model's fit rules (`when: { email: free_provider }`).
    public var kinds: Set<EmailKind> {
        get { kindSet.kinds }
        set { kindSet = EmailKinds(newValue) }
    }
    /// ``kinds`` as bits: a `Set` would allocate for every address.
    var kindSet: EmailKinds
    /// Reasons that do not change the verdict (`dns_unknown`).
    public var notes: [HygieneReason]
    /// What DNS said, when it was asked.
    public var dns: MailDomainStatus?

    public init(input: String, verdict: EmailVerdict, detail: String? = nil, suggestion: String? = nil, normalized: String? = nil,
                display: String? = nil, domain: String? = nil, kinds: Set<EmailKind> = [], notes: [HygieneReason] = [],
                dns: MailDomainStatus? = nil) {
        self.init(input: input, verdict: verdict, detail: detail, suggestion: suggestion, normalized: normalized, display: display,
                  domain: domain, kindSet: EmailKinds(kinds), notes: notes, dns: dns)
    }

    init(input: String, verdict: EmailVerdict, detail: String? = nil, suggestion: String? = nil, normalized: String? = nil,
         display: String? = nil, domain: String? = nil, kindSet: EmailKinds, notes: [HygieneReason] = [], dns: MailDomainStatus? = nil) {
        self.input = input
        self.verdict = verdict
        self.detail = detail
        self.suggestion = suggestion
        self.normalized = normalized
        self.display = display
        self.domain = domain
        self.kindSet = kindSet
        self.notes = notes
        self.dns = dns
    }

    /// The verdict's reasons, then the notes: the `reasons` column.
    public var reasons: [HygieneReason] { verdict.reasons + notes }

    /// The offline verdict combined with what DNS says about the domain:
    /// - `nullMX` → invalid (`null_mx`): the domain does not accept mail;
    /// - `noSuchDomain` → invalid (`no_such_domain`);
    /// - `addressOnly` and `acceptsMail` → the offline verdict stands (mail falls back to A/AAAA, RFC 5321 section 5.1);
    /// - `unknown` → never invalid: the offline verdict stands, with the note `dns_unknown`.
    /// An address that is already invalid (or unknown) offline keeps its verdict; nil leaves the result unchanged.
    public func combined(with status: MailDomainStatus?) -> EmailVerification {
        guard let status else { return self }
        var result = self
        result.dns = status
        switch verdict {
        case .invalid, .unknown: return result
        case .valid, .risky: break
        }
        let domain = self.domain ?? "the domain"
        switch status {
        case .acceptsMail, .addressOnly:
            break
        case .nullMX:
            result.verdict = .invalid(.nullMX)
            result.detail = "\(domain) does not accept mail: it publishes a null MX record (RFC 7505)"
        case .noSuchDomain:
            result.verdict = .invalid(.noSuchDomain)
            result.detail = "\(domain) does not exist in DNS (no MX, A or AAAA record)"
        case .unknown:
            if !result.notes.contains(.dnsUnknown) { result.notes.append(.dnsUnknown) }
        }
        return result
    }
}

extension EmailVerification: Codable {
    enum CodingKeys: String, CodingKey {
        case input, verdict, detail, suggestion, normalized, display, domain, kinds, notes, dns
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(input, forKey: .input)
        try c.encode(verdict, forKey: .verdict)
        try c.encodeIfPresent(detail, forKey: .detail)
        try c.encodeIfPresent(suggestion, forKey: .suggestion)
        try c.encodeIfPresent(normalized, forKey: .normalized)
        try c.encodeIfPresent(display, forKey: .display)
        try c.encodeIfPresent(domain, forKey: .domain)
        try c.encode(kinds.map(\.rawValue).sorted(), forKey: .kinds)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(dns, forKey: .dns)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            input: try c.decode(String.self, forKey: .input), verdict: try c.decode(EmailVerdict.self, forKey: .verdict),
            detail: try c.decodeIfPresent(String.self, forKey: .detail), suggestion: try c.decodeIfPresent(String.self, forKey: .suggestion),
            normalized: try c.decodeIfPresent(String.self, forKey: .normalized), display: try c.decodeIfPresent(String.self, forKey: .display),
            domain: try c.decodeIfPresent(String.self, forKey: .domain), kinds: Set(try c.decode([EmailKind].self, forKey: .kinds)),
            notes: try c.decodeIfPresent([HygieneReason].self, forKey: .notes) ?? [],
            dns: try c.decodeIfPresent(MailDomainStatus.self, forKey: .dns))
    }
}

/// ``EmailKind``s as bits.
struct EmailKinds: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let company = EmailKinds(rawValue: 1), freeProvider = EmailKinds(rawValue: 2)
    static let disposable = EmailKinds(rawValue: 4), role = EmailKinds(rawValue: 8)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ kinds: Set<EmailKind>) {
        self = []
        for k in kinds { insert(Self.bit(k)) }
    }

    static func bit(_ k: EmailKind) -> EmailKinds {
        switch k {
        case .company: return .company
        case .freeProvider: return .freeProvider
        case .disposable: return .disposable
        case .role: return .role
        }
    }

    var kinds: Set<EmailKind> { Set(EmailKind.allCases.filter { contains(Self.bit($0)) }) }
}
