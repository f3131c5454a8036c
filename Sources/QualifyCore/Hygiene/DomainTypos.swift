/// Suggestions for mistyped mail domains (`gmial.com` → `gmail.com`, `yaho.com` → `yahoo.com`, `hotmial.con` →
/// `hotmail.com`, `acme.cmo` → `acme.com`), tuned to stay silent on real company domains.
///
/// The rule, in order:
/// 1. **Top-level domain.** If the last label is not delegated and is one edit (Damerau: insert, delete, replace or swap
///    two neighbours) from a common TLD, it is replaced: `.con`, `.cmo`, `.comm`, `.ocm`, `.vom` → `.com`; `.nte` →
///    `.net`; `.ogr` → `.org`. A delegated TLD is never "fixed": `acme.co` (Colombia), `acme.cm` (Cameroon) and
///    `acme.om` (Oman) are real domains a company may own, so they get no suggestion. Which TLDs one edit from a common
///    TLD are delegated is ``defaultDelegatedNearCommon`` (from the IANA root zone list).
/// 2. **Provider names.** A domain is compared only with the typo targets (``defaultProviders``, the big consumer
///    providers whose names are invented words) that have the same number of labels, start with the same letter and
///    have a name (first label) of at least 5 letters. It matches when
///    - the suffix (everything after the name) is the same and the name is within 1 edit (2 for names of 8 letters or
///      more: `googlemail`, `protonmail`): `gmial.com`, `yaho.com`, `hotmial.com`, `gooogelmail.com`; or
///    - the name is the same and the suffix is one edit from the provider's generic TLD: `gmail.cm`, `gmail.co`.
///    The closest match wins; ties go to the more popular provider (earlier in the list).
/// 3. A domain that *is* a typo target gets nothing, and so does anything not close enough.
///
/// Why no false alarms: short names (`gmx`, `aol`, `me`, `live`, `web`) are never edited, since one edit turns them into
/// thousands of real names (`gmc.com`); the same first letter keeps `email.com` and `cloud.com` (one deletion from
/// `icloud.com`) apart; a real company name two edits away (`hotmart.com` from `hotmail.com`) stays out of reach of the
/// 1-edit limit; and a different delegated TLD (`outlook.de` is a provider anyway, `gmail.de`, `yahoo.cn`) is never
/// touched, as a domain under another country's TLD is its own name. The tests hold a table of real company domains
/// that must get no suggestion.
public struct DomainTypos: Sendable, Hashable {
    /// Typo targets, most popular first.
    public let providers: [String]
    /// TLDs whose one-edit misspellings are corrected.
    public let commonTLDs: [String]
    /// Delegated TLDs one edit from a common TLD: never corrected.
    public let delegatedNearCommon: Set<String>

    struct Target: Sendable, Hashable {
        var domain: String
        var name: [UInt8]
        var suffix: String
        var suffixBytes: [UInt8]
        var labelCount: Int
        var maxEdits: Int
        var suffixIsCommon: Bool
    }
    /// Typo targets by the first byte of their name.
    private let targets: [[Target]]
    private let providerSet: Set<String>
    private let dotless: [String: String]
    /// Every undelegated one-edit misspelling of a common TLD (letters, digits, '-'), mapped to the first common TLD
    /// it is one edit from: one look-up instead of an edit distance per common TLD.
    private let tldFixes: [String: String]

    public init(providers: [String] = DomainTypos.defaultProviders, commonTLDs: [String] = DomainTypos.defaultCommonTLDs,
                delegatedNearCommon: Set<String> = DomainTypos.defaultDelegatedNearCommon) {
        self.providers = providers
        self.commonTLDs = commonTLDs
        self.delegatedNearCommon = delegatedNearCommon
        providerSet = Set(providers)
        var targets = [[Target]](repeating: [], count: 256)
        var dotless: [String: String] = [:]
        for p in providers {
            let labels = p.split(separator: ".")
            guard labels.count >= 2, let name = labels.first, name.utf8.count >= 5 else { continue }
            let suffix = labels.dropFirst().joined(separator: ".")
            let target = Target(domain: p, name: Array(name.utf8), suffix: suffix, suffixBytes: Array(suffix.utf8), labelCount: labels.count,
                                maxEdits: name.utf8.count >= 8 ? 2 : 1, suffixIsCommon: commonTLDs.contains(suffix))
            targets[Int(name.utf8.first!)].append(target)
            if dotless[String(name)] == nil { dotless[String(name)] = p }
            dotless[p.replacingDots] = dotless[p.replacingDots] ?? p
        }
        self.targets = targets
        self.dotless = dotless
        var fixes: [String: String] = [:]
        for common in commonTLDs {
            for variant in Self.oneEdit(common) where variant.utf8.count <= 6 && fixes[variant] == nil
                && !commonTLDs.contains(variant) && !delegatedNearCommon.contains(variant) {
                fixes[variant] = common
            }
        }
        tldFixes = fixes
    }

