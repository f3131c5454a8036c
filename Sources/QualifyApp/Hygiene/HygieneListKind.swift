import Foundation
import QualifyCore
import QualifyStore

/// The four lists list hygiene uses, where the bundled copies are and what a `qualify lists update` copy is called.
public enum HygieneListKind: String, CaseIterable, Sendable, Hashable {
    case disposable, allowlist, free, role

    /// The bundled resource files (in `Resources/lists`) that make up this list.
    public var bundledFiles: [String] {
        switch self {
        case .disposable: return ["disposable_email_blocklist.conf", "mailchecker-list.txt"]
        case .allowlist: return ["allowlist.conf"]
        case .free: return ["kikobeats-domains.json"]
        case .role: return ["role-localparts.txt"]
        }
    }

    /// The file name of an updated copy in the `qualify-lists/` folder.
    public var overrideFile: String { "\(rawValue).txt" }

    /// Domain lists hold domains (checked and stored in ASCII form); the role list holds local parts.
    public var holdsDomains: Bool { self != .role }

    /// What the list is for, in a few words.
    public var summary: String {
        switch self {
        case .disposable: return "throwaway mail domains (subdomains included)"
        case .allowlist: return "domains that are never disposable"
        case .free: return "free-mail providers"
        case .role: return "role local parts (info, sales …)"
        }
    }
}

/// Where a loaded list came from.
public struct HygieneListOrigin: Sendable, Hashable {
    public var kind: HygieneListKind
    /// Entries loaded.
    public var count: Int
    /// `bundled (file, file)` or the path of the updated copy.
    public var source: String
    public var isUpdated: Bool
    /// For an updated copy: its first line, which says where it was copied from and when.
    public var note: String?
    /// Lines that were not entries (junk such as "404: not found"), skipped.
    public var skipped: Int
}

/// The lists in use, and where each came from.
public struct LoadedHygieneLists: Sendable {
    public var lists: HygieneLists
    public var origins: [HygieneListOrigin]

    /// The lists in the shape the fit rules use (for the store: free, disposable and role sets).
    public var emailLists: EmailLists { lists.emailLists }

    /// A verifier over these lists, with Foundation's Unicode NFC as the normalization.
    public func verifier(typos: DomainTypos = DomainTypos()) -> EmailVerifier {
        EmailVerifier(lists: lists, typos: typos, normalize: UnicodeNormalization.nfc)
    }
}
