import Foundation
import QualifyCore

/// The storage verbs of one write transaction: what a use case (ingest, upsert, a person's stage move) asks of a
/// store while it decides. Every decision — create or reject an unknown lead, duplicate or new, fold or replay, what
/// goes to the outbox — is the use case's (QualifyUseCases); a store only reads, locks and writes rows.
///
/// A transaction lands whole or not at all: ``LeadStore/transaction(_:)`` commits when its body returns and rolls
/// back when it throws. Its body may run more than once (PostgreSQL retries a transaction the server aborted to break
/// a deadlock), so it must decide from what it reads, not from what an earlier attempt saw.
public protocol LeadTransaction: Sendable {
    /// The active model's version number; throws ``StoreError/noActiveModel`` before the first activation.
    func activeModelVersion() async throws -> Int
    /// A recorded model version (versions never change once written).
    func modelVersion(_ version: Int) async throws -> ModelVersion
    /// The stored rows of the leads among `keys`, held for the rest of the transaction (PostgreSQL locks them in
    /// email order; SQLite has one writer). Keys without a lead are absent from the answer.
    func lockLeads(_ keys: Set<LeadKey>) async throws -> [LeadKey: StoredLead]
    /// Inserts a lead with an empty state (its first event fills it), linked to the account of `accountDomain` when
    /// there is one (created if new, named `company` if it has no name yet). If another transaction inserted the
    /// lead meanwhile, returns that row, held like ``lockLeads(_:)``'s.
    func insertLead(_ key: LeadKey, accountDomain: String?, company: String?, at: Timestamp, modelVersion: Int) async throws -> StoredLead
    /// Appends events to the log (in the order given); an event whose id is already stored is skipped. Returns the
    /// ids it inserted.
    func appendEvents(_ events: [EventRow], receivedAt: Timestamp) async throws -> Set<EventID>
    /// A lead's whole event log, in ``EventOrder``.
    func eventLog(of lead: StoredLead) async throws -> [Event]
    /// Writes each lead's projection (``LeadProjection``), then its stage changes and its outbox messages, in the
    /// order given. A write with ``LeadWrite/ifUnchanged`` is made only if the row still holds that state under that
    /// model version; the ids of the leads whose guarded write was not made are returned (nothing of theirs written).
    @discardableResult
    func writeLeads(_ writes: [LeadWrite], modelVersion: Int, at: Timestamp) async throws -> Set<Int64>
    /// Records a merge of incoming values into a lead (the upsert's audit line); `changes`: the changed fields as
    /// ``FlatJSON`` text, encoded by the use case (ahead of the writer where it can).
    func recordMerge(leadID: Int64, at: Timestamp, origin: String, changes: String) async throws
    /// What routing needs to decide, held for the rest of the transaction: the next turn of each of `pools` (0 for a
    /// pool never used; PostgreSQL locks the pools' rows, so routing decisions on one database happen one at a time),
    /// then the open leads of each of `people` (leads they own in one of `openStages`).
    func routingLoad(pools: [String], people: [String], openStages: [Stage]) async throws -> RoutingLoad
    /// Sets a pool's next turn.
    func setRoutingTurn(pool: String, next: Int) async throws
    /// The owner of another lead of the same account as `lead` (the most recently updated one with an owner), or nil.
    func accountOwner(of lead: StoredLead) async throws -> String?
}

/// A lead row as a transaction read it: the row id, the model version its state was folded under, and the state's
/// stored bytes (what a write scored ahead compares against; decoded only by whoever needs the state).
public struct StoredLead: Sendable {
    public var id: Int64
    public var key: LeadKey
    public var modelVersion: Int
    public var stateBytes: Data
    public init(id: Int64, key: LeadKey, modelVersion: Int, stateBytes: Data) {
        self.id = id
        self.key = key
        self.modelVersion = modelVersion
        self.stateBytes = stateBytes
    }

    /// The stored state, decoded; names the lead and the fix when it does not decode.
    public func state() throws -> LeadState {
        do { return try LeadStateCodec.decode(stateBytes) } catch {
            throw StoreError.corrupt("state of lead '\(key.email)' does not decode (\(error)); `qualify rescore` rebuilds it from events")
        }
    }

    /// A new lead's row before its first event: the empty state.
    public static func empty(id: Int64, key: LeadKey, modelVersion: Int) -> StoredLead {
        StoredLead(id: id, key: key, modelVersion: modelVersion, stateBytes: Data(LeadStateCodec.encode(LeadState(key: key))))
    }
}

/// An event to append, with its lead's row id and its properties in stored form.
public struct EventRow: Sendable {
    public var event: Event
    public var leadID: Int64
    /// ``StoredEventCodec/properties(of:)``, computed once by the use case.
    public var properties: String
    public var type: String { event.typeName }
    public init(event: Event, leadID: Int64, properties: String) {
        self.event = event
        self.leadID = leadID
        self.properties = properties
    }
    public init(event: Event, leadID: Int64) {
        self.init(event: event, leadID: leadID, properties: StoredEventCodec.properties(of: event))
    }
}

/// One lead's new state to write: its projection columns, the stage changes to record, and the outbox messages that
/// announce them (decided by the use case: one per real move).
public struct LeadWrite: Sendable {
    public var lead: StoredLead
    public var projection: LeadProjection
    public var changes: [StageChange]
    public var messages: [OutboxEvent]
    /// Write only if the row still holds this state under this model version (a lead scored ahead, not read in the
    /// transaction); nil: write.
    public var ifUnchanged: StoredLead?
    public init(lead: StoredLead, projection: LeadProjection, changes: [StageChange], messages: [OutboxEvent]) {
        self.lead = lead
        self.projection = projection
        self.changes = changes
        self.messages = messages
    }

    /// Each change announced as a plain stage change (no outcome).
    public init(lead: StoredLead, projection: LeadProjection, changes: [StageChange]) {
        self.init(lead: lead, projection: projection, changes: changes,
                  messages: changes.map { .stageChanged(lead: lead.key.email, change: $0, outcome: nil) })
    }
}
