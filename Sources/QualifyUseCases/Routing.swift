import QualifyCore
import QualifyStore

/// Routing inside a use case's transaction, decided once for every store and every way a lead arrives (events,
/// imports, upserts): a lead that a write moves into the model's routing stage (SQL unless the model says otherwise)
/// and that has no owner is given to a salesperson by the core's ``LeadRouter``. The decision is recorded as an
/// assignment event in the lead's log — so the card shows it and a replay or rescore keeps it, never deciding again —
/// folded into the write, and announced with a `lead.assigned` outbox message. The team's load (open leads, each
/// pool's next turn) is read once per transaction, under the stores' routing lock, and kept up to date here as the
/// transaction routes more leads; the turns are written at the end (``finish(in:)``).
struct RoutingStep {
    private let router: LeadRouter?
    private var load: RoutingLoad?
    private var turns: [String: Int] = [:]
    /// Owners given in this transaction, by account domain (not yet written, so `accountOwner` cannot see them).
    private var ownerByAccount: [String: String] = [:]
    private let lists: EmailLists

    init(_ model: ModelVersion, lists: EmailLists) {
        router = LeadRouter(model.model.handoff)
        self.lists = lists
    }

    /// The stage whose entry routes a lead, when the model routes.
    static func stage(of model: QualificationModel) -> Stage? { model.handoff?.routing?.on }

    /// Whether a move reaches the routing stage `on` from below it — into it, or past it (a lead meeting SQL's
    /// criteria goes straight to SQL, so with `on: mql` it never enters MQL itself).
    static func reaches(_ change: StageChange, _ on: Stage) -> Bool {
        guard let to = change.to.forwardRank, let from = change.from.forwardRank, let start = on.forwardRank else { return false }
        return from < start && to >= start && change.to != .customer
    }

    /// The stages in which a routed lead still counts as open for its owner: from the routing stage to opportunity.
    static func openStages(from on: Stage) -> [Stage] {
        Stage.allCases.filter { stage in
            guard let rank = stage.forwardRank, let start = on.forwardRank else { return false }
            return rank >= start && stage != .customer
        }
    }

    /// Whether a person sent the lead back (to nurture or out) since its current owner got it.
    static func released(_ state: LeadState) -> Bool {
        guard let assigned = state.assignedAt else { return false }
        return state.stageHistory.contains { $0.at >= assigned && $0.by != "model" && ($0.to == .recycled || $0.to == .disqualified) }
    }

    /// `write` with the lead routed, if it is due: the assignment event appended and folded in, the message added.
    mutating func route(_ write: LeadWrite, engine: Engine, model: ModelVersion, in tx: any LeadTransaction, now: Timestamp)
        async throws -> LeadWrite
    {
        guard var router, let entry = write.changes.last(where: { Self.reaches($0, router.routing.on) }) else { return write }
        let state = try LeadStateCodec.decode(write.projection.state)
        guard Self.openStages(from: router.routing.on).contains(state.stage) else { return write }
        // a lead with an owner is routed again only if that owner sent it back (recycle, reject, lose, disqualify)
        // since they got it: it comes back to someone else, the one who let it go taken as away
        let owner = (state.fields["owner"] ?? "").trimmingSpaces
        let released = !owner.isEmpty && Self.released(state)
        guard owner.isEmpty || released else { return write }
        var handoff = router.handoff
        if released, let i = handoff.team.firstIndex(where: { $0.id == owner }) {
            handoff.team[i].away = true
            router = LeadRouter(handoff) ?? router
        }
        try await readLoad(router, tx)
        let account = lists.accountDomain(of: write.lead.key)
        var accountOwner: String?
        if router.routing.stickyAccount {
            accountOwner = try await account.flatMap { ownerByAccount[$0] }.asyncOr { try await tx.accountOwner(of: write.lead) }
        }
        let snapshot = state
        let decision: RoutingDecision
        switch router.decide(grade: state.grade, matches: { engine.routingMatches($0, state: snapshot) }, accountOwner: accountOwner, load: load!) {
        case .success(let d): decision = d
        case .failure:
            // everyone, fallback included, is away: the lead stays unowned (the queue shows it without an owner)
            return write
        }
        // Recorded just after the move into the stage (so the SLA clock starts when the lead qualified), never after
        // now (an entry stamped a little ahead, as events may be, is routed now); folded like any event (a replay if
        // later events are already in the log, or the entry comes after it).
        let at = min(Timestamp(millis: entry.at.millis + 1), now)
        let reason = released ? "\(decision.reason) (back after \(owner) sent it back)" : decision.reason
        let routed = try await record(decision, on: write, id: EventID("$route:\(entry.eventID.rawValue)"), at: at, by: "routing",
                                      reason: reason, engine: engine, model: model, in: tx, now: now)
        if let account, routed.messages.count > write.messages.count { ownerByAccount[account] = decision.owner }
        return routed
    }

