/// Which content moves leads: for each offer, the leads that took it while in one of its stages and the share of them
/// that moved to a further stage within the horizon, against the leads in those stages that did not take it (from
/// their entry into the stage) — and the lift (the ratio of the two shares) with its 95 % interval.
public struct OfferOutcome: Sendable, Hashable, Codable {
    public var offer: String
    public var title: String
    public var stages: [Stage]
    /// Took it, and moved on within the horizon.
    public var took: Proportion
    /// Did not take it (entered one of its stages), and moved on within the horizon.
    public var without: Proportion
    /// took ÷ without, with its 95 % interval (Katz's log method); nil when either share is empty or zero.
    public var lift: Double?
    public var liftLow: Double?
    public var liftHigh: Double?
    /// The interval of the lift lies wholly above or below 1.
    public var significant: Bool { (liftLow.map { $0 > 1 } ?? false) || (liftHigh.map { $0 < 1 } ?? false) }
}

/// Tallies ``OfferOutcome``s over leads' folded states, one lead at a time (a store streams them).
public struct OfferTally: Sendable {
    let catalogue: [Offer]
    let horizon: TimeSpan
    let now: Timestamp
    var took: [[Int]]     // per offer: [moved, trials]
    var without: [[Int]]

    /// `horizon`: how long after taking the offer (or entering the stage) a move onward counts; leads whose horizon
    /// has not passed by `now` are left out, so recent ones do not look worse than they are.
    public init(catalogue: [Offer], horizon: TimeSpan, now: Timestamp) {
        self.catalogue = catalogue
        self.horizon = horizon
        self.now = now
        took = Array(repeating: [0, 0], count: catalogue.count)
        without = Array(repeating: [0, 0], count: catalogue.count)
    }

    public mutating func add(_ state: LeadState) {
        guard let first = state.firstSeen else { return }
        // the stages the lead stood in, from when
        var spans: [(stage: Stage, from: Timestamp)] = [(.new, first)]
        for change in state.stageHistory { spans.append((change.to, change.at)) }
        // the stage a lead stood in when it took an offer: before any move that same moment (taking a trial can be
        // what moves it to SQL), and that move counts as moving on
        func stage(before t: Timestamp) -> Stage { spans.last { $0.from < t }?.stage ?? .new }
        func movedOn(from stage: Stage, after t: Timestamp) -> Bool {
            let end = t.adding(horizon), rank = stage.forwardRank ?? 0
            return state.stageHistory.contains { $0.at >= t && $0.at <= end && ($0.to.forwardRank ?? -1) > rank }
        }
        for (i, offer) in catalogue.enumerated() {
            if let t = state.nurture.taken[offer.id] {
                let s = stage(before: t)
                guard offer.stages.contains(s), t.adding(horizon) <= now else { continue }
                took[i][1] += 1
                if movedOn(from: s, after: t) { took[i][0] += 1 }
            } else if let entry = spans.first(where: { offer.stages.contains($0.stage) }), entry.from.adding(horizon) <= now {
                without[i][1] += 1
                if movedOn(from: entry.stage, after: entry.from) { without[i][0] += 1 }
            }
        }
    }

    public func report() -> [OfferOutcome] {
        catalogue.enumerated().map { i, offer in
            let a = took[i], b = without[i]
            var lift: Double?, low: Double?, high: Double?
            if a[1] > 0, b[1] > 0, a[0] > 0, b[0] > 0 {
                let p1 = Double(a[0]) / Double(a[1]), p2 = Double(b[0]) / Double(b[1])
                let ratio = p1 / p2
                let se = (1 / Double(a[0]) - 1 / Double(a[1]) + 1 / Double(b[0]) - 1 / Double(b[1])).squareRoot()
                lift = ratio
                low = PredictionMath.exp(PredictionMath.log(ratio) - 1.959963984540054 * se)
                high = PredictionMath.exp(PredictionMath.log(ratio) + 1.959963984540054 * se)
            }
            return OfferOutcome(offer: offer.id, title: offer.title, stages: offer.stages, took: Proportion(a[0], of: a[1]),
                                without: Proportion(b[0], of: b[1]), lift: lift, liftLow: low, liftHigh: high)
        }
    }
}
