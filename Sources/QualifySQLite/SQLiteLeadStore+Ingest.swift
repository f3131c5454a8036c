import Foundation
import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    /// Two: while one batch is written (SQLite has one writer), the next is scored on a read snapshot
    /// (see ``PreparedIngest``), so an import keeps both cores busy.
    public var ingestWriters: Int { 2 }

    public func ingest(_ events: [IncomingEvent], options: IngestOptions, now: Timestamp) async throws -> [IngestOutcome] {
        // Checks that need no database happen before the transaction, and so does whatever can be computed from the
        // events alone (the stored form of their properties).
        let (checked, keys) = StoredEventCodec.precheck(events, now: now)
        var built: [Event?] = Array(repeating: nil, count: events.count)
        var properties: [String] = Array(repeating: "", count: events.count)
        for (i, e) in events.enumerated() where checked[i] == nil {
            built[i] = Event(id: e.id, lead: keys[i]!, at: e.at, kind: .activity(type: e.type, properties: e.properties))
            properties[i] = FlatJSON.encode(e.properties)
        }
        let lists = self.lists
        let models = self.models
        // Large batches are scored on a read snapshot first, beside the writer (which may be writing the previous
        // batch); the writer then only writes, re-scoring in its transaction any lead whose row changed meanwhile.
        // A small batch is scored in the transaction: a snapshot of its own would cost more than it saves.
        let parsedEvents = built
        let prepared: PreparedIngest? = events.count >= PreparedIngest.minimumEvents
            ? try await writer.read { db in try PreparedIngest(db, events: parsedEvents, models: models, lists: lists, now: now) }
            : nil
        let encoded = properties
        let resolved = try await writer.write { db -> [IngestOutcome?] in
            var outcomes = checked
            let (mv, engine) = try models.current(db, lists: lists)
            let ready = prepared.flatMap { $0.modelVersion == mv.version ? $0.leads : nil } ?? [:]
            var leads: [LeadKey: LeadRows.Loaded] = [:]
            var unknown: Set<LeadKey> = []
            var fresh: [LeadKey: [Event]] = [:]
            var duplicated: Set<LeadKey> = []
            let insert = try db.cachedStatement(sql: """
                INSERT INTO event(id, lead_id, type, at, properties, received_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO NOTHING
                """)
            for (i, e) in events.enumerated() where outcomes[i] == nil {
                let key = keys[i]!
                let leadID: Int64
                if let lead = ready[key] {
                    leadID = lead.id
                } else {
                    if unknown.contains(key) {
                        outcomes[i] = .rejected(.unknownLead(key.email))
                        continue
                    }
                    if leads[key] == nil {
                        if let loaded = try LeadRows.load(db, key: key) {
                            leads[key] = loaded
                        } else if options.createLeads {
                            leads[key] = try LeadRows.insert(db, key: key, company: nil, at: now, model: mv, lists: lists)
                        } else {
                            unknown.insert(key)
                            outcomes[i] = .rejected(.unknownLead(key.email))
                            continue
                        }
                    }
                    leadID = leads[key]!.id
                }
                try insert.execute(arguments: [e.id.rawValue, leadID, e.type, e.at.millis, encoded[i], now.millis])
                if db.changesCount == 0 {
                    outcomes[i] = .duplicate
                    duplicated.insert(key)
                } else {
                    outcomes[i] = .applied
                    fresh[key, default: []].append(parsedEvents[i]!)
                }
            }
            for (key, newEvents) in fresh {
                // Scored ahead from every event of the batch: usable if none was already stored and the row is as read.
                if let lead = ready[key], !duplicated.contains(key),
                   try LeadRows.write(db, id: lead.id, projection: lead.projection, ifStill: lead.blob, modelVersion: mv.version) {
                    if !lead.changes.isEmpty {
                        try LeadRows.recordStageChanges(db, leadID: lead.id, key: key, changes: lead.changes, model: mv, now: now)
                    }
                    continue
                }
                guard let lead = try leads[key] ?? LeadRows.load(db, key: key) else {
                    throw StoreError.corrupt("lead '\(key.email)' was read for this batch and is gone")
                }
                try Self.fold(db, lead: lead, key: key, newEvents: newEvents, engine: engine, model: mv, now: now)
            }
            return outcomes
        }
        return resolved.map { $0! }
    }

    /// Applies newly appended events to a lead and writes its projection. Incremental when they all come after the
    /// lead's last folded event under the same model; otherwise the lead's whole log is replayed (late events,
    /// a state from another model version), so the result always equals a replay.
    static func fold(_ db: Database, lead: LeadRows.Loaded, key: LeadKey, newEvents: [Event], engine: Engine,
                     model: ModelVersion, now: Timestamp) throws {
        var state = lead.state
        var changes: [StageChange]
        if lead.modelVersion == model.version, let inOrder = engine.applyInOrder(newEvents, to: &state) {
            changes = inOrder
        } else {
            (state, changes) = engine.replay(key, log: try StoredEvent.fetchAll(db, leadID: lead.id, key: key), newEvents: newEvents)
        }
        try LeadRows.write(db, id: lead.id, state: state, model: model, at: now)
        if !changes.isEmpty {
            try LeadRows.recordStageChanges(db, leadID: lead.id, key: key, changes: changes, model: model, now: now)
        }
    }

    public func upsertLeads(_ rows: [LeadUpsert], source: String, at: Timestamp) async throws -> [UpsertOutcome] {
        let lists = self.lists
        return try await writer.write { db in
            let (mv, engine) = try models.current(db, lists: lists)
            var outcomes: [UpsertOutcome] = []
            for row in rows {
                let at = row.time(now: at)
                var created = false
                var lead: LeadRows.Loaded
                if let loaded = try LeadRows.load(db, key: row.key) {
                    lead = loaded
                } else {
                    lead = try LeadRows.insert(db, key: row.key, company: row.fields["company"], at: at, model: mv, lists: lists)
                    created = true
                }
                guard case let (changes, event)? = FieldMerge.merge(row.fields, into: lead.state.fields, key: row.key, origin: row.origin,
                                                                     at: at, eventCount: lead.state.eventCount, created: created) else {
                    outcomes.append(.unchanged)
                    continue
                }
                try db.cachedStatement(sql: "INSERT INTO event(id, lead_id, type, at, properties, received_at) VALUES (?, ?, ?, ?, ?, ?)").execute(arguments: [event.id.rawValue, lead.id, Event.fieldsUpdateType, at.millis,
                                           StoredEvent.properties(of: event), at.millis])
                try db.cachedStatement(sql: "INSERT INTO lead_merge(lead_id, at, origin, changes) VALUES (?, ?, ?, ?)").execute(arguments: [lead.id, at.millis, "\(source) \(row.origin)", FlatJSON.encode(changes)])
                try Self.fold(db, lead: lead, key: row.key, newEvents: [event], engine: engine, model: mv, now: at)
                outcomes.append(created ? .created : .merged(changes.keys.sorted()))
            }
            return outcomes
        }
    }

    public func moveStage(_ key: LeadKey, action: StageAction, reason: String, by: String, id: EventID, at: Timestamp)
        async throws -> StageChange
    {
        if reason.trimmingSpaces.isEmpty { throw StoreError.stageMove(.emptyReason) }
        let lists = self.lists
        return try await writer.write { db in
            let (mv, engine) = try models.current(db, lists: lists)
            guard let lead = try LeadRows.load(db, key: key) else { throw StoreError.unknownLead(key) }
            let (event, change): (Event, StageChange)
            switch action.request(from: lead.state.stage, lead: key, reason: reason, by: by, id: id, at: at) {
            case .success(let move): (event, change) = move
            case .failure(let problem): throw StoreError.stageMove(problem)
            }
            try db.cachedStatement(sql: "INSERT INTO event(id, lead_id, type, at, properties, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING").execute(arguments: [id.rawValue, lead.id, Event.stageMoveType, at.millis, StoredEvent.properties(of: event), at.millis])
            if db.changesCount == 0 { throw StoreError.duplicateEventID(id) }
            try Self.fold(db, lead: lead, key: key, newEvents: [event], engine: engine, model: mv, now: at)
            return change
        }
    }
}