    /// `write` with the lead given to someone else than `owner` (an SLA escalation's reassign step): the pool's next
    /// turn, the rules and the fallback as routing decides, with `owner` taken as away.
    mutating func reroute(_ write: LeadWrite, awayFrom owner: String, id: EventID, why: String, engine: Engine, model: ModelVersion,
                          in tx: any LeadTransaction, now: Timestamp) async throws -> LeadWrite {
        guard var handoff = router?.handoff else { return write }
        // the late owner sits this one out (an owner the team does not know, set by a CRM, has no turn anyway)
        if let i = handoff.team.firstIndex(where: { $0.id == owner }) { handoff.team[i].away = true }
        guard let router = LeadRouter(handoff) else { return write }
        let state = try LeadStateCodec.decode(write.projection.state)
        try await readLoad(router, tx)
        guard case .success(let decision) = router.decide(grade: state.grade, matches: { engine.routingMatches($0, state: state) },
                                                          accountOwner: nil, load: load!) else { return write }
        load!.openLeads[owner, default: 1] -= 1
        return try await record(decision, on: write, id: id, at: now, by: "sla", reason: "\(why); \(decision.reason)",
                                engine: engine, model: model, in: tx, now: now)
    }

    /// The team's load, read once per transaction (taking the routing lock on PostgreSQL).
    private mutating func readLoad(_ router: LeadRouter, _ tx: any LeadTransaction) async throws {
        guard load == nil else { return }
        load = try await tx.routingLoad(pools: router.routing.pools.map(\.id).sorted(), people: router.handoff.team.map(\.id),
                                        openStages: Self.openStages(from: router.routing.on))
    }

    /// Records a decision: the assignment event appended and folded into `write`, the load and turns updated, the
    /// `lead.assigned` message added.
    private mutating func record(_ decision: RoutingDecision, on write: LeadWrite, id: EventID, at: Timestamp, by: String, reason: String,
                                 engine: Engine, model: ModelVersion, in tx: any LeadTransaction, now: Timestamp) async throws -> LeadWrite {
        let event = Event(id: id, lead: write.lead.key, at: at, kind: .assignment(owner: decision.owner, reason: reason, by: by))
        guard try await tx.appendEvents([EventRow(event: event, leadID: write.lead.id)], receivedAt: now).contains(event.id) else {
            return write
        }
        let folded = try await Fold.apply([event], to: write.written(modelVersion: model.version), engine: engine, model: model, in: tx)
        load!.openLeads[decision.owner, default: 0] += 1
        if let pool = decision.pool, let next = decision.nextTurn {
            load!.nextTurn[pool] = next
            turns[pool] = next
        }
        var routed = LeadWrite(lead: write.lead, projection: folded.projection, changes: write.changes + folded.changes,
                               messages: write.messages + folded.messages)
        routed.messages.append(.assigned(lead: write.lead.key.email, owner: decision.owner, reason: reason, by: by, at: event.at, event: event.id))
        routed.ifUnchanged = write.ifUnchanged
        return routed
    }

    /// Writes the pools' turns taken in this transaction.
    func finish(in tx: any LeadTransaction) async throws {
        for (pool, next) in turns.sorted(by: { $0.key < $1.key }) {
            try await tx.setRoutingTurn(pool: pool, next: next)
        }
    }
}

extension Optional where Wrapped: Sendable {
    /// The value, or `fallback`'s when there is none.
    func asyncOr(_ fallback: () async throws -> Wrapped?) async rethrows -> Wrapped? {
        if let self { return self }
        return try await fallback()
    }
}
