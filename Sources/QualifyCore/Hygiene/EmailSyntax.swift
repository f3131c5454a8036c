/// An address that passed the syntax check, taken apart.
public struct EmailParts: Sendable, Hashable, Codable {
    public enum Domain: Sendable, Hashable, Codable {
        case name(DomainName)
        case literal(DomainLiteral)
    }

    /// The part before `@` as written (NFC), quotes and escapes included when it was quoted.
    public var localPart: String
    /// What the mailbox is called: the local part lowercased and NFC, without quotes or escapes.
    public var mailbox: String
    /// The local part was written as a quoted string (`"john smith"@…`).
    public var isQuoted: Bool
    /// The local part has non-ASCII characters (RFC 6531).
    public var hasUTF8LocalPart: Bool
    public var domain: Domain
    /// The identity form: local part lowercased and NFC (quoted only when it must be), domain in lowercase ASCII form.
    public var normalized: String
    /// The form a person reads: like ``normalized`` but with the domain in Unicode.
    public var display: String

    /// The domain's ASCII form, or nil for an address literal.
    public var domainName: DomainName? {
        if case .name(let d) = domain { return d }
        return nil
    }
}

/// Email address syntax: RFC 5321 (SMTP: dot-atom or quoted local parts, address literals, length limits), RFC 5322
/// (the same atoms), RFC 6531/6532 (UTF-8 local parts) and IDNA domains (see ``IDNA``).
///
/// Beyond the RFCs, two rules every mail system applies: the domain needs a dot (`ana@localhost` is not a mailbox on the
/// internet) and its last label is not a number (`ana@1.2.3.4` must be written `ana@[1.2.3.4]`). Comments and folding
/// white space (RFC 5322 CFWS) are not accepted: they never appear in addresses people type into forms.
public enum EmailSyntax {
    /// `atext` of RFC 5322: the characters a dot-atom may use besides letters, digits and (RFC 6532) non-ASCII.
    static let atextSymbols: Set<UInt8> = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    /// Checks an address and takes it apart; `normalize` is Unicode NFC (the app passes Foundation's), identity by default.
    public static func parse(_ raw: String, normalize: (String) -> String = { $0 }) -> Result<EmailParts, HygieneFailure> {
        parse(raw, normalize: normalize) { IDNA.domain($0, normalize: normalize) }
    }

    /// ``parse(_:normalize:)`` with the domain converted by `idna` (``IDNA/domain(_:normalize:)``, or a memo of it).
    static func parse(_ raw: String, normalize: (String) -> String,
                      idna: (String) -> Result<DomainName, HygieneFailure>) -> Result<EmailParts, HygieneFailure> {
        if let plain = parsePlainASCII(raw) { return .success(plain) }
        return parseInFull(raw, normalize: normalize, idna: idna)
    }

    /// The full parse, for every address (``parse(_:normalize:)`` tries a byte-level fast path first).
    static func parseInFull(_ raw: String, normalize: (String) -> String) -> Result<EmailParts, HygieneFailure> {
        parseInFull(raw, normalize: normalize) { IDNA.domain($0, normalize: normalize) }
    }

    static func parseInFull(_ raw: String, normalize: (String) -> String,
                            idna: (String) -> Result<DomainName, HygieneFailure>) -> Result<EmailParts, HygieneFailure> {
        let text = raw.trimmingSpaces
        if text.isEmpty { return .failure(HygieneFailure(.noAddress, "the address is empty")) }
        let scalars = text.unicodeScalars
        var localWritten: String
        var content: String
        var quoted = false
        var at: String.UnicodeScalarView.Index
        if scalars.first == "\"" {
            quoted = true
            switch scanQuoted(text) {
            case .failure(let f): return .failure(f)
            case .success(let q):
                content = q.content
                at = q.end
                localWritten = String(text.unicodeScalars[..<at])
            }
            if at == scalars.endIndex {
                return .failure(HygieneFailure(.noAtSign, "'\(text)' has no '@' after its quoted part"))
            }
            if scalars[at] != "@" {
                return .failure(HygieneFailure(.invalidQuotedLocalPart, "'\(text)' has text between the closing quote and '@'"))
            }
        } else {
            guard let first = scalars.firstIndex(of: "@") else {
                return .failure(HygieneFailure(.noAtSign, "'\(text)' has no '@'"))
            }
            at = first
            localWritten = String(scalars[..<at])
            content = localWritten
        }
        let domainText = String(scalars[scalars.index(after: at)...])
        if !quoted, domainText.unicodeScalars.contains("@") {
            let count = scalars.filter { $0 == "@" }.count
            return .failure(HygieneFailure(.multipleAtSigns, "'\(text)' has \(count) '@' signs (only one is allowed outside quotes)"))
        }
        if !quoted {
            if content.isEmpty { return .failure(HygieneFailure(.emptyLocalPart, "'\(text)' has nothing before '@'")) }
            if let f = checkDotAtom(content, in: text) { return .failure(f) }
        }
        let asciiLocal = localWritten.utf8.allSatisfy { $0 < 0x80 }
        if !asciiLocal {
            localWritten = normalize(localWritten)
            content = normalize(content)
        }
        if localWritten.utf8.count > 64 {
            return .failure(HygieneFailure(.localPartTooLong, "the part before '@' in '\(text)' is \(localWritten.utf8.count) bytes (at most 64)"))
        }
        let domain: EmailParts.Domain
        switch parseDomain(domainText, in: text, idna: idna) {
        case .failure(let f): return .failure(f)
        case .success(let d): domain = d
        }
        let asciiDomain: String, unicodeDomain: String
        switch domain {
        case .name(let d): (asciiDomain, unicodeDomain) = (d.ascii, d.unicode)
        case .literal(let l): (asciiDomain, unicodeDomain) = (l.text, l.text)
        }
        let length = localWritten.utf8.count + 1 + asciiDomain.utf8.count
        if length > 254 {
            return .failure(HygieneFailure(.addressTooLong, "'\(text)' is \(length) bytes with its domain in ASCII form (at most 254)"))
        }
        var mailbox = asciiLocal ? asciiLowercased(content) : content.lowercased()
        if !asciiLocal { mailbox = normalize(mailbox) }
        let identityLocal = !quoted || isDotAtom(mailbox) ? mailbox : quote(mailbox)
        return .success(EmailParts(
            localPart: localWritten, mailbox: mailbox, isQuoted: quoted, hasUTF8LocalPart: !asciiLocal, domain: domain,
            normalized: identityLocal + "@" + asciiDomain, display: identityLocal + "@" + unicodeDomain))
    }