/// A batch's leads scored on a read snapshot, outside the write transaction: for each lead that exists, is under the
/// active model and gets only events after its latest (the common case of a stream in time order), its new
/// projection and stage changes, with the state blob it was computed from. The write transaction applies one only if
/// the row still holds that blob (``LeadRows/write(_:id:projection:ifStill:modelVersion:)``) and every event of the
/// lead was new; any other lead (new, late events, changed meanwhile by another writer) is scored in the transaction
/// as before, so the result never depends on which path a lead took.
struct PreparedIngest: Sendable {
    /// Below this many events a batch is scored inside its transaction: a single-event request would pay for a read
    /// transaction of its own and gain nothing, as the scoring it moves is what it waits for anyway. The exact
    /// boundary is not tuned; imports (5,000 per batch) and API batches of hundreds are well above it.
    static let minimumEvents = 64

    struct Lead: Sendable {
        var id: Int64
        var blob: Data
        var projection: LeadRows.Projection
        var changes: [StageChange]
    }

    var modelVersion: Int
    var leads: [LeadKey: Lead] = [:]

    init(_ db: Database, events: [Event?], models: ModelCache, lists: EmailLists, now: Timestamp) throws {
        let (mv, engine) = try models.current(db, lists: lists)
        modelVersion = mv.version
        var byLead: [LeadKey: [Event]] = [:]
        for case let event? in events { byLead[event.lead, default: []].append(event) }
        for (key, events) in byLead {
            guard Set(events.map(\.id)).count == events.count,
                  let stored = try LeadRows.loadStored(db, key: key), stored.modelVersion == mv.version else { continue }
            var state = stored.state
            guard let changes = engine.applyInOrder(events, to: &state) else { continue }
            leads[key] = Lead(id: stored.id, blob: stored.blob, projection: try LeadRows.Projection(state: state, model: mv, at: now),
                              changes: changes)
        }
    }
}
