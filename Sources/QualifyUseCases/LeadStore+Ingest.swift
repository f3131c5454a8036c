import Foundation
import QualifyCore
import QualifyStore

extension LeadStore {
    /// Appends activities (idempotent by event id), scores them and advances stages, in one transaction; decided
    /// here once for every store:
    /// - an event the core's limits or the email's syntax refuse is rejected before any storage is touched;
    /// - an unknown lead's event is rejected (or, with ``IngestOptions/createLeads``, the lead is created);
    /// - an id already stored, or already earlier in the batch, is a duplicate and changes nothing;
    /// - each lead's new events are folded onto its state when all come after its latest, else its log is replayed
    ///   (late events, a state from another model version), so the result always equals a replay;
    /// - every stage move is recorded with one outbox message.
    ///
    /// A large batch on a store that ``LeadStore/scoresAhead`` is scored on a snapshot first (``ScoredAhead``), beside
    /// the writer; the transaction uses such a score only where the row it holds is the one scored.
    public func ingest(_ events: [IncomingEvent], options: IngestOptions = IngestOptions(), now: Timestamp) async throws -> [IngestOutcome] {
        let (checked, keys) = StoredEventCodec.precheck(events, now: now)
        var rows: [EventRow?] = Array(repeating: nil, count: events.count)
        for (i, e) in events.enumerated() where checked[i] == nil {
            let event = Event(id: e.id, lead: keys[i]!, at: e.at, kind: .activity(type: e.type, properties: e.properties))
            rows[i] = EventRow(event: event, leadID: 0, properties: FlatJSON.encode(e.properties))
        }
        let parsed = rows
        let ahead = scoresAhead && events.count >= ScoredAhead.minimumEvents
            ? try await ScoredAhead(store: self, events: parsed.compactMap { $0?.event }, now: now) : nil
        let (lists, engines) = (self.lists, self.engines)
        let resolved = try await transaction { tx -> [IngestOutcome?] in
            var outcomes = checked
            // Hold every lead the batch touches first, then read the model: a model activated while this waited for
            // a lock is the one it scores with.
            var leads = try await tx.lockLeads(Set(keys.compactMap { $0 }))
            let (model, engine) = try await engines.current(tx, lists: lists)
            var unknown: Set<LeadKey> = []
            var seen: Set<EventID> = []
            var notNew: Set<LeadKey> = []
            var candidates: [Int] = []
            for i in events.indices where outcomes[i] == nil {
                let key = keys[i]!
                if unknown.contains(key) {
                    outcomes[i] = .rejected(.unknownLead(key.email))
                    continue
                }
                if leads[key] == nil {
                    guard options.createLeads else {
                        unknown.insert(key)
                        outcomes[i] = .rejected(.unknownLead(key.email))
                        continue
                    }
                    leads[key] = try await tx.insertLead(key, accountDomain: lists.accountDomain(of: key), company: nil, at: now,
                                                         modelVersion: model.version)
                }
                // A second event with an id already in this batch is a duplicate of the first, as if sent again.
                guard seen.insert(events[i].id).inserted else {
                    outcomes[i] = .duplicate
                    notNew.insert(key)
                    continue
                }
                candidates.append(i)
            }
            let inserted = try await tx.appendEvents(candidates.map { i in
                var row = parsed[i]!
                row.leadID = leads[keys[i]!]!.id
                return row
            }, receivedAt: now)
            var fresh: [LeadKey: [Event]] = [:]
            for i in candidates {
                let key = keys[i]!
                if inserted.contains(events[i].id) {
                    outcomes[i] = .applied
                    fresh[key, default: []].append(parsed[i]!.event)
                } else {
                    outcomes[i] = .duplicate
                    notNew.insert(key)
                }
            }
            var writes: [LeadWrite] = []
            writes.reserveCapacity(fresh.count)
            for (key, newEvents) in fresh.sorted(by: { $0.key < $1.key }) {
                let lead = leads[key]!
                if !notNew.contains(key), let scored = ahead?.score(of: lead, modelVersion: model.version, events: newEvents.count) {
                    writes.append(scored)
                } else {
                    writes.append(try await Fold.apply(newEvents, to: lead, engine: engine, model: model, in: tx))
                }
            }
            try await tx.writeLeads(writes, modelVersion: model.version, at: now)
            return outcomes
        }
        return resolved.map { $0! }
    }
}

extension EmailLists {
    /// The account a new lead is linked to: its email domain, unless that is a free-mail or disposable provider
    /// (where the domain says nothing about the organization).
    public func accountDomain(of key: LeadKey) -> String? {
        let domain = key.domain
        return freeProviders.contains(domain) || disposable.contains(domain) ? nil : domain
    }
}