    /// A corrected domain for a lowercase ASCII domain, or nil when it does not look mistyped.
    public func suggestion(for domain: String) -> String? {
        // A typo target itself never gets a suggestion: rule 2 skips distance 0 and a different suffix is only matched
        // against a generic TLD one edit away, which no target's own suffix is (tested for every default target).
        var domain = domain
        let tldStart = domain.withUTF8 { b -> Int? in
            guard let dot = b.lastIndex(of: 46), dot > 0 else { return nil }
            let tld = UnsafeBufferPointer(rebasing: b[(dot + 1)...])
            return Self.comNetOrg.contains(where: { bytesEqual($0, tld) }) ? -1 : dot + 1
        }
        guard let tldStart else { return nil }
        var candidate = domain
        var fixedTLD = false
        if tldStart >= 0 {
            let start = domain.utf8.index(domain.utf8.startIndex, offsetBy: tldStart)
            if let common = tldFixes[String(domain[start...])] {
                candidate = String(domain[..<start]) + common
                fixedTLD = true
                if providerSet.contains(candidate) { return candidate }
            }
        }
        if let best = closestProvider(to: candidate) { return best }
        return fixedTLD ? candidate : nil
    }

    /// The closest typo target per rule 2, or nil.
    func closestProvider(to domain: String) -> String? {
        var domain = domain
        return domain.withUTF8 { b -> String? in
            guard let first = b.first, !targets[Int(first)].isEmpty, let dot = b.firstIndex(of: 46) else { return nil }
            let name = UnsafeBufferPointer(rebasing: b[..<dot])
            let suffix = UnsafeBufferPointer(rebasing: b[(dot + 1)...])
            var labelCount = 1
            for c in b where c == 46 { labelCount += 1 }
            var best: (domain: String, distance: Int)?
            for t in targets[Int(first)] where t.labelCount == labelCount {
                var distance: Int?
                if bytesEqual(t.suffixBytes, suffix) {
                    guard abs(t.name.count - name.count) <= t.maxEdits else { continue }
                    distance = t.name.withUnsafeBufferPointer { EditDistance.damerau(name, $0, limit: t.maxEdits) }
                } else if t.suffixIsCommon, labelCount == 2, bytesEqual(t.name, name) {
                    distance = t.suffixBytes.withUnsafeBufferPointer { EditDistance.damerau(suffix, $0, limit: 1) }
                }
                if let d = distance, d > 0, d < (best?.distance ?? .max) { best = (t.domain, d) }
            }
            return best?.domain
        }
    }

    /// The commonest TLDs, compared on bytes before any hashing.
    static let comNetOrg = [Array("com".utf8), Array("net".utf8), Array("org".utf8)]

    /// A provider for a domain typed without its dot (`gmailcom`, `hotmail`), or nil.
    public func suggestion(forDotless domain: String) -> String? {
        dotless[domain.lowercased()]
    }

    /// Every string one edit (delete, swap neighbours, replace, insert) from `s`, over letters, digits and '-'.
    static func oneEdit(_ s: String) -> Set<String> {
        let chars = Array(s.utf8)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-".utf8)
        var out = Set<String>()
        func add(_ bytes: [UInt8]) { if !bytes.isEmpty { out.insert(String(decoding: bytes, as: UTF8.self)) } }
        for i in chars.indices {
            var d = chars
            d.remove(at: i)
            add(d)
            if i + 1 < chars.count {
                var t = chars
                t.swapAt(i, i + 1)
                add(t)
            }
            for c in alphabet {
                var r = chars
                r[i] = c
                add(r)
            }
        }
        for i in 0...chars.count {
            for c in alphabet {
                var ins = chars
                ins.insert(c, at: i)
                add(ins)
            }
        }
        out.remove(s)
        return out
    }

    /// The big consumer providers whose names are invented words, most popular first (typo targets, not the free-mail list).
    public static let defaultProviders = [
        "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "googlemail.com", "ymail.com",
        "rocketmail.com", "aol.com", "live.com", "msn.com", "me.com", "mac.com", "gmx.com", "gmx.de", "gmx.net", "web.de",
        "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.it", "yahoo.es", "yahoo.ca", "yahoo.co.in", "yahoo.co.jp",
        "yahoo.com.br", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es", "outlook.fr",
        "outlook.de", "outlook.es", "yandex.ru", "yandex.com", "protonmail.com", "comcast.net", "verizon.net",
        "sbcglobal.net", "bellsouth.net", "earthlink.net", "btinternet.com", "wanadoo.fr", "laposte.net", "t-online.de",
        "rediffmail.com", "hanmail.net",
    ]

    public static let defaultCommonTLDs = ["com", "net", "org", "edu", "gov", "info", "biz"]

    /// Every delegated TLD one edit from ``defaultCommonTLDs``, from the IANA root zone list
    /// (data.iana.org/TLD/tlds-alpha-by-domain.txt). A TLD delegated later that is one edit from a common one would be
    /// "corrected" until it is added here.
    public static let defaultDelegatedNearCommon: Set<String> = [
        "bet", "bi", "bid", "bio", "bom", "bz", "cam", "cm", "co", "et", "eu", "gbiz", "goo", "gop", "got", "mom",
        "mov", "ne", "nec", "new", "next", "ntt", "om", "ong", "pet", "vet",
    ]
}

extension String {
    fileprivate var replacingDots: String { String(filter { $0 != "." }) }
}
