import Foundation
import QualifyCore
import QualifyStore

/// A batch's leads scored on a snapshot, outside the write transaction: for each lead that exists, is under the
/// active model and gets only events after its latest (the common case of a stream in time order), its new
/// projection and stage changes, with the stored state it was computed from. The write transaction does not read such
/// a lead: it appends the events and writes the projection guarded (only if the row still holds that state under that
/// model), and every event of the lead must have been new; any other lead (new, late events, changed meanwhile by
/// another writer, a guard that failed) is read and scored in the transaction, so the result never depends on which
/// path a lead took.
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
        guard let (model, engine) = try await store.engine(ofVersion: version) else { return }
        for (key, events) in byLead {
            guard Set(events.map(\.id)).count == events.count, let lead = stored[key], lead.modelVersion == version else { continue }
            var state = try lead.state()
            guard let changes = engine.applyInOrder(events, to: &state) else { continue }
            // a lead this batch routes is scored in the transaction, where routing holds the team's load
            if let on = RoutingStep.stage(of: model.model), changes.contains(where: { RoutingStep.reaches($0, on) }) { continue }
            leads[key] = Lead(from: lead, projection: LeadProjection(state: state, model: model.model), changes: changes, events: events.count)
        }
    }


    /// The write scored ahead for `lead`, guarded: the store makes it only if the row still holds the state it was
    /// scored from under the same model version.
    func guardedWrite(of lead: StoredLead) -> LeadWrite? {
        guard let scored = leads[lead.key], scored.from.id == lead.id else { return nil }
        var write = LeadWrite(lead: lead, projection: scored.projection, changes: scored.changes,
                              messages: Fold.announcements(of: scored.changes, lead: lead.key, newEvents: []))
        write.ifUnchanged = scored.from
        return write
    }
}

extension LeadStore {
    /// The engine of model `version` for scoring on a snapshot: the cached one, or the active model's compiled now;
    /// nil if the active model is already another (a model activated meanwhile: the transaction scores everything).
    func engine(ofVersion version: Int) async throws -> (ModelVersion, Engine)? {
        if let hit = engines.cached(version: version) { return hit }
        guard let active = try await activeModel(), active.version == version else { return nil }
        return try engines.compile(active, lists: lists)
    }
}
