import QualifyCore
import QualifyStore
import QualifyUseCases

/// Every lead of a store with its whole record, once each (the queue, stage by stage, lists every lead).
/// Loads each lead's log: fine for tens of thousands of leads, slow for millions.
public enum StoreLeads {
    public static func forEach(_ store: any LeadStore, now: Timestamp,
                               _ body: (LeadKey, LeadRecord) async throws -> Void) async throws {
        var seen = Set<String>()
        for stage in Stage.allCases {
            for lead in try await store.queue(QueueQuery(stage: stage, limit: Int(Int32.max)), now: now) where seen.insert(lead.email).inserted {
                guard case .success(let key) = EmailAddress.identity(lead.email), let record = try await store.lead(key) else { continue }
                try await body(key, record)
            }
        }
    }
}
