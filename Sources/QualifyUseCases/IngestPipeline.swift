import Foundation
import QualifyCore
import QualifyStore

/// Events on their way in, each with where it came from (a file's line, a request's position), carried to its outcome.
public struct EventBatch: Sendable {
    public var events: [IncomingEvent] = []
    public var origins: [Int] = []

    public init() {}

    public init(events: [IncomingEvent], origins: [Int]) {
        self.events = events
        self.origins = origins
    }

    mutating func append(contentsOf other: EventBatch) {
        events += other.events
        origins += other.origins
    }
}

/// Ingests a stream of batches with up to the store's ``LeadStore/ingestWriters`` batches in flight (two on both
/// stores), so that one batch is read, parsed and scored on a snapshot (``ScoredAhead``) while another is written:
/// with one batch at a time, one of the machine's cores waits for the other. Used by `qualify import events` and by
/// `POST /events/batch`, which gives the same result as one batch at a time:
/// - batches in flight never share a lead (by its address's identity) or an event id: such events wait for a later
///   batch, in their order, so no batch queues behind another's row locks, a lead's events are applied in the order
///   given, and of two events with one id the first is applied and the second is a duplicate;
/// - how events are split never changes what is stored or scored, nor a lead's own moves
///   (``LeadStore/ingest(_:options:now:)`` is idempotent by event id and folds late events by replaying); what can
///   differ is what depends on the order of different leads' writes: the outbox's order across leads, and which owner
///   a routing pool's turn gives to which of two leads reaching the routing stage in batches in flight together.
public struct IngestPipeline: Sendable {
    public var store: any LeadStore
    public var options: IngestOptions
    public var now: Timestamp
    /// Events per batch sent to the store: what a batch that waits may grow to before the pipeline lets one finish.
    public var batchSize: Int

    /// Events per batch when a request's events are split (``ingest(_:)``): small enough that a 10,000-event request
    /// is several batches the two writers overlap, large enough that each is scored ahead (``ScoredAhead/minimumEvents``).
    public static let requestBatchSize = 2_500

    public init(store: any LeadStore, options: IngestOptions = IngestOptions(), now: Timestamp, batchSize: Int) {
        self.store = store
        self.options = options
        self.now = now
        self.batchSize = max(1, batchSize)
    }

    /// A batch written, with its events' outcomes in its order.
    public struct Finished: Sendable {
        public var batch: EventBatch
        public var outcomes: [IngestOutcome]
    }

    /// Takes batches from `next` until it returns nil and hands each written one to `finished` (in the order they
    /// finish, not always the order read).
    public func run(next: () throws -> EventBatch?, finished: (Finished) throws -> Void) async throws {
        let (store, options, now) = (self.store, self.options, self.now)
        let writers = max(1, store.ingestWriters)
        try await withThrowingTaskGroup(of: (Int, Finished).self) { group in
            var busy: [Int: (leads: Set<String>, ids: Set<EventID>)] = [:]  // what each batch in flight holds
            var held = EventBatch()
            var number = 0
            func collectOne() async throws {
                guard let (n, done) = try await group.next() else { return }
                busy[n] = nil
                try finished(done)
            }
            func send(_ batch: EventBatch) {
                number += 1
                let n = number
                busy[n] = writers > 1 ? (Set(batch.events.map { Self.leadIdentity($0.email) }), Set(batch.events.map(\.id))) : ([], [])
                group.addTask { (n, Finished(batch: batch, outcomes: try await store.ingest(batch.events, options: options, now: now))) }
            }
            func split(_ pending: EventBatch) -> (go: EventBatch, wait: EventBatch) {
                Self.split(pending, busyLeads: busy.values.reduce(into: Set<String>()) { $0.formUnion($1.leads) },
                           busyIDs: busy.values.reduce(into: Set<EventID>()) { $0.formUnion($1.ids) })
            }
            while let next = try next() {
                if busy.count == writers { try await collectOne() }
                var pending = held
                pending.append(contentsOf: next)
                var (go, wait) = writers > 1 ? split(pending) : (pending, EventBatch())
                // Nothing free, or too much waiting: let a batch in flight finish first.
                while !busy.isEmpty, go.events.isEmpty || wait.events.count > batchSize {
                    try await collectOne()
                    (go, wait) = split(pending)
                }
                held = wait
                if !go.events.isEmpty { send(go) }
            }
            while !busy.isEmpty { try await collectOne() }
            if !held.events.isEmpty {
                send(held)
                try await collectOne()
            }
        }
    }

