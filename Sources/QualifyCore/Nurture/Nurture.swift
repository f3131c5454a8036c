/// Nurture: the next-best offer for a lead and its follow-up cadence — pure functions of the model and the lead's
/// folded state (``NurtureState``), so the card, the follow-up list, a replay and `--as-of` agree.
public enum Nurture {
    /// The event type recording a follow-up step done (properties: `stage`, `step`, `outcome`, `offer`, `channel`,
    /// `reason`, `by`).
    public static let eventType = "nurture.follow_up"
    /// The event type recording that a step fell due and was announced (a `followup.due` message): properties `stage`,
    /// `step` (from 1). Its id is made of the lead, the cadence's start and the step, so a step is announced once.
    public static let dueEventType = "nurture.due"
    /// How a step was done: `sent` (an email), `called`, `done` (a task) or `skipped` (with a reason).
    public static let outcomes = ["sent", "called", "done", "skipped"]

    // MARK: folding

    /// Folds one event into the lead's nurture state: called by ``Engine/apply(_:to:)`` after scoring, with the stage
    /// the lead stood in before the event.
    static func fold(_ event: Event, stageBefore: Stage, into state: inout LeadState, compiled: CompiledModel) {
        var n = state.nurture
        if n.cadenceStart == nil { n.cadenceStart = state.stageHistory.last?.at ?? state.firstSeen ?? event.at }
        if state.stage != stageBefore {
            n.cadenceStart = event.at
            n.stepsDone = 0
            n.stopped = nil
            n.announced = 0
        }
        if case .activity(let type, let properties) = event.kind {
            for i in compiled.offersTakenByType[type] ?? [] {
                let offer = compiled.offers[i]
                guard n.taken[offer.id] == nil, let taken = offer.taken,
                      taken.conditions.allSatisfy({ compiled.test($0.test, properties[$0.property]) }) else { continue }
                n.taken[offer.id] = event.at
            }
            switch type {
            case dueEventType:
                if properties["stage"] == state.stage.rawValue, let step = properties["step"].flatMap({ Int($0) }) {
                    n.announced = max(n.announced, step)
                }
            case eventType:
                if properties["stage"] == nil || properties["stage"] == state.stage.rawValue { n.stepsDone += 1 }
                n.lastTouch = max(n.lastTouch ?? event.at, event.at)
                if let offer = properties["offer"], !offer.isEmpty, properties["outcome"] != "skipped" { n.offered[offer] = event.at }
            case "unsubscribe":
                n.suppressed = n.suppressed ?? NurtureState.unsubscribed
            case "email_bounce", "bounce":
                let kind = (properties["reason"] ?? properties["type"] ?? properties["kind"] ?? "hard").lowercased()
                if !kind.contains("soft") { n.suppressed = n.suppressed ?? NurtureState.hardBounce }
            default:
                if let activity = SalesActivity(eventType: type) {
                    n.lastTouch = max(n.lastTouch ?? event.at, event.at)
                    let outcome = properties["outcome"]
                    if activity == .email, outcome == "replied" { n.stopped = "replied to an email" }
                    if activity == .meeting, outcome == "held" { n.stopped = "a meeting was held" }
                    if activity == .email, outcome == "bounced" { n.suppressed = n.suppressed ?? NurtureState.hardBounce }
                } else if compiled.stopOnTypes.contains(type) {
                    n.stopped = "answered (\(type))"
                }
            }
        }
        state.nurture = n
    }

    // MARK: the next-best offer

    /// The offer to make now and why.
    public struct Choice: Sendable, Hashable, Codable {
        public var offer: Offer
        public var reason: String
    }

    /// The highest-ranked offer of the lead's stage whose conditions it meets, that it has not taken and that was not
    /// offered within the quiet period (``FollowUpSection/quiet``; 14 days without a `follow_up:` section); nil when
    /// none is left. `fits` evaluates an offer's condition on the lead (``Engine/fits(_:state:)``).
    public static func nextOffer(_ state: LeadState, model: QualificationModel, now: Timestamp,
                                 fits: (FieldCondition) -> Bool) -> Choice? {
        offers(state, model: model, now: now, fits: fits, limit: 1).first
    }

