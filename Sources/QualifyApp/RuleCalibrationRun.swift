import Foundation
import QualifyCore
import QualifyStore

/// Gathers the decided leads (a `win` or `lose` move in their log) for ``RuleCalibration``: each lead as the active
/// model saw it just before the outcome was recorded (its latest outcome, if it has several).
public enum RuleCalibrationRun {
    public static func decided(store: any LeadStore, lists: EmailLists, now: Timestamp,
                               progress: (Int) -> Void = { _ in }) async throws -> [RuleCalibration.Decided] {
        guard let model = try await store.activeModel() else { throw StoreError.noActiveModel }
        let engine = try Engine(model: model.model, lists: lists)
        var seen = Set<String>()
        var out: [RuleCalibration.Decided] = []
        for stage in Stage.allCases {
            let leads = try await store.queue(QueueQuery(stage: stage, limit: Int(Int32.max)), now: now)
            for lead in leads where seen.insert(lead.email).inserted {
                guard case .success(let key) = EmailAddress.parse(lead.email), let record = try await store.lead(key) else { continue }
                var outcome: (at: Timestamp, won: Bool)?
                for event in record.events {
                    if case .stageMove(let action, _, _) = event.kind, let won = action.outcome { outcome = (event.at, won) }
                }
                guard let outcome else { continue }
                let before = LeadCard.build(key: key, events: record.events, account: nil, engine: engine,
                                            asOf: outcome.at.adding(TimeSpan(millis: -1)))
                out.append(.init(grade: before.grade, fitPoints: before.fitPoints, temperature: before.temperature,
                                 stage: before.stage, won: outcome.won))
                if seen.count % 1000 == 0 { progress(seen.count) }
            }
        }
        return out
    }
}
