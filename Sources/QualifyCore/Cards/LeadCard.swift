/// Everything sales needs to know about one lead, explained to the last point: who they are (fit and grade), how
/// interested they are now (engagement and temperature), where they stand (stage and why), the ledger that sums
/// exactly to the scores, and what to offer next.
public struct LeadCard: Sendable, Hashable, Codable {
    public var email: String
    public var asOf: Timestamp
    public var fields: [String: String]
    public var account: String?
    public var fitPoints: Int
    public var grade: Grade
    public var engagement: Double
    public var temperature: Temperature
    /// Parallel score groups other than `main`: engagement now per group.
    public var groups: [String: Double]
    public var stage: Stage
    public var stageHistory: [StageChange]
    public var ledger: [Line]
    /// The offers open to the lead now, best first (``Nurture/offers(_:model:now:fits:limit:)``): ids.
    public var nextOffers: [String]
    /// The next-best offer and why.
    public var nextOffer: Nurture.Choice?
    /// Where the lead's follow-up cadence stands (``Nurture/status(_:model:)``), and in words.
    public var followUp: Nurture.Status
    public var followUpText: String
    /// Why the lead gets no follow-up (unsubscribed, a hard bounce), if so.
    public var suppressed: String?
    public var events: Int
    public var lastActivity: Timestamp?
    /// The latest events, newest first, in words: sales activities with who and the outcome, stage moves,
    /// assignments, field updates, the lead's own activities.
    public var timeline: [TimelineEntry] = []
    /// The owner's SLA clock (``SLAClock``) when the model has an SLA for the lead's stage and the lead was assigned.
    public var sla: SLAClock.Status?

    public struct Line: Sendable, Hashable, Codable {
        public var entry: LedgerEntry
        /// The entry's worth at `asOf` (engagement decays).
        public var valueNow: Double
    }

    /// Builds the card by replaying the lead's events up to `asOf` under `model`.
    /// `zone`: a calendar's zone rules by name, for the SLA's working time (nil: plain time).
    public static func build(key: LeadKey, events: [Event], account: String?, engine: Engine, asOf: Timestamp,
                             zone: (String) -> (any ZoneRules)? = { _ in nil }) -> LeadCard {
        let replay = engine.replay(key, events: events, until: asOf)
        let state = replay.state
        let model = engine.model
        let main = model.engagement.main
        var lines: [Line] = []
        for entry in replay.ledger {
            let half = entry.group.flatMap { model.engagement.group($0)?.halfLife } ?? main.halfLife
            lines.append(Line(entry: entry, valueNow: entry.value(at: asOf, halfLife: half)))
        }
        let engagement = state.engagement(at: asOf, halfLife: main.halfLife)
        var groups: [String: Double] = [:]
        for group in model.engagement.groups where group.id != EngagementSection.mainGroup {
            groups[group.id] = state.engagement(group.id, at: asOf, halfLife: group.halfLife)
        }
        let offers = Nurture.offers(state, model: model, now: asOf) { engine.fits($0, state: state) }
        let followUp = Nurture.status(state, model: model)
        let lastActivity = events.filter { if case .activity = $0.kind { return $0.at <= asOf } else { return false } }.map(\.at).max()
        return LeadCard(
            email: key.email, asOf: asOf, fields: state.fields, account: account, fitPoints: state.fitPoints,
            grade: state.grade, engagement: engagement, temperature: main.temperature.temperature(for: engagement),
            groups: groups, stage: state.stage, stageHistory: state.stageHistory, ledger: lines,
            nextOffers: offers.map(\.offer.id), nextOffer: offers.first, followUp: followUp,
            followUpText: Nurture.why(followUp, state: state, now: asOf), suppressed: state.nurture.suppressed, events: state.eventCount, lastActivity: lastActivity,
            timeline: TimelineEntry.timeline(of: events, asOf: asOf),
            sla: SLAClock.status(of: state, handoff: model.handoff, zone: zone))
    }

    /// The sum of the fit lines: always equals ``fitPoints``.
    /// The fields a card lists under "fields": all but the name (shown as the title) and the checklist's answers
    /// (shown as the checklist), by name.
    public var shownFields: [(name: String, value: String)] {
        fields.filter { !["first_name", "last_name"].contains($0.key) && !$0.key.hasPrefix(Checklist.fieldPrefix) }
            .sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public var fitLedgerSum: Int { ledger.filter { $0.entry.kind == .fit }.reduce(0) { $0 + $1.entry.points } }
    /// The sum of the main group's engagement lines, decayed to ``asOf``: equals ``engagement`` up to rounding.
    public var engagementLedgerSum: Double {
        ledger.filter { $0.entry.kind == .engagement && $0.entry.group == EngagementSection.mainGroup }
            .reduce(0) { $0 + $1.valueNow }
    }
}