    /// The offers open to the lead now, best first (the first is ``nextOffer(_:model:now:fits:)``), at most `limit`.
    public static func offers(_ state: LeadState, model: QualificationModel, now: Timestamp, fits: (FieldCondition) -> Bool,
                              limit: Int = .max) -> [Choice] {
        let quiet = model.followUp?.quiet ?? .days(14)
        let n = state.nurture
        let candidates = model.offerCatalogue.enumerated().filter { $0.element.stages.contains(state.stage) }
        var out: [Choice] = []
        for offer in candidates.sorted(by: { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }).map(\.element) where out.count < limit {
            guard n.taken[offer.id] == nil else { continue }
            if let last = n.offered[offer.id], now < last.adding(quiet) { continue }
            if let when = offer.when, !fits(when) { continue }
            var why = [state.stage.label]
            if let when = offer.when {
                let fields = fieldNames(when).compactMap { name in state.fields[name].map { "\(name) \($0)" } }
                if !fields.isEmpty { why.append(fields.joined(separator: ", ")) }
            }
            let took = model.offerCatalogue.filter { n.taken[$0.id] != nil }.sorted { n.taken[$0.id]! < n.taken[$1.id]! }.map(\.title)
            if !took.isEmpty { why.append("took " + took.joined(separator: ", ")) }
            out.append(Choice(offer: offer, reason: why.joined(separator: ", ") + " → " + offer.title))
        }
        return out
    }

    static func fieldNames(_ c: FieldCondition) -> [String] {
        switch c {
        case .field(let name, _): return [name]
        case .email: return []
        case .any(let cs), .all(let cs): return cs.flatMap(fieldNames)
        case .not(let c): return fieldNames(c)
        }
    }

    // MARK: the follow-up cadence

    /// Where a lead's follow-up cadence stands.
    public enum Status: Sendable, Hashable, Codable {
        /// Step `index` (from 0) of `count` in the stage's cadence is due at `at` (it may be past: overdue).
        case due(stage: Stage, index: Int, count: Int, step: FollowUpStep, at: Timestamp)
        /// Every step of the stage's cadence was done.
        case finished(Stage)
        /// The lead answered: this stage's cadence stopped (a stage move starts the next).
        case stopped(String)
        /// Never followed up again.
        case suppressed(String)
        /// The model has no cadence for the lead's stage.
        case noCadence(Stage)

        public var dueAt: Timestamp? {
            if case .due(_, _, _, _, let at) = self { return at }
            return nil
        }
    }

    public static func status(_ state: LeadState, model: QualificationModel) -> Status {
        let n = state.nurture
        if let why = n.suppressed { return .suppressed(why) }
        guard let section = model.followUp, let steps = section.cadences[state.stage], !steps.isEmpty,
              let start = n.cadenceStart ?? state.stageHistory.last?.at ?? state.firstSeen else { return .noCadence(state.stage) }
        if let why = n.stopped { return .stopped(why) }
        guard n.stepsDone < steps.count else { return .finished(state.stage) }
        let step = steps[n.stepsDone]
        var at = start.adding(step.after)
        if let touch = n.lastTouch { at = max(at, touch.adding(section.quiet)) }
        return .due(stage: state.stage, index: n.stepsDone, count: steps.count, step: step, at: at)
    }

    /// When the lead's due step is to be announced (a `followup.due` message): its due time while it has not been.
    public static func announceAt(_ state: LeadState, model: QualificationModel) -> Timestamp? {
        guard case .due(_, let index, _, _, let at) = status(state, model: model), state.nurture.announced <= index else { return nil }
        return at
    }

