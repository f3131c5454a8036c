import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases

/// Gathers the decided leads (a `win` or `lose` move in their log) for ``RuleCalibration``: each lead as the active
/// model saw it just before the outcome was recorded (its latest outcome, if it has several).
public enum RuleCalibrationRun {
    public static func decided(store: any LeadStore, lists: EmailLists, now: Timestamp,
                               progress: (Int) -> Void = { _ in }) async throws -> [RuleCalibration.Decided] {
        guard let model = try await store.activeModel() else { throw StoreError.noActiveModel }
        let engine = try Engine(model: model.model, lists: lists)
        var out: [RuleCalibration.Decided] = []
        var read = 0
        try await StoreLeads.forEach(store) { key, record in
            read += 1
            if read % 1000 == 0 { progress(read) }
            guard let outcome = DealOutcome.latest(in: record.events) else { return }
            let before = LeadCard.build(key: key, events: record.events, account: nil, engine: engine,
                                        asOf: outcome.at.adding(TimeSpan(millis: -1)))
            out.append(.init(grade: before.grade, fitPoints: before.fitPoints, temperature: before.temperature,
                             stage: before.stage, won: outcome.won))
        }
        return out
    }
}