    /// The identity form of an address (see ``EmailParts/normalized``), or why it is not an address.
    public static func normalized(_ raw: String, normalize: (String) -> String = { $0 }) -> Result<String, HygieneFailure> {
        parse(raw, normalize: normalize).map(\.normalized)
    }

    static func parseDomain(_ domainText: String, in text: String,
                            idna: (String) -> Result<DomainName, HygieneFailure>) -> Result<EmailParts.Domain, HygieneFailure> {
        if domainText.isEmpty { return .failure(HygieneFailure(.emptyDomain, "'\(text)' has nothing after '@'")) }
        if domainText.hasPrefix("[") {
            guard domainText.hasSuffix("]"), domainText.count >= 2 else {
                return .failure(HygieneFailure(.invalidDomainLiteral, "'\(domainText)' opens '[' but does not close it"))
            }
            return DomainLiteral.parse(domainText.dropFirst().dropLast()).map { .literal($0) }
        }
        let name: DomainName
        switch idna(domainText) {
        case .failure(let f): return .failure(f)
        case .success(let d): name = d
        }
        if !name.ascii.utf8.contains(46) {
            return .failure(HygieneFailure(.domainWithoutDot, "domain '\(domainText)' has no dot (a mailbox on the internet needs one, as in \(domainText).com)"))
        }
        if name.topLevel.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            let hint = DomainLiteral.isIPv4(Substring(name.ascii)) ? ": write an IP address in brackets, as in [\(name.ascii)]" : ""
            return .failure(HygieneFailure(.numericTLD, "domain '\(domainText)' ends in a number\(hint)"))
        }
        return .success(.name(name))
    }

    /// Scans `"…"` at the start of the text; returns the unescaped content and the index just after the closing quote.
    static func scanQuoted(_ text: String) -> Result<(content: String, end: String.UnicodeScalarView.Index), HygieneFailure> {
        let scalars = text.unicodeScalars
        var content = String.UnicodeScalarView()
        var i = scalars.index(after: scalars.startIndex)
        while i < scalars.endIndex {
            let s = scalars[i]
            if s == "\"" { return .success((String(content), scalars.index(after: i))) }
            if s == "\\" {
                let next = scalars.index(after: i)
                guard next < scalars.endIndex, isQuotable(scalars[next], pair: true) else {
                    return .failure(HygieneFailure(.invalidQuotedLocalPart, "'\(text)' has a '\\' that escapes nothing printable"))
                }
                content.append(scalars[next])
                i = scalars.index(after: next)
                continue
            }
            guard isQuotable(s, pair: false) else {
                return .failure(HygieneFailure(.invalidQuotedLocalPart, "the quoted part of '\(text)' has U+\(IDNA.hex(s)), which is not allowed even in quotes"))
            }
            content.append(s)
            i = scalars.index(after: i)
        }
        return .failure(HygieneFailure(.invalidQuotedLocalPart, "'\(text)' opens a quote that is never closed"))
    }

    /// qtextSMTP (space, `!`, `#`–`[`, `]`–`~`) or, after a backslash, any printable ASCII; plus UTF-8 (RFC 6531).
    static func isQuotable(_ s: Unicode.Scalar, pair: Bool) -> Bool {
        if s.value < 0x80 { return s.value >= 32 && s.value <= 126 && (pair || (s != "\"" && s != "\\")) }
        return isAllowedNonASCII(s)
    }

    /// Non-ASCII in a local part: any character but spaces, controls, format characters and unassigned code points.
    static func isAllowedNonASCII(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned:
            return false
        default:
            return true
        }
    }

    static func checkDotAtom(_ local: String, in text: String) -> HygieneFailure? {
        var previousDot = true
        for s in local.unicodeScalars {
            if s == "." {
                if previousDot { return HygieneFailure(.misplacedDot, "the part before '@' in '\(text)' starts with a dot or has two in a row") }
                previousDot = true
                continue
            }
            previousDot = false
            let ok = s.value < 0x80 ? (IDNA.isLDH(s) && s != "-") || atextSymbols.contains(UInt8(s.value)) : isAllowedNonASCII(s)
            if !ok {
                let shown = s == " " ? "a space" : s.value < 32 || s.value == 127 || s.value >= 0x80 ? "U+\(IDNA.hex(s))" : "'\(s)'"
                return HygieneFailure(.invalidLocalCharacter, "the part before '@' in '\(text)' has \(shown), which is only allowed inside quotes")
            }
        }
        if previousDot { return HygieneFailure(.misplacedDot, "the part before '@' in '\(text)' ends with a dot") }
        return nil
    }

    static func isDotAtom(_ s: String) -> Bool {
        !s.isEmpty && checkDotAtom(s, in: s) == nil
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            if c == "\"" || c == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    static func asciiLowercased(_ s: String) -> String {
        IDNA.asciiLowercased(Substring(s))
    }
}
