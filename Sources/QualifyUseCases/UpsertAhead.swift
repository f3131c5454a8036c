import Foundation
import QualifyCore
import QualifyStore

/// A batch of lead upserts merged and scored on a snapshot, outside the write transaction (as ``ScoredAhead`` does for
/// events): for each row, the fields update its merge makes, and the lead's new projection and stage changes, with
/// the stored row (or its absence) it was computed from. The transaction takes a row's plan only where it holds the
/// same row — the same bytes under the same model, or still no lead — and merges and scores every other row itself
/// (a lead changed or created meanwhile, a late create date that needs a replay, a lead routing must decide), so the
/// result never depends on which path a row took. An importer scores the next batch while the previous one is written.
public struct UpsertAhead: Sendable {
    /// Below this many rows a batch is merged inside its transaction (a single upsert would pay for a read of its own).
    public static let minimumRows = 64

    struct Plan: Sendable {
        /// The row scored from; nil: no lead had the address.
        var from: StoredLead?
        /// The merge's fields update and changes; nil: the row changes nothing.
        var merge: (changes: [String: String], event: Event)?
        /// The merge event's stored properties (``StoredEventCodec/properties(of:)``) and the changes as stored
        /// (``FlatJSON``), encoded here rather than by the writer (the import's bottleneck).
        var properties: String?
        var changes: String?
        var projection: LeadProjection?
        var stageChanges: [StageChange]
    }

    let modelVersion: Int
    var plans: [LeadKey: Plan] = [:]
    /// How many rows have a plan (the others are merged and scored in the transaction).
    public var planned: Int { plans.count }

    /// Scores `rows` (whose keys must be distinct; a batch that repeats one is scored in its transaction) at `now`.
    public init(store: some LeadStore, rows: [LeadUpsert], now: Timestamp) async throws {
        let (version, stored) = try await store.storedLeads(Set(rows.map(\.key)))
        modelVersion = version
        guard Set(rows.map(\.key)).count == rows.count, let (model, engine) = try await store.engine(ofVersion: version) else { return }
        let routingStage = RoutingStep.stage(of: model.model)
        for row in rows {
            let from = stored[row.key]
            if let from, from.modelVersion != version { continue }
            var state = try from?.state() ?? LeadState(key: row.key)
            guard let merge = FieldMerge.merge(row.fields, into: state.fields, key: row.key, origin: row.origin, at: row.time(now: now),
                                               eventCount: state.eventCount, created: from == nil) else {
                plans[row.key] = Plan(from: from, merge: nil, properties: nil, changes: nil, projection: nil, stageChanges: [])
                continue
            }
            // a create date before the lead's latest event needs its log replayed: the transaction does it
            guard let changes = engine.applyInOrder([merge.event], to: &state) else { continue }
            if let on = routingStage, changes.contains(where: { RoutingStep.reaches($0, on) }) { continue }
            plans[row.key] = Plan(from: from, merge: merge, properties: StoredEventCodec.properties(of: merge.event),
                                  changes: FlatJSON.encode(merge.changes), projection: LeadProjection(state: state, model: model.model), stageChanges: changes)
        }
    }

    /// The plan for `key` if the transaction holds the row it was made from: `current` the row before any insert of
    /// this transaction (nil: no lead had the address).
    func plan(for key: LeadKey, current: StoredLead?, modelVersion: Int) -> Plan? {
        guard modelVersion == self.modelVersion, let plan = plans[key] else { return nil }
        switch (plan.from, current) {
        case (nil, nil): return plan
        case let (from?, current?) where from.id == current.id && from.modelVersion == current.modelVersion && from.stateBytes == current.stateBytes:
            return plan
        default: return nil
        }
    }
}