    /// Why the step is due now, in words: "MQL for 5 days, step 2 of 4: call" (without a state: the step only).
    public static func why(_ status: Status, state: LeadState?, now: Timestamp? = nil) -> String {
        switch status {
        case .due(let stage, let index, let count, let step, let at):
            let what = "step \(index + 1) of \(count): \(step.channel.rawValue)\(step.offer.map { " with \($0 == FollowUpStep.bestOffer ? "the next-best offer" : $0)" } ?? "")"
            guard let state, let now else { return "\(stage.label) \(what), due \(at.iso8601)" }
            let days = max(0, Int((now.millis - (state.nurture.cadenceStart ?? at).millis) / 86_400_000))
            let late = now > at ? ", due since \(at.isoDate)" : ""
            return "\(stage.label) for \(days) day\(days == 1 ? "" : "s"), \(what)\(late)"
        case .finished(let stage): return "every \(stage.label) follow-up done"
        case .stopped(let why): return "stopped: \(why)"
        case .suppressed(let why): return "suppressed: \(why)"
        case .noCadence(let stage): return "no follow-up cadence for \(stage.label)"
        }
    }
}

extension Nurture {
    /// Why an address never gets a follow-up by the hygiene check: invalid, disposable or a role account; nil when it
    /// may be written to.
    public static func addressHold(_ check: EmailVerification) -> String? {
        switch check.verdict {
        case .invalid(let reason): return "address invalid (\(reason.rawValue))"
        case .risky(let reasons):
            if reasons.contains(.disposable) { return "disposable address" }
            if reasons.contains(.roleAccount) { return "role address" }
            return nil
        case .valid, .unknown: return nil
        }
    }

    /// The properties of a follow-up step done (an event of ``eventType``): `outcome` one of ``outcomes`` (`skipped`
    /// needs a reason), the stage and step it answers, the offer made (a skipped step made none), who did it.
    public static func doneProperties(status: Status, outcome: String, offer: String?, reason: String?, by: String)
        -> Result<[String: String], FollowUpProblem> {
        guard case .due(let stage, let index, _, _, _) = status else { return .failure(.nothingDue(why(status, state: nil))) }
        let outcome = outcome.trimmingSpaces.lowercased()
        guard outcomes.contains(outcome) else { return .failure(.unknownOutcome(outcome)) }
        let reason = reason?.trimmingSpaces ?? ""
        if outcome == "skipped", reason.isEmpty { return .failure(.skipWithoutReason) }
        if by.trimmingSpaces.isEmpty { return .failure(.nobody) }
        var p = ["stage": stage.rawValue, "step": String(index + 1), "outcome": outcome, "by": by.trimmingSpaces]
        if let offer, !offer.isEmpty { p["offer"] = offer }
        if !reason.isEmpty { p["reason"] = reason }
        return .success(p)
    }
}

public enum FollowUpProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case nothingDue(String)
    case unknownOutcome(String)
    case skipWithoutReason
    case nobody
    case unknownOffer(String, [String])
    case rejected(String)

    /// The input at fault.
    public var field: String {
        switch self {
        case .nothingDue: return "email"
        case .unknownOutcome: return "outcome"
        case .skipWithoutReason: return "reason"
        case .nobody: return "by"
        case .unknownOffer: return "offer"
        case .rejected: return "event"
        }
    }

    public var description: String {
        switch self {
        case .nothingDue(let why): return "no follow-up step is due for this lead (\(why))"
        case .unknownOutcome(let o): return "'\(o)' is not an outcome of a follow-up; expected one of \(Nurture.outcomes.joined(separator: ", "))"
        case .skipWithoutReason: return "a skipped step needs a reason (why it was skipped)"
        case .nobody: return "say who did it"
        case .unknownOffer(let offer, let known):
            return "'\(offer)' is not an offer of the model's catalogue; expected one of \(known.joined(separator: ", "))"
        case .rejected(let why): return "the follow-up could not be recorded: \(why)"
        }
    }
}
