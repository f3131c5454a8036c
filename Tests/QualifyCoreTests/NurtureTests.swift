import Foundation
import QualifyCore
import Testing

/// Nurture: the next-best offer (by rank, conditions, not taken, not offered within the quiet period) and the spaced
/// follow-up cadence (steps from the stage's entry, the quiet period after a touch, stops, suppression), folded from
/// events so a replay gives the same.
@Suite struct NurtureTests {
    static let ana = Fixtures.ana

    static var model: QualificationModel {
        var m = Fixtures.model
        m.catalogue = [
            Offer(id: "webinar", title: "Webinar", kind: "webinar", stages: [.iql, .recycled], taken: .init(event: "webinar_register"), rank: 1),
            Offer(id: "case_study", title: "Case study", kind: "case_study", stages: [.iql],
                  taken: .init(event: "content_download", conditions: [PropertyCondition(property: "asset", test: .contains("case-study"))]), rank: 2),
            Offer(id: "big_deal", title: "Enterprise brief", kind: "case_study", stages: [.iql],
                  when: .field("employees", .atLeast(1000)), rank: 3),
            Offer(id: "spec", title: "Spec sheet", kind: "spec_sheet", stages: [.iql], rank: 4),
            Offer(id: "trial", title: "Free trial", kind: "free_trial", stages: [.mql], taken: .init(event: "trial_start"), rank: 1),
        ]
        m.followUp = FollowUpSection(quiet: .days(2), cadences: [
            .iql: [FollowUpStep(after: .days(3), channel: .email, offer: FollowUpStep.bestOffer),
                   FollowUpStep(after: .days(7), channel: .call, offer: nil),
                   FollowUpStep(after: .days(20), channel: .email, offer: "spec")],
            .mql: [FollowUpStep(after: .days(2), channel: .email, offer: "trial")],
        ])
        return m
    }

    static func event(_ id: String, _ type: String, days: Double, _ props: [String: String] = [:]) -> Event {
        Event.activity(id: id, lead: ana, type: type, at: Fixtures.at(days: days), properties: props)
    }

    static func fields(_ id: String, days: Double, _ values: [String: String]) -> Event {
        Event(id: EventID(id), lead: ana, at: Fixtures.at(days: days), kind: .fieldsUpdate(fields: values, source: "test"))
    }

    /// Applies events one by one and checks a replay of them all gives the same state.
    static func fold(_ events: [Event], engine: Engine) -> LeadState {
        var state = LeadState(key: ana)
        for e in events { engine.apply(e, to: &state) }
        #expect(engine.replay(ana, events: events).state == state, "a replay gives the live state")
        return state
    }

    @Test func theCadenceRunsFromTheStagesEntryAndKeepsQuietAfterATouch() throws {
        let engine = try Engine(model: Self.model)
        var events = [Self.event("e1", "content_download", days: 0, ["asset": "ebook"])]  // IQL at day 0
        var state = Self.fold(events, engine: engine)
        #expect(state.stage == .iql)
        guard case .due(.iql, 0, 3, let step, let at) = Nurture.status(state, model: Self.model) else { Issue.record("\(Nurture.status(state, model: Self.model))"); return }
        #expect(at == Fixtures.at(days: 3) && step.offer == FollowUpStep.bestOffer)
        // the first step done on day 3: the second is due on day 7 (its own time; the quiet period ended on day 5)
        events.append(Self.event("f1", Nurture.eventType, days: 3, ["stage": "iql", "step": "1", "outcome": "sent", "offer": "webinar"]))
        state = Self.fold(events, engine: engine)
        #expect(Nurture.status(state, model: Self.model).dueAt == Fixtures.at(days: 7))
        // a salesperson's call on day 6.5: quiet until day 8.5
        events.append(Self.event("c1", "sales.call", days: 6.5, ["outcome": "voicemail", "by": "sam"]))
        state = Self.fold(events, engine: engine)
        #expect(Nurture.status(state, model: Self.model).dueAt == Fixtures.at(days: 8.5))
        #expect(state.lastActivity == Fixtures.at(days: 6.5), "a follow-up sent is not the lead's activity")
        events.append(Self.event("f2", Nurture.eventType, days: 9, ["stage": "iql", "outcome": "called"]))
        events.append(Self.event("f3", Nurture.eventType, days: 21, ["stage": "iql", "outcome": "skipped", "reason": "on holiday", "offer": "spec"]))
        state = Self.fold(events, engine: engine)
        #expect(Nurture.status(state, model: Self.model) == .finished(.iql))
        #expect(state.nurture.offered["spec"] == nil, "a skipped offer was not made")
        // a stage move starts the next stage's cadence from the move
        events.append(Self.event("p1", "page_view", days: 25, ["url": "/pricing"]))
        state = Self.fold(events, engine: engine)
        #expect(state.stage == .mql)
        guard case .due(.mql, 0, 1, _, let mqlAt) = Nurture.status(state, model: Self.model) else { Issue.record("mql"); return }
        #expect(mqlAt == Fixtures.at(days: 27))
    }

