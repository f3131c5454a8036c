import QualifyCore
import QualifyStore

extension LeadStore {
    /// Creates or merges leads (by identity), in one transaction: later non-empty values win (``FieldMerge``); every
    /// change is a fields-update event in the lead's log plus a merge record, so fit follows and a replay reproduces
    /// it. A new lead is linked to its account by domain (``EmailLists/accountDomain(of:)``). Unchanged rows write
    /// nothing.
    ///
    /// `ahead`: the rows merged and scored on a snapshot beforehand (``UpsertAhead``); a row's plan is taken where the
    /// transaction holds the row it was made from, every other row is merged and scored here. Without it, a batch of
    /// at least ``UpsertAhead/minimumRows`` on a store that ``LeadStore/scoresAhead`` is scored ahead first.
    public func upsertLeads(_ rows: [LeadUpsert], source: String, at now: Timestamp, ahead: UpsertAhead? = nil) async throws -> [UpsertOutcome] {
        let (lists, engines) = (self.lists, self.engines)
        var ahead = ahead
        if ahead == nil, scoresAhead, rows.count >= UpsertAhead.minimumRows { ahead = try await UpsertAhead(store: self, rows: rows, now: now) }
        let planned = ahead
        return try await transaction { tx in
            var leads = try await tx.lockLeads(Set(rows.map(\.key)))
            let before = leads
            let (model, engine) = try await engines.current(tx, lists: lists)
            var routing = RoutingStep(model, lists: lists)
            var outcomes: [UpsertOutcome] = []
            outcomes.reserveCapacity(rows.count)
            // every new lead first, in key order (each from its first row), before any is routed: row locks are then
            // taken in the same order as ingest's — leads, then routing's
            var fresh: Set<LeadKey> = []
            let firstRows = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            for key in firstRows.keys.filter({ leads[$0] == nil }).sorted() {
                let row = firstRows[key]!
                leads[key] = try await tx.insertLead(key, accountDomain: lists.accountDomain(of: key), company: row.fields["company"],
                                                     at: row.time(now: now), modelVersion: model.version)
                fresh.insert(key)
            }
            // a key given twice is merged row by row here (the plans were made for distinct keys)
            let distinct = Set(rows.map(\.key)).count == rows.count
            for row in rows {
                let at = row.time(now: now)
                let created = fresh.remove(row.key) != nil
                let lead = leads[row.key]!
                // the merge: the plan's, when it was made from the row held here, else merged now
                let plan = distinct ? planned?.plan(for: row.key, current: before[row.key], modelVersion: model.version) : nil
                let merge: (changes: [String: String], event: Event)?
                if let plan { merge = plan.merge } else {
                    let state = try lead.state()
                    merge = FieldMerge.merge(row.fields, into: state.fields, key: row.key, origin: row.origin, at: at,
                                             eventCount: state.eventCount, created: created)
                }
                guard let (changes, event) = merge else {
                    outcomes.append(.unchanged)
                    continue
                }
                let eventRow = plan?.properties.map { EventRow(event: event, leadID: lead.id, properties: $0) } ?? EventRow(event: event, leadID: lead.id)
                guard try await tx.appendEvents([eventRow], receivedAt: at).contains(event.id) else {
                    throw StoreError.duplicateEventID(event.id)
                }
                try await tx.recordMerge(leadID: lead.id, at: at, origin: "\(source) \(row.origin)", changes: plan?.changes ?? FlatJSON.encode(changes))
                let write: LeadWrite
                if let plan, let projection = plan.projection {
                    write = LeadWrite(lead: lead, projection: projection, changes: plan.stageChanges,
                                      messages: Fold.announcements(of: plan.stageChanges, lead: row.key, newEvents: [event]))
                } else {
                    let folded = try await Fold.apply([event], to: lead, engine: engine, model: model, in: tx)
                    write = try await routing.route(folded, engine: engine, model: model, in: tx, now: at)
                }
                try await tx.writeLeads([write], modelVersion: model.version, at: at)
                leads[row.key] = write.written(modelVersion: model.version)
                outcomes.append(created ? .created : .merged(changes.keys.sorted()))
            }
            try await routing.finish(in: tx)
            return outcomes
        }
    }

    /// Records a person's stage move (an event in the lead's log, checked by ``StageAction/request(from:lead:reason:by:id:at:)``
    /// in the core) and applies it, in one transaction.
    /// `code`: a reason code, required when the model lists codes for the action (``HandoffSection/reasons``).
    public func moveStage(_ key: LeadKey, action: StageAction, reason: String, by: String, id: EventID, at: Timestamp,
                          code: String? = nil) async throws -> StageChange
    {
        if reason.trimmingSpaces.isEmpty { throw StoreError.stageMove(.emptyReason) }
        let (lists, engines) = (self.lists, self.engines)
        return try await transaction { tx in
            guard let lead = try await tx.lockLeads([key])[key] else { throw StoreError.unknownLead(key) }
            let (model, engine) = try await engines.current(tx, lists: lists)
            let (event, change): (Event, StageChange)
            switch action.request(from: try lead.state().stage, lead: key, reason: reason, by: by, id: id, at: at,
                                  code: code, codes: model.model.handoff?.reasons[action]) {
            case .success(let move): (event, change) = move
            case .failure(let problem): throw StoreError.stageMove(problem)
            }
            guard try await tx.appendEvents([EventRow(event: event, leadID: lead.id)], receivedAt: at).contains(id) else {
                throw StoreError.duplicateEventID(id)
            }
            let write = try await Fold.apply([event], to: lead, engine: engine, model: model, in: tx)
            try await tx.writeLeads([write], modelVersion: model.version, at: at)
            return change
        }
    }
}

extension LeadStore {
    /// Records a salesperson's answers to the model's qualification checklist on a lead (as its `checklist_*`
    /// fields, with who gave them) and returns the priority they give: the one use case behind `POST
    /// /leads/{email}/answers` and the card page's checklist form. Throws ``ChecklistAnswerProblem``.
    public func answerChecklist(_ key: LeadKey, answers: [(String, String)], by: String, at: Timestamp) async throws -> PriorityAssessment {
        guard let model = try await activeModel() else { throw StoreError.noActiveModel }
        guard let checklist = model.model.checklist else { throw ChecklistAnswerProblem.checklist(.noChecklist) }
        guard !answers.isEmpty else { throw ChecklistAnswerProblem.noAnswers }
        let fields: [String: String]
        switch PriorityAssessment.fields(for: answers.sorted { $0.0 < $1.0 }, in: checklist) {
        case .success(let f): fields = f
        case .failure(let problem): throw ChecklistAnswerProblem.checklist(problem)
        }
        guard try await lead(key) != nil else { throw StoreError.unknownLead(key) }
        _ = try await upsertLeads([LeadUpsert(key: key, fields: fields, origin: by)], source: "checklist", at: at)
        guard let record = try await lead(key) else { throw StoreError.unknownLead(key) }
        return PriorityAssessment.assess(checklist, events: record.events, asOf: at)
    }
}

/// Why checklist answers were refused.
public enum ChecklistAnswerProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case noAnswers
    case checklist(ChecklistProblem)

    public var description: String {
        switch self {
        case .noAnswers: return "no answers given"
        case .checklist(let p): return p.description
        }
    }

    /// The request field at fault (`answers`, or `answers.ID` for an unknown requirement).
    public var field: String {
        if case .checklist(.unknownRequirement(let id, _)) = self { return "answers.\(id)" }
        return "answers"
    }
}
