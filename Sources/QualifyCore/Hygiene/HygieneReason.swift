/// Why an address got its verdict: stable snake_case codes for CSV and JSON output (never rename one; add new ones).
///
/// Each code has one ``severity``: an `invalid` code alone makes the verdict `invalid`; `risky` codes accumulate into
/// `risky([…])`; a `note` never changes the verdict; `unknown` means there was nothing to judge.
public enum HygieneReason: String, Sendable, Hashable, Codable, CaseIterable {
    // invalid: the address cannot receive mail as written (RFC 5321 / 5322 / 6531 syntax)
    case noAtSign = "no_at_sign"
    case multipleAtSigns = "multiple_at_signs"
    case emptyLocalPart = "empty_local_part"
    case localPartTooLong = "local_part_too_long"
    case addressTooLong = "address_too_long"
    case invalidLocalCharacter = "invalid_local_character"
    case misplacedDot = "misplaced_dot"
    case invalidQuotedLocalPart = "invalid_quoted_local_part"
    case emptyDomain = "empty_domain"
    case domainTooLong = "domain_too_long"
    case domainLabelTooLong = "domain_label_too_long"
    case emptyDomainLabel = "empty_domain_label"
    case domainLabelHyphen = "domain_label_hyphen"
    case invalidDomainCharacter = "invalid_domain_character"
    case invalidIDN = "invalid_idn"
    case domainWithoutDot = "domain_without_dot"
    case numericTLD = "numeric_tld"
    case invalidDomainLiteral = "invalid_domain_literal"
    case reservedDomain = "reserved_domain"
    // invalid: what DNS says about the domain
    case nullMX = "null_mx"
    case noSuchDomain = "no_such_domain"
    // risky: deliverable, but not what a sales team should work without a second look
    case quotedLocalPart = "quoted_local_part"
    case utf8LocalPart = "utf8_local_part"
    case domainLiteral = "domain_literal"
    case unusualIDN = "unusual_idn"
    case possibleTypo = "possible_typo"
    case disposable
    case roleAccount = "role_account"
    case freeMail = "free_mail"
    // notes and unknowns
    case dnsUnknown = "dns_unknown"
    case noAddress = "no_address"
    /// Known from the lead's log, not the address: a message to it bounced hard (a `bounce` or `email_bounce` event).
    case hardBounce = "hard_bounce"

    public enum Severity: String, Sendable, Hashable, Codable {
        case invalid, risky, note, unknown
    }

    public var severity: Severity {
        switch self {
        case .noAtSign, .multipleAtSigns, .emptyLocalPart, .localPartTooLong, .addressTooLong, .invalidLocalCharacter,
             .misplacedDot, .invalidQuotedLocalPart, .emptyDomain, .domainTooLong, .domainLabelTooLong, .emptyDomainLabel,
             .domainLabelHyphen, .invalidDomainCharacter, .invalidIDN, .domainWithoutDot, .numericTLD,
             .invalidDomainLiteral, .reservedDomain, .nullMX, .noSuchDomain, .hardBounce:
            return .invalid
        case .quotedLocalPart, .utf8LocalPart, .domainLiteral, .unusualIDN, .possibleTypo, .disposable, .roleAccount,
             .freeMail:
            return .risky
        case .dnsUnknown:
            return .note
        case .noAddress:
            return .unknown
        }
    }

    /// One line for people: what the code means.
    public var explanation: String {
        switch self {
        case .hardBounce: return "a message to it bounced: the mailbox does not take mail"
        case .noAtSign: return "there is no '@'"
        case .multipleAtSigns: return "more than one '@' outside quotes"
        case .emptyLocalPart: return "nothing before '@'"
        case .localPartTooLong: return "the part before '@' is longer than 64 bytes (RFC 5321)"
        case .addressTooLong: return "the address is longer than 254 bytes (RFC 5321)"
        case .invalidLocalCharacter: return "the part before '@' has a character that needs quoting (space, comma, brackets …)"
        case .misplacedDot: return "a dot starts, ends or doubles in the part before '@'"
        case .invalidQuotedLocalPart: return "a quoted part before '@' is not closed or has a character that is not allowed"
        case .emptyDomain: return "nothing after '@'"
        case .domainTooLong: return "the domain is longer than 253 bytes"
        case .domainLabelTooLong: return "a part of the domain is longer than 63 bytes"
        case .emptyDomainLabel: return "the domain has an empty part ('..', a leading or a trailing dot)"
        case .domainLabelHyphen: return "a part of the domain starts or ends with '-'"
        case .invalidDomainCharacter: return "the domain has a character other than letters, digits, '-' and '.'"
        case .invalidIDN: return "an internationalized domain name breaks the IDNA rules"
        case .domainWithoutDot: return "the domain has no dot"
        case .numericTLD: return "the domain ends in a number (an IP address must be written in brackets)"
        case .invalidDomainLiteral: return "the bracketed address after '@' is not an IPv4 or IPv6 address"
        case .reservedDomain: return "the domain is reserved for tests, documentation or local networks and never receives mail"
        case .nullMX: return "the domain does not accept mail (null MX, RFC 7505)"
        case .noSuchDomain: return "the domain does not exist (DNS says NXDOMAIN)"
        case .quotedLocalPart: return "a quoted part before '@': valid, but few mail systems and CRMs handle it"
        case .utf8LocalPart: return "non-ASCII characters before '@' need SMTPUTF8 (RFC 6531), which many senders lack"
        case .domainLiteral: return "an IP address instead of a domain: valid, but no real person's mailbox"
        case .unusualIDN: return "the domain uses symbols or emoji that IDNA2008 does not allow; many mail systems refuse it"
        case .possibleTypo: return "the domain looks like a typing mistake (see the suggestion)"
        case .disposable: return "a throwaway (disposable) mail domain"
        case .roleAccount: return "a shared role inbox (info@, sales@ …), not a person"
        case .freeMail: return "a free-mail provider, not a company domain"
        case .dnsUnknown: return "DNS gave no answer in time; the verdict stands without the DNS check"
        case .noAddress: return "the address is empty: nothing to verify"
        }
    }
}

/// A verification that stopped at one problem: the code, and a message that names the offending value.
public struct HygieneFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: HygieneReason
    /// What is wrong, naming the value, and what to do when there is something to do.
    public var detail: String

    public init(_ reason: HygieneReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { detail }
}
