/// An offer of the model's catalogue (`offers:`): a piece of content or an action fit for some stages — a webinar, a
/// case study, a free trial, a talk with sales — with the conditions a lead must meet, the event that marks it taken
/// and a rank (1 is offered first).
public struct Offer: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    /// `webinar`, `case_study`, `spec_sheet`, `catalog`, `free_trial`, `consultation`, `demo`, `estimate`, `coupon`,
    /// `talk_to_sales`, or the model's own word.
    public var kind: String
    public var stages: [Stage]
    /// Who it fits (the fit rules' language: fields and the email's kind); nil: everyone in its stages.
    public var when: FieldCondition?
    /// The event that marks it taken (a `webinar_register` for the webinar, a `content_download` of the case study);
    /// nil: nothing marks it taken (it stays on offer until offered within the quiet period).
    public var taken: Taken?
    public var rank: Int

    public struct Taken: Sendable, Hashable, Codable {
        public var event: String
        public var conditions: [PropertyCondition]
        public init(event: String, conditions: [PropertyCondition] = []) {
            self.event = event
            self.conditions = conditions
        }
    }

    public init(id: String, title: String, kind: String, stages: [Stage], when: FieldCondition? = nil, taken: Taken? = nil, rank: Int) {
        self.id = id
        self.title = title
        self.kind = kind
        self.stages = stages
        self.when = when
        self.taken = taken
        self.rank = rank
    }

    /// The catalogue of a model that lists offer names per stage: one offer per name, ranked in list order, nothing
    /// marking it taken.
    public static func catalogue(byStage offers: [Stage: [String]]) -> [Offer] {
        var out: [Offer] = []
        for stage in Stage.allCases {
            for (i, id) in (offers[stage] ?? []).enumerated() {
                if let j = out.firstIndex(where: { $0.id == id }) { out[j].stages.append(stage); continue }
                out.append(Offer(id: id, title: words(id), kind: id, stages: [stage], rank: i + 1))
            }
        }
        return out
    }

    /// `free_trial` → "free trial".
    static func words(_ id: String) -> String { String(id.map { $0 == "_" ? " " : $0 }) }

    /// The kinds the product knows (a model may use its own).
    public static let knownKinds = ["webinar", "case_study", "spec_sheet", "catalog", "newsletter", "free_trial", "consultation", "demo",
                                    "estimate", "coupon", "talk_to_sales"]
}

/// Spaced follow-ups per stage (`follow_up:`): after a lead enters a stage, step `i` is due `after` its entry — but
/// never within `quiet` of the last touch — until the steps run out, the lead answers (a reply or a meeting stops the
/// cadence), moves to another stage (whose cadence starts), or is suppressed (unsubscribed, hard bounce, an address the
/// hygiene check rejects).
public struct FollowUpSection: Sendable, Hashable, Codable {
    public var quiet: TimeSpan
    public var cadences: [Stage: [FollowUpStep]]
    /// Event types that mean the lead answered (besides a logged email reply and a held meeting): the cadence stops.
    public var stopOn: [String]

    public init(quiet: TimeSpan, cadences: [Stage: [FollowUpStep]], stopOn: [String] = FollowUpSection.defaultStopOn) {
        self.quiet = quiet
        self.cadences = cadences
        self.stopOn = stopOn
    }

    public static let defaultStopOn = ["email_reply", "meeting_booked"]
}

public struct FollowUpStep: Sendable, Hashable, Codable {
    public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        case email, call, task
    }
    /// From the lead's entry into the stage.
    public var after: TimeSpan
    public var channel: Channel
    /// The offer to make: an id of the catalogue, ``bestOffer`` (the next-best offer when the step is due), or nil
    /// (a plain check-in).
    public var offer: String?

    public static let bestOffer = "best"

    public init(after: TimeSpan, channel: Channel, offer: String?) {
        self.after = after
        self.channel = channel
        self.offer = offer
    }
}

/// What the lead's events say about nurture, kept in its state (folded like the scores, so a replay and `--as-of`
/// agree with live ingest): the current stage's cadence, touches, answers, suppression and offers taken and made.
public struct NurtureState: Sendable, Hashable, Codable {
    /// When the current stage's cadence started: the lead's entry into the stage (its first event for `new`).
    public var cadenceStart: Timestamp?
    /// Steps of the current cadence done (sent, called, skipped).
    public var stepsDone: Int = 0
    /// The last touch: a follow-up done or a salesperson's call, email or meeting.
    public var lastTouch: Timestamp?
    /// Why the current stage's cadence stopped (the lead replied, a meeting was held …); a stage move starts the next.
    public var stopped: String?
    /// Why the lead never gets a follow-up again (``unsubscribed``, ``hardBounce``).
    public var suppressed: String?
    public static let unsubscribed = "unsubscribed"
    public static let hardBounce = "hard bounce"
    /// Offer id → when the lead took it (first time).
    public var taken: [String: Timestamp] = [:]
    /// Offer id → when it was last offered (a follow-up done naming it).
    public var offered: [String: Timestamp] = [:]
    /// Steps of the current cadence announced as due (a `followup.due` webhook each).
    public var announced: Int = 0

    public init() {}
}