    /// `events` through ``run(next:finished:)`` in batches of about ``batchSize``: their outcomes in the order given.
    /// The batches are cut by lead (``leadGroups(_:count:)``), so each holds all of its leads' events and none waits
    /// for another: a request with many events per lead is not split into batches that each read and write every lead.
    public func ingest(_ events: [IncomingEvent]) async throws -> [IngestOutcome] {
        let groups = Self.leadGroups(events, count: (events.count + batchSize - 1) / batchSize)
        // one batch: nothing to overlap, so no task to hand it to
        if groups.count <= 1 { return try await store.ingest(events, options: options, now: now) }
        var outcomes: [IngestOutcome?] = Array(repeating: nil, count: events.count)
        var pending = groups[...]
        try await run(next: {
            guard let positions = pending.popFirst() else { return nil }
            return EventBatch(events: positions.map { events[$0] }, origins: positions)
        }, finished: { done in
            for (position, outcome) in zip(done.batch.origins, done.outcomes) { outcomes[position] = outcome }
        })
        return outcomes.enumerated().map { position, outcome in
            guard let outcome else { preconditionFailure("the store answered no outcome for event \(position) of \(events.count)") }
            return outcome
        }
    }

    /// The positions of `events` in up to `count` groups of about equal size, each lead's events (by identity) in one
    /// group, in their order; one group when that cannot be done: a single lead, or an id sent for two leads (which
    /// of the two is the duplicate depends on the order they are written in).
    static func leadGroups(_ events: [IncomingEvent], count: Int) -> [[Int]] {
        let all = [Array(events.indices)]
        guard count > 1 else { return all }
        var groupOfLead: [String: Int] = [:]
        var groupOfID: [EventID: Int] = [:]
        var groups = Array(repeating: [Int](), count: count)
        for (position, event) in events.enumerated() {
            let lead = leadIdentity(event.email)
            let group: Int
            if let known = groupOfLead[lead] {
                group = known
            } else {
                // a new lead goes to the smallest group so far
                group = groups.indices.min { groups[$0].count < groups[$1].count }!
                groupOfLead[lead] = group
            }
            if let other = groupOfID.updateValue(group, forKey: event.id), other != group { return all }
            groups[group].append(position)
        }
        let used = groups.filter { !$0.isEmpty }
        return used.count > 1 ? used : all
    }

    /// The lead an event's address names, as the store keys it (``EmailAddress/identity(_:)``: `Ada@ACME.io` and
    /// `ada@acme.io` are one lead); the address as written when it is not valid (the store rejects the event).
    static func leadIdentity(_ email: String) -> String {
        (try? EmailAddress.identity(email).get())?.email ?? email
    }

    /// Splits `pending` into the events free to go now and those whose lead (by identity) or id a batch in flight
    /// holds, or an earlier event that waits has (so a lead's events never overtake each other); both in their order.
    static func split(_ pending: EventBatch, busyLeads: Set<String>, busyIDs: Set<EventID>) -> (go: EventBatch, wait: EventBatch) {
        if busyLeads.isEmpty && busyIDs.isEmpty { return (pending, EventBatch()) }
        var (leads, ids) = (busyLeads, busyIDs)
        var go = EventBatch(), wait = EventBatch()
        for (event, origin) in zip(pending.events, pending.origins) {
            let lead = leadIdentity(event.email)
            if leads.contains(lead) || ids.contains(event.id) {
                leads.insert(lead)
                ids.insert(event.id)
                wait.events.append(event)
                wait.origins.append(origin)
            } else {
                go.events.append(event)
                go.origins.append(origin)
            }
        }
        return (go, wait)
    }
}
