import QualifyCore

/// The storage seam: everything Qualify keeps (leads, accounts, the event log, projections, stage history, model
/// versions, the outbox) behind one protocol, so the embedded SQLite store and the PostgreSQL store pass one
/// conformance suite.
///
/// Every write method is one transaction: it lands whole or not at all. The use cases that decide what to write
/// (ingest, upsert, a person's stage move) live once above the stores, in QualifyUseCases, over ``transaction(_:)``.
public protocol LeadStore: Sendable {
    /// The active model version, or nil before the first activation.
    func activeModel() async throws -> ModelVersion?
    /// Every recorded model version, oldest first.
    func modelVersions() async throws -> [ModelVersion]
    /// Records `model` as a new version, with who activated it, and rescores every lead under it (one transaction).
    func activate(_ model: QualificationModel, source: String, at: Timestamp, by: String?) async throws -> (ModelVersion, RescoreReport)
    /// Replays every lead under `model` and reports what would change, writing nothing.
    func dryRun(_ model: QualificationModel, now: Timestamp, examples: Int) async throws -> RescoreReport

    /// The email lists the store was opened with (the installed ones, or the built-in sample): what the use cases
    /// score with and link accounts by.
    var lists: EmailLists { get }
    /// The compiled engine of the active model, kept between transactions.
    var engines: EngineCache { get }
    /// Runs `body` as one write transaction over the storage verbs: committed when it returns, rolled back when it
    /// throws. The body may run again from the start if the database aborted it (see ``LeadTransaction``).
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any LeadTransaction) async throws -> Result) async throws -> Result
    /// True when a batch is worth scoring on a snapshot before its write transaction (``storedLeads(_:)``): SQLite,
    /// whose one writer is then busy only writing; not PostgreSQL, where it would cost a round trip.
    var scoresAhead: Bool { get }
    /// The active model version and the stored rows of the leads among `keys`, read outside any write transaction
    /// (nothing is held): what a batch is scored ahead from. The write transaction applies such a score only if the
    /// row it then holds is unchanged.
    func storedLeads(_ keys: Set<LeadKey>) async throws -> (modelVersion: Int, leads: [LeadKey: StoredLead])
    /// How many ingest batches an importer may have in flight at once: more than one where a batch has work that can
    /// overlap another's write (a server's round trips; SQLite's scoring on a read snapshot), 1 otherwise. Any number
    /// gives the same result (a late batch for a lead replays it).
    var ingestWriters: Int { get }

    /// A page of the leads `filter` keeps, in the order of their band at the moment of `order` — the position
    /// ``QueueOrder/positionByRanks`` gives their grade rank and temperature rank (amplitude against
    /// ``QueueOrder/hotAmplitude`` and ``QueueOrder/warmAmplitude``) — then amplitude descending, then row id (the
    /// order). The queue use case (QualifyUseCases) decides the filter and the order.
    func queueRows(_ filter: QueueFilter, order: QueueOrder, limit: Int, offset: Int) async throws -> [QueueRow]
    /// One band of the queue read through the band index `(grade_rank, engagement_amp DESC)`: the leads `filter`
    /// keeps (stage, excluded stages, owner, unassigned, time of change; not its grade, amplitudes, due time or text,
    /// which the caller turns into bands or another read) with grade rank `gradeRank` and an amplitude at least
    /// `minAmplitude` and below `belowAmplitude` (each if set), by amplitude descending then row id (the order leads were created), after
    /// `after`'s amplitude and id when given, at most `limit`. The queue use case walks the bands in order.
    func queueBand(_ filter: QueueFilter, gradeRank: Int, minAmplitude: Double?, belowAmplitude: Double?, after: QueueKey?,
                   limit: Int) async throws -> [QueueRow]
    /// How many leads have grade rank `gradeRank` and an amplitude at least `minAmplitude` and below `belowAmplitude`
    /// (each if set) — all of them (counted off the band index alone), or only those in `stages`. The insights matrix.
    func countBand(gradeRank: Int, minAmplitude: Double?, belowAmplitude: Double?, stages: [Stage]?) async throws -> Int
    /// How many leads entered each stage per week (weeks starting Monday 00:00 UTC) since `since`, from the stage
    /// history.
    func stageEntries(since: Timestamp) async throws -> [StageEntries]
    /// One lead's record and its whole event log (in ``EventOrder``), for its card; nil if unknown.
    func lead(_ key: LeadKey) async throws -> LeadRecord?
    /// The leads whose next SLA escalation step is due at `now` (their `escalate_at` projection), earliest first.
    func leadsToEscalate(at now: Timestamp, limit: Int) async throws -> [LeadKey]
    /// Every field name any fields update (an import, an API upsert, an answer) has carried. Reads every fields
    /// update: for checks, not requests.
    func fieldNamesCarried() async throws -> Set<String>
    /// A page of every lead by row id (the order leads were created) after `afterID` (0: the start), at most `limit`:
    /// stable while leads change, so a walk through it meets each lead that existed when it started exactly once.
    func leadIndex(afterID: Int64, limit: Int) async throws -> [LeadIndexEntry]
    /// A page of leads by row id after `afterID` (0: the start), at most `limit`, as the funnel sees them: each one's
    /// arrival (its first event), its stage moves oldest first and — for `group` — its owner, grade or the latest
    /// value of a field (`.month` is the use case's: nil here).
    func funnelLeads(afterID: Int64, limit: Int, group: FunnelGroup?) async throws -> [(id: Int64, lead: FunnelLead)]
    /// A page of leads' folded states by row id after `afterID` (0: the start), at most `limit`: for reports over every
    /// lead's state (the offers report).
    func leadStates(afterID: Int64, limit: Int) async throws -> [(id: Int64, state: LeadState)]
    /// The leads whose next follow-up step is due at or before `by` (their `followup_at`), earliest first (ties in row
    /// order), after `after`, optionally one owner's (any case), at most `limit`, with their states.
    func followUpsDue(by: Timestamp, owner: String?, after: FollowUpCursor?, limit: Int) async throws -> [FollowUpRow]
    /// The leads whose due follow-up step is to be announced at `now` (their `followup_announce_at`), earliest first.
    func followUpsToAnnounce(at now: Timestamp, limit: Int) async throws -> [LeadKey]
    /// The leads held back from follow-ups (their `followup_hold`: unsubscribed, a hard bounce), newest first, at most `limit`.
    func followUpsHeld(limit: Int) async throws -> [FollowUpRow]
    /// The account of this domain (lowercase) with its contacts in the order they were created; nil when there is none.
    func accountContacts(domain: String) async throws -> AccountContacts?
    /// A page of the leads that belong to an account, by lead row id after `afterLeadID` (0: the start), at most `limit`
    /// (a page may hold fewer: leads without an account are skipped), each with its account's id, domain and name:
    /// what the account queue reads, every lead once, in table order.
    func accountContactPage(afterLeadID: Int64, limit: Int) async throws -> AccountContactPage
    /// A page of the hand-off's events — assignments (`$assign`), escalations (`$sla`), people's stage moves (`$stage`)
    /// and sales activities (`sales.*`) — in log order after position `after` (0: the start), with each one's position.
    /// Reads the whole event table: for reports, not requests.
    func handoffEvents(after: Int64, limit: Int) async throws -> [(position: Int64, event: Event)]
    /// Counts of what the store holds.
    func statistics() async throws -> StoreStatistics
    /// Where the schema stands against the migrations this build knows (see ``SchemaStatus``).
    func schemaStatus() async throws -> SchemaStatus
    /// Undelivered outbox messages, oldest first.
    func pendingOutbox(limit: Int) async throws -> [OutboxMessage]
    /// Outbox messages (delivered or not) with an id above `id`, oldest first: a reader's own cursor over the outbox.
    func outboxMessages(after id: Int64, limit: Int) async throws -> [OutboxMessage]
    /// The highest outbox message id so far (0 when empty).
    func latestOutboxID() async throws -> Int64

    /// Keeps rows whose address is invalid, with the reason, so nothing is silently dropped
    /// (once per address and source: re-importing a file adds nothing). Returns how many were new.
    func quarantine(_ rows: [QuarantinedLead]) async throws -> Int
    /// Quarantined rows, newest first.
    func quarantined(limit: Int) async throws -> [QuarantinedLead]

    /// Records an API key by the hash of its secret (the secret itself is never stored).
    /// Throws ``StoreError/duplicateKey`` if the id or hash is taken.
    func createAPIKey(_ key: APIKeyRecord, secretHash: String) async throws
    /// The key whose secret hashes to `secretHash`, revoked or not; nil if none.
    func apiKey(secretHash: String) async throws -> APIKeyRecord?
    /// Every key, oldest first.
    func apiKeys() async throws -> [APIKeyRecord]
    /// Revokes a key by id; false if there is no such key. Revoking twice keeps the first time.
    func revokeAPIKey(id: String, at: Timestamp) async throws -> Bool
}

