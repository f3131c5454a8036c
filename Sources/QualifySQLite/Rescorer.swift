import Dispatch
import Foundation
import GRDB
import QualifyCore
import QualifyStore

/// Replays every lead's events under a model: a dry run reports what would change; an applied run also rewrites
/// the projections (in the caller's transaction) and sends stage changes to the outbox.
///
/// The work is split: the connection's thread reads leads and events a page at a time and writes the results, while
/// two scorers, each on a thread of its own with its own compiled engine, decode and replay pages (events, states,
/// the engine, the projections) — pages alternate between them and their results are written in page order. The
/// database is only ever touched from the caller's thread, inside its transaction, so the result is the serial one;
/// what overlaps is the scoring of pages with the reading and writing of others.
enum Rescorer {
    /// Leads per page: enough that handing a page over costs nothing next to scoring it, few enough to keep memory flat.
    static let pageSize = 2_000
    /// Pages being scored at once (one per scorer thread).
    static let scorers = 2

    /// A lead as read, not yet decoded.
    struct RawLead {
        var id: Int64
        var email: String
        var state: Data
        var events: [(id: String, type: String, at: Int64, properties: String)] = []
    }

    /// A lead replayed: what the write needs.
    struct Scored {
        var id: Int64
        var key: LeadKey
        var projection: LeadRows.Projection
        var change: StageChange?
    }

    static func run(_ db: Database, model: ModelVersion, previous: QualificationModel, lists: EmailLists, now: Timestamp,
                    apply: Bool, examples: Int) throws -> RescoreReport {
        let workers = try (0..<scorers).map { _ in
            PageScorer(engine: try Engine(model: model.model, lists: lists), model: model, previous: previous, now: now,
                       apply: apply, exampleLimit: examples)
        }
        var report = RescoreReport(exampleLimit: examples)
        // Two ordered scans merged by lead id: leads, and events in (lead_id, at, id) order (the event_lead index).
        let leads = try Row.fetchCursor(db, sql: "SELECT id, email, state FROM lead ORDER BY id")
        let events = try Row.fetchCursor(db, sql: "SELECT lead_id, id, type, at, properties FROM event ORDER BY lead_id, at, id")
        var pending: Row? = try events.next()
        func readPage() throws -> [RawLead] {
            var page: [RawLead] = []
            page.reserveCapacity(pageSize)
            while page.count < pageSize, let row = try leads.next() {
                var lead = RawLead(id: row[0], email: row[1], state: row[2])
                while let event = pending, (event[0] as Int64) <= lead.id {
                    if (event[0] as Int64) == lead.id { lead.events.append((event[1], event[2], event[3], event[4])) }
                    pending = try events.next()
                }
                page.append(lead)
            }
            return page
        }
        var inFlight: [PageScorer.Scoring] = []  // oldest first
        var sent = 0
        var page = try readPage()
        while !page.isEmpty || !inFlight.isEmpty {
            // keep every scorer busy, reading the next page while they work
            while inFlight.count < workers.count, !page.isEmpty {
                inFlight.append(workers[sent % workers.count].start(page))
                sent += 1
                page = try readPage()
            }
            let (scored, part) = try inFlight.removeFirst().wait()
            report.absorb(part)
            guard apply else { continue }
            for lead in scored {
                try LeadRows.write(db, id: lead.id, projection: lead.projection)
                if let change = lead.change {
                    try LeadRows.recordStageChanges(db, leadID: lead.id, changes: [change],
                                                    messages: [.stageChanged(lead: lead.key.email, change: change, outcome: nil)],
                                                    modelVersion: model.version, now: now)
                }
            }
        }
        return report
    }

    /// Scores pages on a thread of its own, one at a time, with an engine only it uses. A page's result (its leads
    /// and the report of just those leads) is handed back through a semaphore.
    final class PageScorer: @unchecked Sendable {
        let engine: Engine
        let model: ModelVersion
        let previous: QualificationModel
        let now: Timestamp
        let apply: Bool
        let exampleLimit: Int
        private let queue = DispatchQueue(label: "qualify.rescore")

        init(engine: Engine, model: ModelVersion, previous: QualificationModel, now: Timestamp, apply: Bool, exampleLimit: Int) {
            self.engine = engine
            self.model = model
            self.previous = previous
            self.now = now
            self.apply = apply
            self.exampleLimit = exampleLimit
        }

        final class Scoring: @unchecked Sendable {
            fileprivate var result: Result<([Scored], RescoreReport), any Error> = .success(([], RescoreReport()))
            fileprivate let done = DispatchSemaphore(value: 0)
            func wait() throws -> ([Scored], RescoreReport) {
                done.wait()
                return try result.get()
            }
        }

        func start(_ page: [RawLead]) -> Scoring {
            let scoring = Scoring()
            queue.async {
                scoring.result = Result { try self.score(page) }
                scoring.done.signal()
            }
            return scoring
        }

        private func score(_ page: [RawLead]) throws -> ([Scored], RescoreReport) {
            var report = RescoreReport(exampleLimit: exampleLimit)
            var out: [Scored] = []
            out.reserveCapacity(apply ? page.count : 0)
            for raw in page {
                let key = LeadKey(normalizedEmail: raw.email)
                let before = try LeadRows.decodeHeadline(raw.state, key: key)
                var state = LeadState(key: key)
                for e in raw.events {
                    engine.apply(try StoredEvent.event(id: e.id, lead: key, type: e.type, at: e.at, properties: e.properties), to: &state)
                }
                report.record(before: before, after: state, now: now, beforeModel: previous, afterModel: model.model)
                guard apply else { continue }
                let change = StageChange.rescore(from: before.stage, to: state, model: model.model, version: model.version, at: now)
                out.append(Scored(id: raw.id, key: key, projection: LeadRows.Projection(state: state, model: model, at: now), change: change))
            }
            return (out, report)
        }
    }
}