    @Test func aReplyStopsTheCadenceAndUnsubscribingOrAHardBounceSuppressesTheLead() throws {
        let engine = try Engine(model: Self.model)
        let start = [Self.event("e1", "content_download", days: 0)]
        let replied = Self.fold(start + [Self.event("r1", "sales.email", days: 1, ["outcome": "replied", "by": "sam"])], engine: engine)
        #expect(Nurture.status(replied, model: Self.model) == .stopped("replied to an email"))
        let custom = Self.fold(start + [Self.event("r2", "meeting_booked", days: 1)], engine: engine)
        #expect(Nurture.status(custom, model: Self.model) == .stopped("answered (meeting_booked)"))
        let unsubscribed = Self.fold(start + [Self.event("u1", "unsubscribe", days: 1)], engine: engine)
        #expect(Nurture.status(unsubscribed, model: Self.model) == .suppressed("unsubscribed"))
        let soft = Self.fold(start + [Self.event("b1", "email_bounce", days: 1, ["reason": "soft"])], engine: engine)
        #expect(Nurture.status(soft, model: Self.model).dueAt != nil, "a soft bounce suppresses nothing")
        let hard = Self.fold(start + [Self.event("b2", "bounce", days: 1, ["reason": "hard"])], engine: engine)
        #expect(Nurture.status(hard, model: Self.model) == .suppressed("hard bounce"))
        // suppression outlives a stage move; a stop does not
        let movedAfterReply = Self.fold(start + [Self.event("r1", "sales.email", days: 1, ["outcome": "replied", "by": "sam"]),
                                                 Self.event("p1", "page_view", days: 2, ["url": "/pricing"])], engine: engine)
        #expect(movedAfterReply.stage == .mql && Nurture.status(movedAfterReply, model: Self.model).dueAt == Fixtures.at(days: 4))
    }

    @Test func theNextOfferIsTheBestRankedThatFitsAndWasNotTakenOrJustOffered() throws {
        let engine = try Engine(model: Self.model)
        func next(_ events: [Event], now: Double) -> Nurture.Choice? {
            let state = Self.fold(events, engine: engine)
            return Nurture.nextOffer(state, model: Self.model, now: Fixtures.at(days: now)) { engine.fits($0, state: state) }
        }
        let iql = [Self.event("w1", "webinar_register", days: 0)]  // IQL, and took the webinar
        #expect(next(iql, now: 1)?.offer.id == "case_study")
        #expect(next(iql, now: 1)?.reason == "IQL, took Webinar → Case study")
        let tookCase = iql + [Self.event("d1", "content_download", days: 1, ["asset": "case-study-acme"])]
        #expect(next(tookCase, now: 2)?.offer.id == "spec", "the enterprise brief needs 1,000 employees")
        let big = tookCase + [Self.fields("f1", days: 1.5, ["employees": "2500"])]
        #expect(next(big, now: 2)?.offer.id == "big_deal" && next(big, now: 2)?.reason == "IQL, employees 2500, took Webinar, Case study → Enterprise brief")
        let offered = big + [Self.event("n1", Nurture.eventType, days: 2, ["outcome": "sent", "offer": "big_deal", "stage": "iql"])]
        #expect(next(offered, now: 3)?.offer.id == "spec", "offered a day ago: within the quiet period")
        #expect(next(offered, now: 4.5)?.offer.id == "big_deal", "the quiet period has passed")
        let everything = offered + [Self.event("n2", Nurture.eventType, days: 4, ["outcome": "sent", "offer": "spec", "stage": "iql"])]
        #expect(next(everything, now: 4.5)?.offer.id == "big_deal" && next(everything, now: 5)?.offer.id == "big_deal")
        #expect(next(everything, now: 3.9) == nil, "nothing left that was not just offered")
    }