extension LeadStore {
    /// Activates `model` without saying who did (tests, demos).
    public func activate(_ model: QualificationModel, source: String, at: Timestamp) async throws -> (ModelVersion, RescoreReport) {
        try await activate(model, source: source, at: at, by: nil)
    }
    public var ingestWriters: Int { 1 }
    public var scoresAhead: Bool { false }
}

/// An API key as stored: who it is for and what it may do. The secret is shown once, when it is made.
public struct APIKeyRecord: Sendable, Hashable, Codable {
    /// The key's public id (its secret's first characters), safe to print and log.
    public var id: String
    public var name: String
    public var role: Role
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?
    public init(id: String, name: String, role: Role, createdAt: Timestamp, revokedAt: Timestamp? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A lead row held back because its address is invalid.
public struct QuarantinedLead: Sendable, Hashable, Codable {
    public var email: String
    public var reason: String
    /// the file (or API client) it came from
    public var source: String
    public var line: Int?
    public var fields: [String: String]
    public var at: Timestamp
    public init(email: String, reason: String, source: String, line: Int?, fields: [String: String], at: Timestamp) {
        self.email = email
        self.reason = reason
        self.source = source
        self.line = line
        self.fields = fields
        self.at = at
    }
}

/// A model as recorded: its version number, the model and the text it came from.
public struct ModelVersion: Sendable, Hashable, Codable {
    public var version: Int
    public var model: QualificationModel
    public var source: String
    public var activatedAt: Timestamp
    /// Who activated it (a person signed in to the web app, an API key, `cli:USER`); nil for versions recorded before
    /// this was kept.
    public var activatedBy: String?
    public init(version: Int, model: QualificationModel, source: String, activatedAt: Timestamp, activatedBy: String? = nil) {
        self.activatedBy = activatedBy
        self.version = version
        self.model = model
        self.source = source
        self.activatedAt = activatedAt
    }
}

public struct LeadUpsert: Sendable, Hashable {
    public var key: LeadKey
    public var fields: [String: String]
    /// Where the row came from, for the merge record (e.g. `leads.csv:12`).
    public var origin: String
    /// When the values became true (e.g. the CRM's creation date); nil for the time of the upsert.
    public var at: Timestamp?
    public init(key: LeadKey, fields: [String: String], origin: String, at: Timestamp? = nil) {
        self.key = key
        self.fields = fields
        self.origin = origin
        self.at = at
    }
}

extension LeadUpsert {
    /// When the row's values count from: its own time, but never after `now` (a future date is taken as now).
    public func time(now: Timestamp) -> Timestamp { min(at ?? now, now) }
}

public enum UpsertOutcome: Sendable, Hashable {
    case created
    /// the names of the fields whose value changed
    case merged([String])
    case unchanged
}

public struct IncomingEvent: Sendable, Hashable {
    public var id: EventID
    public var email: String
    public var type: String
    public var at: Timestamp
    public var properties: [String: String]
    public init(id: EventID, email: String, type: String, at: Timestamp, properties: [String: String] = [:]) {
        self.id = id
        self.email = email
        self.type = type
        self.at = at
        self.properties = properties
    }
}

public struct IngestOptions: Sendable, Hashable {
    /// Create a bare lead for an event whose email is unknown (default: reject the event with a reason).
    public var createLeads: Bool
    public init(createLeads: Bool = false) { self.createLeads = createLeads }
}

public enum IngestOutcome: Sendable, Hashable {
    case applied
    case duplicate
    case rejected(EventRejection)
}

/// Which stages a queue lists, and in what order of stages.
public enum QueueStages: Sendable, Hashable {
    /// The leads sales should act on: SQL, then MQL, each in priority order (the default).
    case actionable
    /// Every lead not yet won or ruled out (every stage but customer and disqualified), in one priority order.
    case open
    /// Every lead, in one priority order.
    case all
    /// One stage.
    case only(Stage)

    /// The stages a queue of this selection lists one after another (each group in priority order); nil for one
    /// group of every stage but ``excluded``.
    public var groups: [Stage]? {
        switch self {
        case .actionable: return [.sql, .mql]
        case .open, .all: return nil
        case .only(let stage): return [stage]
        }
    }

    /// The stages left out when ``groups`` is nil.
    public var excluded: [Stage] { self == .open ? [.disqualified, .customer] : [] }

    /// From a command line or a query parameter: `actionable`, `open`, `all` or a stage, in any case; nil otherwise.
    public init?(text: String) {
        switch text.lowercased() {
        case "actionable": self = .actionable
        case "open": self = .open
        case "all": self = .all
        default:
            guard let stage = Stage(text: text) else { return nil }
            self = .only(stage)
        }
    }

    /// The words ``init(text:)`` takes, for help and error messages.
    public static let words = "actionable (SQL, then MQL: the default), open (all but customers and disqualified), all, or one stage ("
        + Stage.allCases.map(\.rawValue).joined(separator: ", ") + ")"

    /// The one stage, if the selection is one.
    public var stage: Stage? {
        if case .only(let stage) = self { return stage }
        return nil
    }
}

public struct QueueQuery: Sendable, Hashable {
    /// The stages listed: by default SQL, then MQL (``QueueStages/actionable``).
    public var stages: QueueStages
    public var grade: Grade?
    public var temperature: Temperature?
    /// Only leads changed (fields, events, stage) at or after this time.
    public var updatedSince: Timestamp?
    /// Only leads whose `owner` field is this, ignoring case (the salesperson's name as the CRM or the API gave it;
    /// SQLite folds the case of ASCII letters only).
    public var owner: String?
    /// Only leads whose owner has not acted by the SLA's due time, the longest overdue first.
    public var overdue: Bool
    /// Only leads nobody owns yet.
    public var unassigned: Bool
    /// Only leads whose email, name or company contains this text (ignoring case).
    public var search: String?
    public var limit: Int
    /// How many leads of the ordered queue to skip (a page's start).
    public var offset: Int
    /// `stage`, when given, is `stages: .only(stage)`.
    public init(stage: Stage? = nil, stages: QueueStages = .actionable, grade: Grade? = nil, temperature: Temperature? = nil,
                updatedSince: Timestamp? = nil, owner: String? = nil, overdue: Bool = false, unassigned: Bool = false, search: String? = nil,
                limit: Int = 50, offset: Int = 0) {
        self.stages = stage.map(QueueStages.only) ?? stages
        self.unassigned = unassigned
        self.search = search
        self.overdue = overdue
        self.owner = owner
        self.grade = grade
        self.temperature = temperature
        self.updatedSince = updatedSince
        self.limit = limit
        self.offset = offset
    }
}

/// A lead as listed in the queue.
public struct LeadSummary: Sendable, Hashable, Codable {
    public var email: String
    public var name: String?
    public var company: String?
    public var grade: Grade
    public var fitPoints: Int
    public var engagement: Double
    public var temperature: Temperature
    public var stage: Stage
    public var lastActivity: Timestamp?
    /// The salesperson the lead belongs to (its `owner` field), if any.
    public var owner: String?
    /// When the owner must act by (the model's SLA), while the clock runs; overdue once past.
    public var dueAt: Timestamp?
    /// The next-best offer's id, when the list was asked for it (``FollowUps/withNextOffers(_:now:)``).
    public var nextOffer: String?
    public init(email: String, name: String?, company: String?, grade: Grade, fitPoints: Int, engagement: Double,
                temperature: Temperature, stage: Stage, lastActivity: Timestamp?, owner: String? = nil, dueAt: Timestamp? = nil) {
        self.dueAt = dueAt
        self.owner = owner
        self.email = email
        self.name = name
        self.company = company
        self.grade = grade
        self.fitPoints = fitPoints
        self.engagement = engagement
        self.temperature = temperature
        self.stage = stage
        self.lastActivity = lastActivity
    }
}

/// Everything stored about one lead.
public struct LeadRecord: Sendable, Hashable {
    public var key: LeadKey
    public var account: Account?
    public var state: LeadState
    public var modelVersion: Int
    public var events: [Event]
    public var merges: [MergeRecord]
    public init(key: LeadKey, account: Account?, state: LeadState, modelVersion: Int, events: [Event], merges: [MergeRecord]) {
        self.key = key
        self.account = account
        self.state = state
        self.modelVersion = modelVersion
        self.events = events
        self.merges = merges
    }
}

/// A page of ``LeadStore/accountContactPage(afterLeadID:limit:)``: the contacts read, and where the next page starts
/// (nil: the last page).
public struct AccountContactPage: Sendable {
    public var contacts: [(account: Int64, domain: String, name: String?, contact: AccountContact)]
    public var nextAfter: Int64?
    public init(contacts: [(account: Int64, domain: String, name: String?, contact: AccountContact)], nextAfter: Int64?) {
        self.contacts = contacts
        self.nextAfter = nextAfter
    }
}

public struct Account: Sendable, Hashable, Codable {
    public var domain: String
    public var name: String?
    public var leads: Int
    public init(domain: String, name: String?, leads: Int) {
        self.domain = domain
        self.name = name
        self.leads = leads
    }
}

/// One recorded merge of incoming values into a lead.
public struct MergeRecord: Sendable, Hashable, Codable {
    public var at: Timestamp
    public var origin: String
    public var changes: [String: String]
    public init(at: Timestamp, origin: String, changes: [String: String]) {
        self.at = at
        self.origin = origin
        self.changes = changes
    }
}

public struct StoreStatistics: Sendable, Hashable, Codable {
    public var leads: Int
    public var accounts: Int
    public var events: Int
    public var stageChanges: Int
    public var modelVersion: Int?
    /// Of ``events``, those qualify's own rules and timers recorded, not a request: routing's assignments (`$route:`),
    /// escalations (`$sla:`), follow-up steps announced (`$followup:`).
    public var ownEvents: Int
    public init(leads: Int, accounts: Int, events: Int, stageChanges: Int, modelVersion: Int?, ownEvents: Int = 0) {
        self.ownEvents = ownEvents
        self.leads = leads
        self.accounts = accounts
        self.events = events
        self.stageChanges = stageChanges
        self.modelVersion = modelVersion
    }
}

/// An effect waiting for delivery (stage change notifications, …), written in the transaction that caused it.
public struct OutboxMessage: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: String
    public var payload: String
    public var createdAt: Timestamp
    public init(id: Int64, kind: String, payload: String, createdAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.createdAt = createdAt
    }
}

/// Errors a store reports; each says what to do.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case noActiveModel
    case unknownLead(LeadKey)
    case stageMove(StageMoveProblem)
    case duplicateEventID(EventID)
    /// The schema lacks migrations this build needs (they are named, in order): run `qualify migrate`.
    case schemaBehind(pending: [String])
    /// The schema records migrations this build does not know: a newer qualify wrote it.
    case schemaAhead(unknown: [String])
    case corrupt(String)
    case duplicateKey(String)
    /// The database did not give a connection in time (stopped, unreachable, or every connection busy): passing,
    /// the caller may try again. Says which database, never how it failed inside.
    case unavailable(String)
    /// The database refused a value the request carried (a character or number the column cannot hold): the
    /// request's fault, not worth sending again as it is.
    case invalidValue(String)

