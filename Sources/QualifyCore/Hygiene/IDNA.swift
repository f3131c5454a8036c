/// A domain name in both of its IDNA forms.
public struct DomainName: Sendable, Hashable, Codable {
    /// A-labels, lowercase (`xn--mnchen-3ya.de`): the form DNS, domain lists and lead identity use.
    public var ascii: String
    /// U-labels (`münchen.de`): the form a person reads.
    public var unicode: String
    /// Some label uses symbols or emoji (`i❤.ws`) that IDNA2008 does not allow: a few registries sell such names, but
    /// many mail systems refuse them.
    public var hasUnusualCharacters: Bool

    public init(ascii: String, unicode: String, hasUnusualCharacters: Bool = false) {
        self.ascii = ascii
        self.unicode = unicode
        self.hasUnusualCharacters = hasUnusualCharacters
    }

    /// The labels of the ASCII form.
    public var labels: [Substring] { ascii.utf8.split(separator: 46, omittingEmptySubsequences: false).map { Substring($0) } }

    /// The last label (the top-level domain) of the ASCII form.
    public var topLevel: Substring {
        let u = ascii.utf8
        guard let dot = u.lastIndex(of: 46) else { return ascii[...] }
        return ascii[u.index(after: dot)...]
    }
}

/// Internationalized domain names (IDNA, RFC 5890–5891): Unicode labels to their ASCII form (`xn--` + Punycode) and back.
///
/// What is applied: case mapping and Unicode normalization (NFC, through the injected `normalize`, because the standard
/// library has none), the UTS #46 full stops (`。．｡`) as label separators, the hyphen rules, "no leading combining mark",
/// A-labels that must decode and re-encode to themselves, and the length limits (63 bytes a label, 253 a domain).
/// What is approximated: IDNA2008's per-code-point tables and the Bidi rule (RFC 5893) need Unicode data the standard
/// library does not carry, so code points are judged by general category instead — letters, marks and decimal digits
/// pass; symbols and emoji pass but are flagged unusual; punctuation, spaces, controls and unassigned code points fail.
public enum IDNA {
    static let fullStops: Set<Unicode.Scalar> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
    /// IDNA2008's CONTEXTO/CONTEXTJ code points that real names use (Catalan middle dot, Greek keraia, Hebrew geresh
    /// and gershayim, katakana middle dot, zero-width joiners): allowed.
    static let contextual: Set<UInt32> = [0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, 0x200C, 0x200D]

