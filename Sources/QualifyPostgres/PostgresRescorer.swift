#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

/// Replays every lead's events under a model: a dry run reports what would change; an applied run also rewrites
/// the projections (in the caller's transaction) and sends stage changes to the outbox.
/// Leads go in id order, a page at a time (with their events in fold order), so memory stays bounded; an applied
/// run locks each page's lead rows so no ingest changes them between the replay and the write.
enum PostgresRescorer {
    static let pageSize = 500

    static func run(_ db: GuardedConnection, model: ModelVersion, previous: QualificationModel, lists: EmailLists, now: Timestamp,
                    apply: Bool, examples: Int, logger: Logger) async throws -> RescoreReport {
        let engine = try Engine(model: model.model, lists: lists)
        var report = RescoreReport(exampleLimit: examples)
        var after: Int64 = 0
        while true {
            let page = try await leads(db, after: after, lock: apply, logger: logger)
            guard let last = page.last else { break }
            after = last.id
            var events: [Int64: [Event]] = [:]
            let keys = Dictionary(uniqueKeysWithValues: page.map { ($0.id, $0.key) })
            let rows = try await db.query("""
                SELECT lead_id, id, type, at, properties FROM event WHERE lead_id = ANY(\(page.map(\.id)))
                ORDER BY lead_id, at, id COLLATE "C"
                """, logger: logger)
            for try await (leadID, id, type, at, properties) in rows.decode((Int64, String, String, Int64, String).self) {
                guard let key = keys[leadID] else { continue }
                events[leadID, default: []].append(try PostgresStoredEvent.event(id: id, lead: key, type: type, at: at, properties: properties))
            }
            var writes: [LeadWrite] = []
            for lead in page {
                var state = LeadState(key: lead.key)
                for event in events[lead.id] ?? [] { engine.apply(event, to: &state) }
                report.record(before: lead.state, after: state, now: now, beforeModel: previous, afterModel: model.model)
                if apply {
                    let change = StageChange.rescore(from: lead.state.stage, to: state, model: model.model, version: model.version, at: now)
                    writes.append(LeadWrite(lead: StoredLead(id: lead.id, key: lead.key, modelVersion: model.version, stateBytes: Data()),
                                            projection: LeadProjection(state: state, model: model.model), changes: change.map { [$0] } ?? []))
                }
            }
            // the page's projections and stage changes, a statement each
            try await PostgresLeadRows.writeAll(db, writes, modelVersion: model.version, at: now, logger: logger)
        }
        return report
    }

    struct Lead {
        var id: Int64
        var key: LeadKey
        var state: LeadState
    }

    static func leads(_ db: GuardedConnection, after: Int64, lock: Bool, logger: Logger) async throws -> [Lead] {
        let rows = lock
            ? try await db.query("SELECT id, email, state FROM lead WHERE id > \(after) ORDER BY id LIMIT \(pageSize) FOR UPDATE",
                                 logger: logger)
            : try await db.query("SELECT id, email, state FROM lead WHERE id > \(after) ORDER BY id LIMIT \(pageSize)", logger: logger)
        var page: [Lead] = []
        for try await (id, email, blob) in rows.decode((Int64, String, Data).self) {
            let key = LeadKey(normalizedEmail: email)
            page.append(Lead(id: id, key: key, state: try PostgresLeadRows.decodeState(blob, key: key)))
        }
        return page
    }
}
#endif
