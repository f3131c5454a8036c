import QualifyCore
import QualifyStore

/// Every lead of a store, once each, a page of the lead index at a time (row id order: a walk meets every lead that
/// existed when it started exactly once while others change, with memory bounded by the page).
public enum StoreLeads {
    /// The lead index in pages of at most `pageSize`, each filtered by `keep` (empty pages are skipped).
    public static func forEachPage(_ store: any LeadStore, pageSize: Int = 500, where keep: (LeadIndexEntry) -> Bool = { _ in true },
                                   _ body: ([LeadIndexEntry]) async throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let page = try await store.leadIndex(afterID: after, limit: pageSize)
            guard let last = page.last else { return }
            after = last.id
            let kept = page.filter(keep)
            if !kept.isEmpty { try await body(kept) }
        }
    }

    /// Every lead `keep` keeps, with its whole record (its log loaded: fine for tens of thousands of leads, slow for
    /// millions).
    public static func forEach(_ store: any LeadStore, where keep: (LeadIndexEntry) -> Bool = { _ in true },
                               _ body: (LeadKey, LeadRecord) async throws -> Void) async throws {
        try await forEachPage(store, where: keep) { page in
            for entry in page {
                guard let record = try await store.lead(entry.key) else { continue }
                try await body(entry.key, record)
            }
        }
    }
}