    /// Converts a domain (Unicode or ASCII, any case) to both forms, or says which label is wrong and why.
    public static func domain(_ text: some StringProtocol, normalize: (String) -> String = { $0 }) -> Result<DomainName, HygieneFailure> {
        var text = String(text)
        if text.withUTF8(isPlainASCIIDomain) {
            let lower = asciiLowercased(text[...])
            return .success(DomainName(ascii: lower, unicode: lower))
        }
        if text.isEmpty { return .failure(HygieneFailure(.emptyDomain, "nothing after '@'")) }
        var asciiLabels: [String] = []
        var unicodeLabels: [String] = []
        var unusual = false
        var labels: [Substring] = []
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            labels = text.utf8.split(separator: 46, omittingEmptySubsequences: false).map { Substring($0) }
        } else {
            // split on scalars (a Character split is slow, and a full stop followed by a combining mark is still a stop)
            let scalars = text.unicodeScalars
            var start = scalars.startIndex
            var i = start
            while i < scalars.endIndex {
                if fullStops.contains(scalars[i]) {
                    labels.append(Substring(scalars[start..<i]))
                    start = scalars.index(after: i)
                }
                i = scalars.index(after: i)
            }
            labels.append(Substring(scalars[start...]))
        }
        for label in labels {
            if label.isEmpty {
                return .failure(HygieneFailure(.emptyDomainLabel, "domain '\(text)' has an empty part ('..', a leading or a trailing dot): remove the extra dot"))
            }
            switch convert(label, normalize: normalize) {
            case .failure(let f): return .failure(f)
            case .success(let c):
                asciiLabels.append(c.ascii)
                unicodeLabels.append(c.unicode)
                unusual = unusual || c.unusual
            }
        }
        let ascii = asciiLabels.joined(separator: ".")
        if ascii.utf8.count > 253 {
            return .failure(HygieneFailure(.domainTooLong, "domain '\(text)' is \(ascii.utf8.count) bytes in ASCII form (at most 253)"))
        }
        return .success(DomainName(ascii: ascii, unicode: unicodeLabels.joined(separator: "."), hasUnusualCharacters: unusual))
    }

    /// The common case, checked on bytes: letters, digits, '-' and dots in valid labels, no A-label, within 253 bytes.
    static func isPlainASCIIDomain(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        guard n > 0, n <= 253 else { return false }
        var start = 0
        var i = 0
        while i <= n {
            if i == n || b[i] == 46 {
                let length = i - start
                guard length > 0, length <= 63, b[start] != 45, b[i - 1] != 45 else { return false }
                if length >= 4, b[start] | 0x20 == 120, b[start + 1] | 0x20 == 110, b[start + 2] == 45, b[start + 3] == 45 {
                    return false
                }
                start = i + 1
            } else {
                let c = b[i], lower = c | 0x20
                guard (lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c == 45 else { return false }
            }
            i += 1
        }
        return true
    }

    /// The ASCII form of a domain, or nil when it is not a valid domain name.
    public static func toASCII(_ domain: String, normalize: (String) -> String = { $0 }) -> String? {
        try? self.domain(domain, normalize: normalize).get().ascii
    }

    /// The Unicode form of a domain: each valid A-label decoded; anything else kept as it is.
    public static func toUnicode(_ domain: String) -> String {
        domain.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            guard label.utf8.count > 4, label.lowercased().hasPrefix("xn--"),
                  let scalars = Punycode.decode(label.dropFirst(4)) else { return String(label) }
            return String(String.UnicodeScalarView(scalars))
        }.joined(separator: ".")
    }

    struct Label {
        var ascii: String
        var unicode: String
        var unusual: Bool
    }

    static func convert(_ label: Substring, normalize: (String) -> String) -> Result<Label, HygieneFailure> {
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            let lower = asciiLowercased(label)
            if let bad = lower.unicodeScalars.first(where: { !isLDH($0) }) {
                return .failure(HygieneFailure(.invalidDomainCharacter, "domain part '\(label)' has '\(printable(bad))' (only letters, digits and '-' are allowed)"))
            }
            if lower.utf8.count > 63 {
                return .failure(HygieneFailure(.domainLabelTooLong, "domain part '\(label)' is \(lower.utf8.count) bytes (at most 63)"))
            }
            if lower.hasPrefix("-") || lower.hasSuffix("-") {
                return .failure(HygieneFailure(.domainLabelHyphen, "domain part '\(label)' starts or ends with '-'"))
            }
            guard lower.hasPrefix("xn--") else { return .success(Label(ascii: lower, unicode: lower, unusual: false)) }
            // an A-label: it must decode, and re-encode to itself, to a valid U-label
            guard let scalars = Punycode.decode(lower.dropFirst(4)), scalars.contains(where: { $0.value >= 0x80 }),
                  Punycode.encode(scalars) == String(lower.dropFirst(4)) else {
                return .failure(HygieneFailure(.invalidIDN, "domain part '\(label)' starts with 'xn--' but is not valid Punycode"))
            }
            let unicode = String(String.UnicodeScalarView(scalars))
            if unicode.lowercased() != unicode || normalize(unicode).unicodeScalars.elementsEqual(unicode.unicodeScalars) == false {
                return .failure(HygieneFailure(.invalidIDN, "domain part '\(label)' decodes to '\(unicode)', which is not in normalized lowercase form"))
            }
            return checkULabel(unicode, original: label).map { Label(ascii: lower, unicode: unicode, unusual: $0) }
        }
        let mapped = normalize(String(label).lowercased())
        if mapped.utf8.allSatisfy({ $0 < 0x80 }) { return convert(Substring(mapped), normalize: normalize) }
        let unusual: Bool
        switch checkULabel(mapped, original: label) {
        case .failure(let f): return .failure(f)
        case .success(let u): unusual = u
        }
        guard let encoded = Punycode.encode(mapped.unicodeScalars) else {
            return .failure(HygieneFailure(.domainLabelTooLong, "domain part '\(label)' is too long to encode"))
        }
        let ascii = "xn--" + encoded
        if ascii.utf8.count > 63 {
            return .failure(HygieneFailure(.domainLabelTooLong, "domain part '\(label)' is \(ascii.utf8.count) bytes in ASCII form '\(ascii)' (at most 63)"))
        }
        return .success(Label(ascii: ascii, unicode: mapped, unusual: unusual))
    }

    /// Checks a U-label; success carries whether it uses unusual (symbol or emoji) code points.
    static func checkULabel(_ label: String, original: Substring) -> Result<Bool, HygieneFailure> {
        let scalars = Array(label.unicodeScalars)
        if let first = scalars.first, isMark(first) {
            return .failure(HygieneFailure(.invalidIDN, "domain part '\(original)' starts with a combining mark"))
        }
        if scalars.first == "-" || scalars.last == "-" {
            return .failure(HygieneFailure(.domainLabelHyphen, "domain part '\(original)' starts or ends with '-'"))
        }
        if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" {
            return .failure(HygieneFailure(.invalidIDN, "domain part '\(original)' has '--' in its third and fourth places, which IDNA reserves"))
        }
        var unusual = false
        for s in scalars {
            if s.value < 0x80 {
                if !isLDH(s) {
                    return .failure(HygieneFailure(.invalidDomainCharacter, "domain part '\(original)' has '\(printable(s))' (only letters, digits and '-' are allowed)"))
                }
                continue
            }
            if contextual.contains(s.value) { continue }
            switch s.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
                continue
            case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol, .letterNumber, .otherNumber:
                unusual = true
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                 .finalPunctuation, .otherPunctuation, .spaceSeparator, .lineSeparator, .paragraphSeparator, .control,
                 .format, .surrogate, .privateUse, .unassigned:
                return .failure(HygieneFailure(.invalidDomainCharacter, "domain part '\(original)' has '\(printable(s))' (U+\(hex(s))), which a domain name cannot contain"))
            @unknown default:
                return .failure(HygieneFailure(.invalidDomainCharacter, "domain part '\(original)' has U+\(hex(s)), which a domain name cannot contain"))
            }
        }
        return .success(unusual)
    }

    static func isLDH(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "-" || ("A"..."Z").contains(s)
    }

    static func isMark(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func asciiLowercased(_ s: Substring) -> String {
        guard s.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return String(s) }
        return String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    static func printable(_ s: Unicode.Scalar) -> String {
        s.properties.generalCategory == .control || s == " " ? "U+\(hex(s))" : String(s)
    }

    static func hex(_ s: Unicode.Scalar) -> String {
        let h = String(s.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
