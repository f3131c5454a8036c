/// The lists that classify an address, as values: the app loads them (bundled or updated files), the core only looks up.
///
/// All domains are lowercase ASCII (IDNs in their `xn--` form); role names are lowercase.
public struct HygieneLists: Sendable, Hashable {
    /// Throwaway mail domains. A subdomain of a listed domain counts too (`x.mailinator.com`).
    public var disposable: Set<String> { didSet { index() } }
    /// Domains that are never disposable, whatever the disposable list says (a listed domain or any parent of it wins).
    public var allowlist: Set<String> { didSet { index() } }
    /// Free-mail providers (gmail.com …): matched exactly. A disposable domain is reported as disposable, not free-mail.
    public var freeMail: Set<String> { didSet { index() } }
    /// Role local parts (info, sales …): matched against the mailbox, lowercased, before any `+tag`.
    public var roleLocalParts: Set<String> { didSet { indexRoles() } }

    /// The three domain lists in one table, so a domain is hashed once per look-up (this runs for every address).
    private var flags: [String: UInt8] = [:]
    private static let isDisposableFlag: UInt8 = 1, isAllowedFlag: UInt8 = 2, isFreeFlag: UInt8 = 4
    /// A filter in front of ``roleLocalParts``: one bit per role name at a cheap hash of its bytes. Most mailboxes are
    /// people's names, whose bit is clear, so they skip the set's look-up (a false positive only costs that look-up).
    private var roleBits: [UInt64] = []
    private static let roleBitCount = 1 << 15

    public init(disposable: Set<String> = [], allowlist: Set<String> = [], freeMail: Set<String> = [], roleLocalParts: Set<String> = []) {
        self.disposable = disposable
        self.allowlist = allowlist
        self.freeMail = freeMail
        self.roleLocalParts = roleLocalParts
        index()
        indexRoles()
    }

    private mutating func indexRoles() {
        var bits = [UInt64](repeating: 0, count: Self.roleBitCount / 64)
        for r in roleLocalParts {
            let h = Self.roleHash(r.utf8)
            bits[h >> 6] |= 1 << UInt64(h & 63)
        }
        roleBits = bits
    }

    /// FNV-1a over the bytes, folded to ``roleBitCount`` buckets.
    @inline(__always)
    private static func roleHash(_ bytes: some Sequence<UInt8>) -> Int {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return Int((h ^ (h >> 15)) & UInt32(roleBitCount - 1))
    }

    private mutating func index() {
        var flags: [String: UInt8] = [:]
        flags.reserveCapacity(disposable.count + freeMail.count)
        for d in disposable { flags[d, default: 0] |= Self.isDisposableFlag }
        for d in allowlist { flags[d, default: 0] |= Self.isAllowedFlag }
        for d in freeMail { flags[d, default: 0] |= Self.isFreeFlag }
        self.flags = flags
    }

    /// The small built-in lists of ``EmailLists/builtIn``, for tests and until the full lists are loaded.
    public static let builtIn = HygieneLists(
        disposable: EmailLists.builtIn.disposable, freeMail: EmailLists.builtIn.freeProviders,
        roleLocalParts: EmailLists.builtIn.roleLocalParts)

    /// What the domain lists say about a domain: disposable (the domain or a parent listed, none allowlisted), or
    /// free-mail (the domain itself listed, and not disposable), or neither.
    public enum DomainClass: Sendable, Hashable {
        case disposable, freeMail, neither
    }

    /// Classifies a lowercase ASCII domain. The bare top-level domain is never looked up.
    public func classify(_ asciiDomain: String) -> DomainClass {
        var disposable = false
        var free = false
        var suffix = Substring(asciiDomain)
        var first = true
        while let dot = suffix.utf8.firstIndex(of: 46) {
            if let f = flags[String(suffix)] {
                if first && f & Self.isFreeFlag != 0 { free = true }
                if f & Self.isAllowedFlag != 0 {
                    disposable = false
                    break
                }
                if f & Self.isDisposableFlag != 0 { disposable = true }
            }
            first = false
            suffix = suffix[suffix.utf8.index(after: dot)...]
        }
        return disposable ? .disposable : free ? .freeMail : .neither
    }

    /// Whether the domain, or a parent domain of it, is disposable and none of them is on the allowlist.
    public func isDisposable(_ asciiDomain: String) -> Bool { classify(asciiDomain) == .disposable }

    /// Whether the domain is a free-mail provider (and not disposable).
    public func isFreeMail(_ asciiDomain: String) -> Bool { classify(asciiDomain) == .freeMail }

    /// Whether a mailbox (lowercase, as in ``EmailParts/mailbox``) is a role account: its part before `+` is listed.
    public func isRole(mailbox: String) -> Bool {
        let maybe = mailbox.utf8.withContiguousStorageIfAvailable { b -> Bool in
            let end = b.firstIndex(of: 43) ?? b.count
            let h = Self.roleHash(UnsafeBufferPointer(rebasing: b[..<end]))
            return roleBits[h >> 6] & (1 << UInt64(h & 63)) != 0
        }
        guard maybe ?? true else { return false }
        if let plus = mailbox.utf8.firstIndex(of: 43) { return roleLocalParts.contains(String(mailbox[..<plus])) }
        return roleLocalParts.contains(mailbox)
    }

    /// The same lists in the shape the fit rules use (`EmailLists`): disposable minus the allowlist, free-mail minus
    /// disposable. `EmailLists` matches domains exactly, so subdomains of disposable domains are not covered there.
    public var emailLists: EmailLists {
        let disposable = self.disposable.subtracting(allowlist)
        return EmailLists(freeProviders: freeMail.subtracting(disposable), disposable: disposable, roleLocalParts: roleLocalParts)
    }
}
