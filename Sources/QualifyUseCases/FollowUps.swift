import QualifyCore
import QualifyStore

/// One follow-up due: the lead, the step, the offer to make and why now.
public struct FollowUpItem: Sendable, Hashable {
    public var email: String
    public var name: String?
    public var company: String?
    public var owner: String?
    public var stage: Stage
    public var grade: Grade
    /// The step (from 1) of how many in the stage's cadence, and its channel.
    public var step: Int
    public var steps: Int
    public var channel: FollowUpStep.Channel
    /// The offer to make (the step's, or the next-best offer for `offer: best`) and why it; nil for a plain check-in
    /// or when nothing is left to offer.
    public var offer: Offer?
    public var offerReason: String?
    public var dueAt: Timestamp
    public var overdue: Bool
    public var why: String
}

/// A lead that gets no follow-up, and why (unsubscribed, a hard bounce, an address the hygiene check rejects).
public struct HeldLead: Sendable, Hashable {
    public var email: String
    public var name: String?
    public var stage: Stage
    public var owner: String?
    public var reason: String
}

/// Which follow-ups are listed.
public enum FollowUpWindow: String, Sendable, Hashable, CaseIterable {
    /// Due by the end of today (UTC), overdue ones included.
    case today
    /// Due before now.
    case overdue
    /// Every pending step, whenever due.
    case all

    /// The latest due time listed at `now`.
    public func dueBy(_ now: Timestamp) -> Timestamp {
        switch self {
        case .today:
            let day: Int64 = 86_400_000
            return Timestamp(millis: (now.millis / day + 1) * day - 1)
        case .overdue: return Timestamp(millis: now.millis - 1)
        case .all: return Timestamp(millis: Int64.max / 2)
        }
    }
}

/// The follow-up use cases every shell calls: what is due, who is held back, marking a step done.
public struct FollowUps: Sendable {
    public let store: any LeadStore
    public let verifier: EmailVerifier
    public init(store: any LeadStore, verifier: EmailVerifier) {
        self.store = store
        self.verifier = verifier
    }

    /// The follow-ups due in `window` (earliest first, at most `limit`), optionally one owner's (any case). Leads whose
    /// address the hygiene check rejects are left out (``held(limit:now:)`` lists them).
    public func due(_ window: FollowUpWindow, owner: String?, now: Timestamp, limit: Int) async throws -> [FollowUpItem] {
        let (model, engine) = try await AccountCards.activeEngine(store)
        var items: [FollowUpItem] = []
        var after: FollowUpCursor?
        while items.count < limit {
            let page = try await store.followUpsDue(by: window.dueBy(now), owner: owner, after: after, limit: max(limit, 100))
            for row in page {
                guard items.count < limit else { break }
                if Nurture.addressHold(verifier.verify(row.row.email)) != nil { continue }
                if let item = Self.item(row.state, model: model.model, engine: engine, now: now) { items.append(item) }
            }
            guard let last = page.last, page.count >= max(limit, 100) else { break }
            after = FollowUpCursor(dueAt: last.dueAt ?? now, id: last.row.id)
        }
        return items
    }

    /// The lead's due step from its folded state (nil when none is due): who it is comes from the state's fields, as
    /// the lead row's projection does.
    static func item(_ state: LeadState, model: QualificationModel, engine: Engine, now: Timestamp) -> FollowUpItem? {
        let status = Nurture.status(state, model: model)
        guard case .due(let stage, let index, let count, let step, let at) = status else { return nil }
        var offer: Offer?, reason: String?
        if let id = step.offer {
            if id == FollowUpStep.bestOffer {
                if let choice = Nurture.nextOffer(state, model: model, now: now, fits: { engine.fits($0, state: state) }) {
                    (offer, reason) = (choice.offer, choice.reason)
                }
            } else if let named = model.offerCatalogue.first(where: { $0.id == id }) {
                offer = named
                reason = state.nurture.taken[id].map { "the cadence's step names it (the lead took it on \($0.isoDate))" }
                    ?? "the cadence's step names it"
            }
        }
        let f = state.fields
        return FollowUpItem(email: state.key.email, name: LeadFields.personName(f), company: f["company"], owner: f["owner"], stage: stage,
                            grade: state.grade, step: index + 1,
                            steps: count, channel: step.channel, offer: offer, offerReason: reason, dueAt: at, overdue: at < now,
                            why: Nurture.why(status, state: state, now: now))
    }

