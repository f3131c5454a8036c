import GRDB
import QualifyCore
import QualifyStore

/// Replays every lead's events under a model: a dry run reports what would change; an applied run also rewrites
/// the projections (in the caller's transaction) and sends stage changes to the outbox.
enum Rescorer {
    static func run(_ db: Database, model: ModelVersion, previous: QualificationModel, lists: EmailLists, now: Timestamp,
                    apply: Bool, examples: Int) throws -> RescoreReport {
        let engine = try Engine(model: model.model, lists: lists)
        var report = RescoreReport(exampleLimit: examples)
        // Two ordered scans merged by lead id: leads, and events in (lead_id, at, id) order (the event_lead index).
        let leads = try Row.fetchCursor(db, sql: "SELECT id, email, state FROM lead ORDER BY id")
        let events = try Row.fetchCursor(db, sql: "SELECT lead_id, id, type, at, properties FROM event ORDER BY lead_id, at, id")
        var pending: Row? = try events.next()
        while let lead = try leads.next() {
            let id: Int64 = lead[0]
            let key = LeadKey(normalizedEmail: lead[1])
            let before = try LeadRows.decodeState(lead[2], key: key)
            var state = LeadState(key: key)
            while let row = pending, (row[0] as Int64) <= id {
                if (row[0] as Int64) == id {
                    let event = try StoredEvent.event(id: row[1], lead: key, type: row[2], at: row[3], properties: row[4])
                    engine.apply(event, to: &state)
                }
                pending = try events.next()
            }
            report.record(before: before, after: state, now: now, beforeModel: previous, afterModel: model.model)
            if apply {
                try LeadRows.write(db, id: id, state: state, model: model, at: now)
                if before.stage != state.stage {
                    let change = StageChange(from: before.stage, to: state.stage, at: now,
                                             eventID: state.last?.id ?? EventID(""),
                                             reason: "rescore under model version \(model.version) (\(model.model.name))", by: "model")
                    try LeadRows.recordStageChanges(db, leadID: id, key: key, changes: [change], model: model, now: now)
                }
            }
        }
        return report
    }
}
