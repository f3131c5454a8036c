import QualifyCore
import QualifyStore

/// Applying newly appended events to a lead, decided once: incremental when they all come after the lead's latest
/// folded event under the same model; otherwise the lead's whole log (which already holds them) is replayed, so the
/// result always equals a replay.
enum Fold {
    static func apply(_ newEvents: [Event], to lead: StoredLead, engine: Engine, model: ModelVersion,
                      in tx: any LeadTransaction) async throws -> LeadWrite {
        var state = try lead.state()
        let changes: [StageChange]
        if lead.modelVersion == model.version, let inOrder = engine.applyInOrder(newEvents, to: &state) {
            changes = inOrder
        } else {
            (state, changes) = engine.replay(lead.key, log: try await tx.eventLog(of: lead), newEvents: newEvents)
        }
        return LeadWrite(lead: lead, projection: LeadProjection(state: state, model: model.model), changes: changes)
    }
}

extension LeadWrite {
    /// The row as it stands once this write lands (for a later step of the same transaction).
    func written(modelVersion: Int) -> StoredLead {
        StoredLead(id: lead.id, key: lead.key, modelVersion: modelVersion, stateBytes: projection.state)
    }
}