    /// The leads held back from follow-ups: unsubscribed and hard-bounced ones (newest first), then those with a due
    /// step whose address the hygiene check rejects.
    public func held(limit: Int, now: Timestamp) async throws -> [HeldLead] {
        var out = try await store.followUpsHeld(limit: limit).map { row in
            HeldLead(email: row.row.email, name: row.row.name, stage: row.row.stage, owner: row.row.owner, reason: row.hold ?? "held")
        }
        var after: FollowUpCursor?
        scan: while out.count < limit {
            let page = try await store.followUpsDue(by: FollowUpWindow.all.dueBy(now), owner: nil, after: after, limit: 1000)
            for row in page {
                if let why = Nurture.addressHold(verifier.verify(row.row.email)) {
                    out.append(HeldLead(email: row.row.email, name: row.row.name, stage: row.row.stage, owner: row.row.owner, reason: why))
                    if out.count >= limit { break scan }
                }
            }
            guard let last = page.last, page.count >= 1000 else { break }
            after = FollowUpCursor(dueAt: last.dueAt ?? now, id: last.row.id)
        }
        return out
    }

    /// Records the lead's due step as done (`sent`, `called`, `done`) or `skipped` with a reason: a
    /// ``Nurture/eventType`` event in its log, so the cadence moves on and the log keeps what happened. `offer`: the
    /// offer made (default: the step's — for `best`, the next-best offer now).
    public func done(_ key: LeadKey, outcome: String, offer: String?, reason: String?, by: String, id: EventID, at: Timestamp)
        async throws -> FollowUpItem {
        guard let record = try await store.lead(key) else { throw LeadCards.Problem.unknownLead(key.email) }
        let (model, engine) = try await AccountCards.activeEngine(store)
        let state = engine.replay(key, events: record.events, until: at).state
        let status = Nurture.status(state, model: model.model)
        guard let item = Self.item(state, model: model.model, engine: engine, now: at) else {
            throw FollowUpProblem.nothingDue(Nurture.why(status, state: state, now: at))
        }
        if let offer, !offer.isEmpty, !model.model.offerCatalogue.contains(where: { $0.id == offer }) {
            throw FollowUpProblem.unknownOffer(offer, model.model.offerCatalogue.map(\.id))
        }
        let made = outcome.lowercased() == "skipped" ? offer : (offer ?? item.offer?.id)
        let properties: [String: String]
        switch Nurture.doneProperties(status: status, outcome: outcome, offer: made, reason: reason, by: by) {
        case .success(let p): properties = p
        case .failure(let problem): throw problem
        }
        switch try await store.ingest([IncomingEvent(id: id, email: key.email, type: Nurture.eventType, at: at, properties: properties)], now: at)[0] {
        case .applied, .duplicate: return item
        case .rejected(.unknownLead): throw LeadCards.Problem.unknownLead(key.email)
        case .rejected(let why): throw FollowUpProblem.rejected("\(why)")
        }
    }
}

extension FollowUps {
    /// The leads with their next-best offer (``Nurture/nextOffer(_:model:now:fits:)``) filled in, from each one's stored
    /// state: for the queue's CSV and JSON (a read per lead listed).
    public func withNextOffers(_ leads: [LeadSummary], now: Timestamp) async throws -> [LeadSummary] {
        let (model, engine) = try await AccountCards.activeEngine(store)
        var out = leads
        for i in out.indices {
            guard let record = try await store.lead(LeadKey(normalizedEmail: out[i].email)) else { continue }
            let state = record.state
            out[i].nextOffer = Nurture.nextOffer(state, model: model.model, now: now) { engine.fits($0, state: state) }?.offer.id
        }
        return out
    }

    /// The offers report (``OfferTally``) over every lead's folded state under the active model's catalogue.
    public static func offerReport(_ store: any LeadStore, horizon: TimeSpan, now: Timestamp, pageSize: Int = 5000) async throws -> [OfferOutcome] {
        let (model, _) = try await AccountCards.activeEngine(store)
        var tally = OfferTally(catalogue: model.model.offerCatalogue, horizon: horizon, now: now)
        var after: Int64 = 0
        while true {
            let page = try await store.leadStates(afterID: after, limit: pageSize)
            guard let last = page.last else { break }
            for (_, state) in page { tally.add(state) }
            after = last.id
        }
        return tally.report()
    }
}
