import QualifyCore
import QualifyStore

/// A salesperson's work on a lead after the hand-off: activities logged, the lead given to someone else.
public enum HandoffProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case activity(SalesActivityProblem)
    case unknownLead(String)
    /// The person is not in the active model's team (with the team's ids).
    case unknownPerson(String, known: [String])
    case noTeam
    case alreadyOwner(String)
    case emptyReason
    case duplicateID(String)
    /// The event recording an activity breaks the event limits (an id too long, a time in the future, …).
    case event(EventRejection)

    /// The input at fault.
    public var field: String {
        switch self {
        case .activity(let p): return p.field
        case .unknownLead: return "email"
        case .unknownPerson, .noTeam, .alreadyOwner: return "owner"
        case .emptyReason: return "reason"
        case .duplicateID: return "id"
        case .event(let why):
            switch why {
            case .inFuture, .invalidTimestamp: return "at"
            case .emptyID, .idTooLong, .reservedID: return "id"
            case .invalidEmail, .unknownLead: return "email"
            default: return "note"
            }
        }
    }

    public var description: String {
        switch self {
        case .activity(let p): return p.description
        case .unknownLead(let email): return "no lead with email '\(email)'"
        case .unknownPerson(let id, let known):
            let hint = known.isEmpty ? "" : "; the team is: \(known.joined(separator: ", "))"
            return "'\(id)' is not a person of the model's team\(hint)"
        case .noTeam: return "the active model has no team: list the salespeople under `team:` in the model first"
        case .alreadyOwner(let id): return "the lead is already \(id)'s"
        case .emptyReason: return "give a reason for the reassignment"
        case .duplicateID(let id): return "event id '\(id)' is already in the log (a retry of the same request changes nothing)"
        case .event(let why): return why.description
        }
    }
}

extension LeadStore {
    /// Logs a salesperson's call, email, meeting or note on a lead: an event in the lead's log (scored if the model
    /// has rules for its type), idempotent by `id`. Returns whether it was new (false: that id was logged before).
    public func logActivity(_ kind: SalesActivity, on key: LeadKey, outcome: String?, note: String?, by: String, id: EventID,
                            at: Timestamp, now: Timestamp) async throws -> Bool {
        let properties: [String: String]
        switch kind.properties(outcome: outcome, note: note, by: by) {
        case .success(let p): properties = p
        case .failure(let problem): throw HandoffProblem.activity(problem)
        }
        let outcome = try await ingest([IncomingEvent(id: id, email: key.email, type: kind.eventType, at: at, properties: properties)], now: now)[0]
        switch outcome {
        case .applied: return true
        case .duplicate: return false
        case .rejected(.unknownLead): throw HandoffProblem.unknownLead(key.email)
        case .rejected(let why): throw HandoffProblem.event(why)
        }
    }

    /// Gives a lead to another person of the model's team, with a reason: an assignment event (the same kind routing
    /// records, `by` the person who reassigned) and a `lead.assigned` message, in one transaction.
    public func assign(_ key: LeadKey, to person: String, reason: String, by: String, id: EventID, at: Timestamp) async throws -> String {
        if reason.trimmingSpaces.isEmpty { throw HandoffProblem.emptyReason }
        let (lists, engines) = (self.lists, self.engines)
        return try await transaction { tx in
            guard let lead = try await tx.lockLeads([key])[key] else { throw HandoffProblem.unknownLead(key.email) }
            let (model, engine) = try await engines.current(tx, lists: lists)
            guard let team = model.model.handoff?.team, !team.isEmpty else { throw HandoffProblem.noTeam }
            guard let owner = team.first(where: { $0.id == person }) else { throw HandoffProblem.unknownPerson(person, known: team.map(\.id)) }
            let state = try lead.state()
            if state.fields["owner"] == owner.id { throw HandoffProblem.alreadyOwner(owner.id) }
            let was = state.fields["owner"].map { " (was \($0))" } ?? ""
            let text = "reassigned to \(owner.name)\(was): \(reason.trimmingSpaces)"
            // after the assignment it replaces (made in the same millisecond, it would otherwise sort by id), so the
            // reassignment is the one that stands
            let when = max(at, state.assignedAt.map { Timestamp(millis: $0.millis + 1) } ?? at)
            let event = Event(id: id, lead: key, at: when, kind: .assignment(owner: owner.id, reason: text, by: by))
            guard try await tx.appendEvents([EventRow(event: event, leadID: lead.id)], receivedAt: at).contains(id) else {
                throw HandoffProblem.duplicateID(id.rawValue)
            }
            var write = try await Fold.apply([event], to: lead, engine: engine, model: model, in: tx)
            write.messages.append(.assigned(lead: key.email, owner: owner.id, reason: text, by: by, at: when, event: id))
            try await tx.writeLeads([write], modelVersion: model.version, at: at)
            return text
        }
    }
}

/// One escalation step fired (``LeadStore/escalate(now:limit:)``).
public struct SLAEscalation: Sendable, Hashable {
    public var lead: String
    public var owner: String
    /// From 0.
    public var step: Int
    public var action: EscalationStep.Action
    /// Whom the step tells: the owner (remind), their manager (tell_manager), or the new owner (reassign).
    public var notify: String?
}

