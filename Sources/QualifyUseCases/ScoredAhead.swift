import Foundation
import QualifyCore
import QualifyStore

/// A batch's leads scored on a snapshot, outside the write transaction: for each lead that exists, is under the
/// active model and gets only events after its latest (the common case of a stream in time order), its new
/// projection and stage changes, with the stored state it was computed from. The write transaction uses one only if
/// the row it holds is still that state under that model and every event of the lead was new; any other lead (new,
/// late events, changed meanwhile by another writer) is scored in the transaction, so the result never depends on
/// which path a lead took.
struct ScoredAhead: Sendable {
    /// Below this many events a batch is scored inside its transaction: a single-event request would pay for a read
    /// of its own and gain nothing, as the scoring it moves is what it waits for anyway. The exact boundary is not
    /// tuned; imports (5,000 per batch) and API batches of hundreds are well above it.
    static let minimumEvents = 64

    struct Lead: Sendable {
        var from: StoredLead
        var projection: LeadProjection
        var changes: [StageChange]
        var events: Int
    }

    var modelVersion: Int
    var leads: [LeadKey: Lead] = [:]

    init(store: some LeadStore, events: [Event], now: Timestamp) async throws {
        var byLead: [LeadKey: [Event]] = [:]
        for event in events { byLead[event.lead, default: []].append(event) }
        let (version, stored) = try await store.storedLeads(Set(byLead.keys))
        modelVersion = version
        guard let (model, engine) = try await Self.engine(store: store, version: version) else { return }
        for (key, events) in byLead {
            guard Set(events.map(\.id)).count == events.count, let lead = stored[key], lead.modelVersion == version else { continue }
            var state = try lead.state()
            guard let changes = engine.applyInOrder(events, to: &state) else { continue }
            leads[key] = Lead(from: lead, projection: LeadProjection(state: state, model: model.model), changes: changes, events: events.count)
        }
    }

    /// The engine of `version`: the cached one, or the active model's compiled now; nil if the active model is
    /// already another (a model activated meanwhile: the transaction scores everything).
    private static func engine(store: some LeadStore, version: Int) async throws -> (ModelVersion, Engine)? {
        if let hit = store.engines.cached(version: version) { return hit }
        guard let active = try await store.activeModel(), active.version == version else { return nil }
        return try store.engines.compile(active, lists: store.lists)
    }

    /// The write scored ahead for `lead` as the transaction holds it, if it is still valid: same model version, the
    /// same stored state, and the same number of new events (all of the batch's events for it were new).
    func score(of lead: StoredLead, modelVersion: Int, events: Int) -> LeadWrite? {
        guard modelVersion == self.modelVersion, let scored = leads[lead.key], scored.events == events,
              lead.modelVersion == scored.from.modelVersion, lead.stateBytes == scored.from.stateBytes else { return nil }
        return LeadWrite(lead: lead, projection: scored.projection, changes: scored.changes,
                         messages: Fold.announcements(of: scored.changes, lead: lead.key, newEvents: []))
    }
}
