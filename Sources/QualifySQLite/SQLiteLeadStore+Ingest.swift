import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    public func ingest(_ events: [IncomingEvent], options: IngestOptions, now: Timestamp) async throws -> [IngestOutcome] {
        // Checks that need no database happen before the transaction.
        let (outcomes, keys) = StoredEventCodec.precheck(events, now: now)
        let lists = self.lists
        let checked = outcomes
        let parsedKeys = keys
        let resolved = try await writer.write { db -> [IngestOutcome?] in
            var outcomes = checked
            let keys = parsedKeys
            let (mv, engine) = try models.current(db, lists: lists)
            var leads: [LeadKey: LeadRows.Loaded] = [:]
            var unknown: Set<LeadKey> = []
            var fresh: [LeadKey: [Event]] = [:]
            let insert = try db.cachedStatement(sql: """
                INSERT INTO event(id, lead_id, type, at, properties, received_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO NOTHING
                """)
            for (i, e) in events.enumerated() where outcomes[i] == nil {
                let key = keys[i]!
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
                let event = Event(id: e.id, lead: key, at: e.at, kind: .activity(type: e.type, properties: e.properties))
                try insert.execute(arguments: [e.id.rawValue, leads[key]!.id, e.type, e.at.millis,
                                               FlatJSON.encode(e.properties), now.millis])
                if db.changesCount == 0 {
                    outcomes[i] = .duplicate
                } else {
                    outcomes[i] = .applied
                    fresh[key, default: []].append(event)
                }
            }
            for (key, newEvents) in fresh {
                try Self.fold(db, lead: leads[key]!, key: key, newEvents: newEvents, engine: engine, model: mv, now: now)
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
        let sorted = newEvents.count > 1 ? newEvents.sorted { $0.order < $1.order } : newEvents
        var state = lead.state
        var changes: [StageChange] = []
        if lead.modelVersion == model.version, state.last.map({ $0 < sorted[0].order }) ?? true {
            for event in sorted { changes += engine.apply(event, to: &state).stageChanges }
        } else {
            let replay = engine.replay(key, events: try StoredEvent.fetchAll(db, leadID: lead.id, key: key))
            state = replay.state
            // Only moves caused by the new events are new effects; earlier ones were already recorded.
            let newIDs = Set(sorted.map(\.id))
            changes = state.stageHistory.filter { newIDs.contains($0.eventID) }
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