extension LeadStore {
    /// Fires every SLA escalation step due at `now` (at most `limit` leads): for each, an escalation event in the
    /// lead's log with an id made of the assignment and the step — so a step fires once, however many servers run this
    /// — a `lead.sla_breached` message, and for a reassign step a new owner chosen as routing chooses (the pool's next
    /// turn, with the late owner taken as away). Each lead in its own transaction.
    /// A lead several steps behind gets them all, one after another (a pass per step, at most ten).
    ///
    /// A lead whose escalation fails (its stored state unreadable) does not stop the others: it is reported in
    /// `failed` with the error, and tried again next time.
    public func escalate(now: Timestamp, limit: Int = 500) async throws -> (fired: [SLAEscalation], failed: [(lead: String, error: String)]) {
        var fired: [SLAEscalation] = []
        var failed: [(lead: String, error: String)] = []
        var failing: Set<LeadKey> = []
        for _ in 0..<10 {
            var pass = 0
            for key in try await leadsToEscalate(at: now, limit: limit) where !failing.contains(key) {
                do {
                    if let step = try await escalate(key, now: now) {
                        fired.append(step)
                        pass += 1
                    }
                } catch {
                    failing.insert(key)
                    failed.append((key.email, "\(error)"))
                }
            }
            if pass == 0 { break }
        }
        return (fired, failed)
    }

    func escalate(_ key: LeadKey, now: Timestamp) async throws -> SLAEscalation? {
        let (lists, engines) = (self.lists, self.engines)
        return try await transaction { tx -> SLAEscalation? in
            guard let lead = try await tx.lockLeads([key])[key] else { return nil }
            let (model, engine) = try await engines.current(tx, lists: lists)
            let state = try lead.state()
            let handoff = model.model.handoff
            /// The projection written again from the state, so the scan moves on from this lead.
            func rewrite() async throws {
                try await tx.writeLeads([LeadWrite(lead: lead, projection: LeadProjection(state: state, model: model.model), changes: [])],
                                        modelVersion: model.version, at: now)
            }
            guard let assigned = state.assignedAt, let owner = state.fields["owner"],
                  case .due(let due)? = SLAClock.status(of: state, handoff: handoff, zone: SystemZones.rules),
                  let next = SLAClock.nextEscalation(of: state, handoff: handoff, zone: SystemZones.rules), next.at <= now else {
                // nothing due after all (the row's time was computed under another model, or a zone's rules changed):
                // the projection written again from the state, so the scan does not find it again
                try await rewrite()
                return nil
            }
            let action = next.escalation.action
            let manager = handoff?.person(owner)?.manager
            let note: String
            switch action {
            case .remind: note = "\(owner) has not acted since \(assigned.iso8601) (due \(due.iso8601)): reminded"
            case .tellManager: note = "\(owner) has not acted (due \(due.iso8601)): told \(manager ?? "nobody — they have no manager")"
            case .reassign: note = "\(owner) has not acted (due \(due.iso8601)): given to the next person who can take it, if any"
            }
            let id = EventID("$sla:\(lead.id):\(assigned.millis):\(next.step)")   // event ids are unique across leads
            let event = Event(id: id, lead: key, at: now, kind: .escalation(step: next.step, action: action, note: note, assigned: assigned))
            guard try await tx.appendEvents([EventRow(event: event, leadID: lead.id)], receivedAt: now).contains(id) else {
                // fired before (its event is in the log): the projection written again, so the scan moves on
                try await rewrite()
                return nil
            }
            var write = try await Fold.apply([event], to: lead, engine: engine, model: model, in: tx)
            var notify: String? = action == .tellManager ? manager : owner
            if action == .reassign {
                // its id sorts just after the escalation's at the same time, so a replay folds them in this order
                var routing = RoutingStep(model, lists: lists)
                write = try await routing.reroute(write, awayFrom: owner, id: EventID("$sla:\(lead.id):\(assigned.millis):\(next.step):assign"),
                                                  why: "SLA missed by \(owner) (due \(due.iso8601))", engine: engine, model: model, in: tx, now: now)
                try await routing.finish(in: tx)
                let newOwner = try LeadStateCodec.decode(write.projection.state).fields["owner"]
                // nobody could take it (all away): the breach is announced to nobody in particular, the owner stays
                notify = newOwner != owner ? newOwner : nil
            }
            write.messages.append(.slaBreached(lead: key.email, owner: owner, step: next.step, action: action.rawValue, due: due,
                                               notify: notify, at: now))
            try await tx.writeLeads([write], modelVersion: model.version, at: now)
            return SLAEscalation(lead: key.email, owner: owner, step: next.step, action: action, notify: notify)
        }
    }
}

extension LeadStore {
    /// The hand-off report (``SLAReport``) over every lead's assignments, touches and escalations, under the active
    /// model's team and SLA. Pages through the event table.
    public func slaReport(now: Timestamp) async throws -> SLAReport {
        guard let model = try await activeModel() else { throw StoreError.noActiveModel }
        var events: [Event] = []
        var position: Int64 = 0
        while true {
            let page = try await handoffEvents(after: position, limit: 10_000)
            events += page.map(\.event)
            guard let last = page.last else { break }
            position = last.position
        }
        return SLAReport.build(events, handoff: model.model.handoff, zone: SystemZones.rules, now: now)
    }
}