    public var description: String {
        switch self {
        case .noActiveModel: return "no model is active (run `qualify model activate FILE`, or let a command activate the default)"
        case .unknownLead(let key): return "no lead with email '\(key.email)'"
        case .stageMove(let p): return p.description
        case .duplicateEventID(let id): return "event id '\(id)' is already used"
        case .schemaBehind(let pending):
            return "the database schema is behind this qualify: migration\(pending.count == 1 ? "" : "s") \(pending.joined(separator: ", ")) \(pending.count == 1 ? "is" : "are") not applied (back the database up, then run `qualify migrate`)"
        case .schemaAhead(let unknown):
            return "the database was written by a newer qualify: it records migration\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) that this qualify does not know; upgrade qualify"
        case .corrupt(let what): return "stored data could not be read: \(what)"
        case .duplicateKey(let id): return "an API key with id '\(id)' already exists"
        case .unavailable(let what): return what
        case .invalidValue(let what): return what
        }
    }
}

/// A lead as ``LeadStore/leadIndex(afterID:limit:)`` lists it: its row id, address, stage and last change.
public struct LeadIndexEntry: Sendable, Hashable {
    public var id: Int64
    public var key: LeadKey
    public var stage: Stage
    /// When its fields, events or stage last changed.
    public var updatedAt: Timestamp
    public init(id: Int64, key: LeadKey, stage: Stage, updatedAt: Timestamp) {
        self.id = id
        self.key = key
        self.stage = stage
        self.updatedAt = updatedAt
    }
}
