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
            (state, changes) = engine.replay(lead.key, log: try await tx.eventLog(of: lead), previous: state.stageHistory)
        }
        return LeadWrite(lead: lead, projection: LeadProjection(state: state, model: model.model), changes: changes,
                         messages: announcements(of: changes, lead: lead.key, newEvents: newEvents))
    }

    /// One outbox message per move; a person's `win` or `lose` among the new events marks its move as an outcome.
    static func announcements(of changes: [StageChange], lead: LeadKey, newEvents: [Event]) -> [OutboxEvent] {
        guard !changes.isEmpty else { return [] }
        var outcomes: [EventID: Bool] = [:]
        for event in newEvents {
            if case .stageMove(let action, _, _, _) = event.kind, let outcome = action.outcome { outcomes[event.id] = outcome }
        }
        return changes.map { .stageChanged(lead: lead.email, change: $0, outcome: outcomes[$0.eventID]) }
    }
}

extension LeadWrite {
    /// The row as it stands once this write lands (for a later step of the same transaction).
    func written(modelVersion: Int) -> StoredLead {
        StoredLead(id: lead.id, key: lead.key, modelVersion: modelVersion, stateBytes: projection.state)
    }
}
