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
    /// - every stage move is recorded with one outbox message;
    /// - a lead entering the model's routing stage without an owner is routed (``RoutingStep``).
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
            // a lock is the one it scores with. A lead scored ahead is not read here: its write is guarded instead
            // (written only if the row still holds the state it was scored from; otherwise it is read and folded).
            let touched = Set(keys.compactMap { $0 })
            let scoredAhead: Set<LeadKey> = Set(ahead.map { Array($0.leads.keys) } ?? [])
            var leads = try await tx.lockLeads(touched.subtracting(scoredAhead))
            let (model, engine) = try await engines.current(tx, lists: lists)
            var routing = RoutingStep(model, lists: lists)
            var usable = ahead?.modelVersion == model.version ? ahead : nil
            if usable == nil, !scoredAhead.isEmpty {
                leads.merge(try await tx.lockLeads(scoredAhead.intersection(touched)), uniquingKeysWith: { a, _ in a })
            }
            for (key, lead) in usable?.leads ?? [:] { leads[key] = lead.from }
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
            var unread: Set<LeadKey> = []
            for (key, newEvents) in fresh where usable?.leads[key] != nil {
                // scored ahead from all of the batch's events for it: written if the row is unchanged; otherwise read
                if notNew.contains(key) || usable?.leads[key]?.events != newEvents.count { unread.insert(key) }
            }
            if !unread.isEmpty {
                for (key, lead) in try await tx.lockLeads(unread) { leads[key] = lead }
                for key in unread { usable?.leads[key] = nil }
            }
            for (key, newEvents) in fresh.sorted(by: { $0.key < $1.key }) {
                let lead = leads[key]!
                if let scored = usable?.guardedWrite(of: lead) {
                    writes.append(scored)
                } else {
                    let write = try await Fold.apply(newEvents, to: lead, engine: engine, model: model, in: tx)
                    writes.append(try await routing.route(write, engine: engine, model: model, in: tx, now: now))
                }
            }
            // a guarded write whose row changed since the snapshot is not made: read that lead now and fold it
            let changed = try await tx.writeLeads(writes, modelVersion: model.version, at: now)
            if !changed.isEmpty {
                let keysChanged = Set(writes.filter { changed.contains($0.lead.id) }.map(\.lead.key))
                var retried: [LeadWrite] = []
                for (key, lead) in try await tx.lockLeads(keysChanged).sorted(by: { $0.key < $1.key }) {
                    let write = try await Fold.apply(fresh[key]!, to: lead, engine: engine, model: model, in: tx)
                    retried.append(try await routing.route(write, engine: engine, model: model, in: tx, now: now))
                }
                _ = try await tx.writeLeads(retried, modelVersion: model.version, at: now)
            }
            try await routing.finish(in: tx)
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