    @Test func theNurtureStateSurvivesTheCodec() throws {
        let engine = try Engine(model: Self.model)
        let state = Self.fold([Self.event("w1", "webinar_register", days: 0),
                               Self.event("n1", Nurture.eventType, days: 2, ["outcome": "sent", "offer": "case_study", "stage": "iql"]),
                               Self.event("b1", "bounce", days: 3)], engine: engine)
        #expect(state.nurture.taken == ["webinar": Fixtures.at(days: 0)] && state.nurture.suppressed == "hard bounce")
        #expect(try LeadStateCodec.decode(LeadStateCodec.encode(state)) == state)
    }
}

/// The offers report against a hand-computed small case.
@Suite struct OfferReportTests {
    static func lead(_ name: String, changes: [(Stage, Stage, Double)], took: [String: Double] = [:]) -> LeadState {
        var s = LeadState(key: LeadKey(normalizedEmail: "\(name)@acme.io"))
        s.firstSeen = Fixtures.at(days: 0)
        s.stageHistory = changes.map { StageChange(from: $0.0, to: $0.1, at: Fixtures.at(days: $0.2), eventID: EventID("x"), reason: "", by: "model") }
        s.stage = changes.last?.1 ?? .new
        s.nurture.taken = took.mapValues { Fixtures.at(days: $0) }
        return s
    }

    @Test func tookAgainstDidNotTakeWithTheLiftAndItsInterval() throws {
        let catalogue = [Offer(id: "case", title: "Case study", kind: "case_study", stages: [.iql], rank: 1)]
        var tally = OfferTally(catalogue: catalogue, horizon: .days(30), now: Fixtures.at(days: 200))
        // took it in IQL: 3 of 4 reached MQL within 30 days (one after 40 days does not count)
        tally.add(Self.lead("a", changes: [(.new, .iql, 1), (.iql, .mql, 10)], took: ["case": 5]))
        tally.add(Self.lead("b", changes: [(.new, .iql, 1), (.iql, .sql, 20)], took: ["case": 2]))
        tally.add(Self.lead("c", changes: [(.new, .iql, 1), (.iql, .mql, 3)], took: ["case": 2]))
        tally.add(Self.lead("d", changes: [(.new, .iql, 1), (.iql, .mql, 45)], took: ["case": 5]))
        // took it while new: not counted for an IQL offer
        tally.add(Self.lead("e", changes: [(.new, .iql, 9)], took: ["case": 5]))
        // took it the moment it became IQL (the download that made it one): new when it took it, not counted either
        tally.add(Self.lead("e2", changes: [(.new, .iql, 4)], took: ["case": 4]))
        // did not take it: 1 of 4 moved on within 30 days of entering IQL
        tally.add(Self.lead("f", changes: [(.new, .iql, 1), (.iql, .mql, 12)]))
        tally.add(Self.lead("g", changes: [(.new, .iql, 1)]))
        tally.add(Self.lead("h", changes: [(.new, .iql, 1), (.iql, .recycled, 5)]))
        tally.add(Self.lead("i", changes: [(.new, .iql, 1)]))
        // entered IQL too recently to judge
        tally.add(Self.lead("j", changes: [(.new, .iql, 190)]))
        let row = try #require(tally.report().first)
        #expect(row.took.successes == 3 && row.took.trials == 4 && row.without.successes == 1 && row.without.trials == 4)
        let lift = try #require(row.lift)
        #expect(abs(lift - 3) < 1e-12)
        // Katz: se = sqrt(1/3 − 1/4 + 1/1 − 1/4) = sqrt(0.8333…)
        let se = (1.0 / 3 - 0.25 + 1 - 0.25).squareRoot()
        #expect(abs(row.liftLow! - 3 * exp(-1.959963984540054 * se)) < 1e-9 && row.liftHigh! > 3 && !row.significant)
    }

    @Test func takingTheOfferThatMovesTheLeadCountsAsMovingOn() throws {
        let catalogue = [Offer(id: "trial", title: "Free trial", kind: "free_trial", stages: [.mql], rank: 1)]
        var tally = OfferTally(catalogue: catalogue, horizon: .days(30), now: Fixtures.at(days: 200))
        // the trial's start is what made it SQL, at the same moment
        tally.add(Self.lead("a", changes: [(.new, .iql, 1), (.iql, .mql, 2), (.mql, .sql, 6)], took: ["trial": 6]))
        tally.add(Self.lead("b", changes: [(.new, .iql, 1), (.iql, .mql, 2)]))
        let row = try #require(tally.report().first)
        #expect(row.took.successes == 1 && row.took.trials == 1 && row.without.successes == 0 && row.without.trials == 1)
    }
}
