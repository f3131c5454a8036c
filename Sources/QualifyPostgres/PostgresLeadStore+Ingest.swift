#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    /// Two batches in flight: while the server works on one, the client parses and scores the other. Leads are locked
    /// in one order, so two batches touching a lead go one after the other.
    public var ingestWriters: Int { 2 }

    public func ingest(_ events: [IncomingEvent], options: IngestOptions, now: Timestamp) async throws -> [IngestOutcome] {
        // Checks that need no database happen before the transaction.
        let (outcomes, keys) = StoredEventCodec.precheck(events, now: now)
        let (lists, logger, models) = (self.lists, self.logger, self.models)
        let checked = outcomes
        let parsedKeys = keys
        let resolved = try await write { db -> [IngestOutcome?] in
            var outcomes = checked
            let keys = parsedKeys
            // Lock every lead the batch touches first, in one order, then read the model: a model activated while
            // this waited for a lock is the one it scores with.
            var leads = try await PostgresLeadRows.loadAll(db, keys: Set(keys.compactMap { $0 }), logger: logger)
            let (mv, engine) = try await models.current(db, lists: lists, logger: logger)
            var unknown: Set<LeadKey> = []
            var seen: Set<EventID> = []
            var candidates: [Int] = []
            for (i, e) in events.enumerated() where outcomes[i] == nil {
                let key = keys[i]!
                if unknown.contains(key) {
                    outcomes[i] = .rejected(.unknownLead(key.email))
                    continue
                }
                if leads[key] == nil {
                    if options.createLeads {
                        leads[key] = try await PostgresLeadRows.insert(db, key: key, company: nil, at: now, model: mv, lists: lists,
                                                                       logger: logger)
                    } else {
                        unknown.insert(key)
                        outcomes[i] = .rejected(.unknownLead(key.email))
                        continue
                    }
                }
                // A second event with an id already in this batch is a duplicate of the first, as if sent again.
                if !seen.insert(e.id).inserted {
                    outcomes[i] = .duplicate
                    continue
                }
                candidates.append(i)
            }
            // All new events in one statement; the ids it inserted are the applied ones.
            let inserted = try await PostgresStoredEvent.insertAll(db, candidates.map { i in
                let e = events[i]
                return PostgresStoredEvent.Row(id: e.id.rawValue, leadID: leads[keys[i]!]!.id, type: e.type, at: e.at.millis,
                                               properties: FlatJSON.encode(e.properties))
            }, receivedAt: now, logger: logger)
            var fresh: [LeadKey: [Event]] = [:]
            for i in candidates {
                let e = events[i]
                guard inserted.contains(e.id.rawValue) else {
                    outcomes[i] = .duplicate
                    continue
                }
                outcomes[i] = .applied
                let key = keys[i]!
                fresh[key, default: []].append(Event(id: e.id, lead: key, at: e.at, kind: .activity(type: e.type, properties: e.properties)))
            }
            var projections: [PostgresLeadRows.Projection] = []
            projections.reserveCapacity(fresh.count)
            for (key, newEvents) in fresh.sorted(by: { $0.key < $1.key }) {
                projections.append(try await Self.fold(db, lead: leads[key]!, key: key, newEvents: newEvents, engine: engine,
                                                       logger: logger, model: mv))
            }
            try await PostgresLeadRows.writeAll(db, projections, model: mv, at: now, logger: logger)
            return outcomes
        }
        return resolved.map { $0! }
    }

    /// Applies newly appended events to a lead (whose row the transaction holds locked) and returns its new
    /// projection, to be written by ``PostgresLeadRows/writeAll(_:_:model:at:logger:)``. Incremental when they all
    /// come after the lead's last folded event under the same model; otherwise the lead's whole log is replayed (late
    /// events, a state from another model version), so the result always equals a replay.
    static func fold(_ db: PostgresConnection, lead: PostgresLeadRows.Loaded, key: LeadKey, newEvents: [Event], engine: Engine,
                     logger: Logger, model: ModelVersion) async throws -> PostgresLeadRows.Projection {
        var state = lead.state
        var changes: [StageChange]
        if lead.modelVersion == model.version, let inOrder = engine.applyInOrder(newEvents, to: &state) {
            changes = inOrder
        } else {
            (state, changes) = engine.replay(key, log: try await PostgresStoredEvent.fetchAll(db, leadID: lead.id, key: key, logger: logger),
                                             newEvents: newEvents)
        }
        return PostgresLeadRows.Projection(id: lead.id, key: key, state: state, changes: changes)
    }

    public func upsertLeads(_ rows: [LeadUpsert], source: String, at: Timestamp) async throws -> [UpsertOutcome] {
        let (lists, logger, models) = (self.lists, self.logger, self.models)
        return try await write { db in
            // Lock the existing leads of the batch in one order first (see ingest), then go row by row.
            _ = try await PostgresLeadRows.loadAll(db, keys: Set(rows.map(\.key)), logger: logger)
            let (mv, engine) = try await models.current(db, lists: lists, logger: logger)
            var outcomes: [UpsertOutcome] = []
            for row in rows {
                let at = row.time(now: at)
                var created = false
                var lead: PostgresLeadRows.Loaded
                if let loaded = try await PostgresLeadRows.load(db, key: row.key, logger: logger) {
                    lead = loaded
                } else {
                    lead = try await PostgresLeadRows.insert(db, key: row.key, company: row.fields["company"], at: at, model: mv,
                                                             lists: lists, logger: logger)
                    created = true
                }
                guard case let (changes, event)? = FieldMerge.merge(row.fields, into: lead.state.fields, key: row.key, origin: row.origin,
                                                                     at: at, eventCount: lead.state.eventCount, created: created) else {
                    outcomes.append(.unchanged)
                    continue
                }
                try await db.query("""
                    INSERT INTO event(id, lead_id, type, at, properties, received_at)
                    VALUES (\(event.id.rawValue), \(lead.id), \(Event.fieldsUpdateType), \(at.millis), \(PostgresStoredEvent.properties(of: event)), \(at.millis))
                    """, logger: logger)
                try await db.query("""
                    INSERT INTO lead_merge(lead_id, at, origin, changes)
                    VALUES (\(lead.id), \(at.millis), \("\(source) \(row.origin)"), \(FlatJSON.encode(changes)))
                    """, logger: logger)
                let projection = try await Self.fold(db, lead: lead, key: row.key, newEvents: [event], engine: engine, logger: logger,
                                                     model: mv)
                try await PostgresLeadRows.writeAll(db, [projection], model: mv, at: at, logger: logger)
                outcomes.append(created ? .created : .merged(changes.keys.sorted()))
            }
            return outcomes
        }
    }

    public func moveStage(_ key: LeadKey, action: StageAction, reason: String, by: String, id: EventID, at: Timestamp)
        async throws -> StageChange
    {
        if reason.trimmingSpaces.isEmpty { throw StoreError.stageMove(.emptyReason) }
        let (lists, logger, models) = (self.lists, self.logger, self.models)
        return try await write { db in
            guard let lead = try await PostgresLeadRows.load(db, key: key, logger: logger) else { throw StoreError.unknownLead(key) }
            let (mv, engine) = try await models.current(db, lists: lists, logger: logger)
            let (event, change): (Event, StageChange)
            switch action.request(from: lead.state.stage, lead: key, reason: reason, by: by, id: id, at: at) {
            case .success(let move): (event, change) = move
            case .failure(let problem): throw StoreError.stageMove(problem)
            }
            let inserted = try await PostgresStoredEvent.insert(db, id: id, leadID: lead.id, type: Event.stageMoveType, at: at,
                                                                properties: PostgresStoredEvent.properties(of: event), receivedAt: at,
                                                                logger: logger)
            if !inserted { throw StoreError.duplicateEventID(id) }
            let projection = try await Self.fold(db, lead: lead, key: key, newEvents: [event], engine: engine, logger: logger, model: mv)
            try await PostgresLeadRows.writeAll(db, [projection], model: mv, at: at, logger: logger)
            return change
        }
    }
}
#endif
