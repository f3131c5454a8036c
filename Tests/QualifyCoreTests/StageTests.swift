import QualifyCore
import Testing

/// Automatic stage moves under the fixture model, and moves made by people.
@Suite struct StageTests {
    typealias F = Fixtures
    let t0 = Fixtures.t0

    @Test func aDownloadMakesALeadInformationQualified() {
        let (state, _, changes) = F.run([F.activity("d1", "content_download", t0)])
        #expect(changes == [StageChange(from: .new, to: .iql, at: t0, eventID: EventID("d1"), reason: "did content_download", by: "model")])
        #expect(state.stage == .iql)
        #expect(state.stageHistory == changes)
    }

    @Test func aPricingVisitJumpsStraightToMQLWithOneChange() {
        let (state, _, changes) = F.run([F.activity("p1", "page_view", t0, ["url": "/pricing"])])
        #expect(changes.count == 1)
        #expect(changes.first?.from == .new)
        #expect(changes.first?.to == .mql)
        #expect(changes.first?.reason == "did page_view where url contains '/pricing'")
        #expect(state.stage == .mql)
    }

    @Test func aDemoRequestFirstJumpsStraightToSQL() {
        let (state, _, changes) = F.run([F.activity("demo", "demo_request", t0)])
        #expect(changes == [StageChange(from: .new, to: .sql, at: t0, eventID: EventID("demo"), reason: "did demo_request", by: "model")])
        #expect(state.stage == .sql)
    }

    @Test func aSecondDownloadWithGradeCMakesAnMQLButNotWithGradeD() {
        let events = [F.activity("d1", "content_download", t0), F.activity("d2", "content_download", F.at(days: 1))]
        let gradeD = F.run(events)
        #expect(gradeD.state.stage == .iql)
        #expect(gradeD.changes.count == 1)

        let gradeC = F.run([F.fields("f", t0, ["industry": "software"])] + events)
        #expect(gradeC.state.grade == .c)
        #expect(gradeC.changes.map(\.to) == [.iql, .mql])
        #expect(gradeC.changes.last?.reason == "2 × content_download/webinar_attend (at least 2) and grade C (at least C)")
        #expect(gradeC.changes.last?.eventID == EventID("d2"))
    }

    @Test func aBetterGradeFromAFieldsUpdateCanMoveTheStage() {
        let (state, _, changes) = F.run([
            F.activity("d1", "content_download", t0), F.activity("d2", "content_download", F.at(days: 1)),
            F.fields("f", F.at(days: 2), ["industry": "software"]),
        ])
        #expect(changes.map(\.to) == [.iql, .mql])
        #expect(changes.last?.eventID == EventID("f"))
        #expect(state.stage == .mql)
    }

    @Test func engagementAndGradeTogetherMakeAnSQL() {
        let (state, _, changes) = F.run([
            F.fields("f", t0, ["job_title": "Director of IT", "employees": "300"]),
            F.activity("w1", "webinar_attend", t0), F.activity("w2", "webinar_attend", t0),
        ])
        #expect(state.grade == .b)
        #expect(changes.map(\.to) == [.sql])
        #expect(changes.first?.reason == "engagement 60.0 (at least 60.0) and grade B (at least B)")
        #expect(changes.first?.eventID == EventID("w2"))
    }

    @Test func aParallelGroupCanQualifyOnItsOwn() {
        let (_, _, changes) = F.run([F.activity("x1", "product_x_demo", t0), F.activity("x2", "product_x_demo", F.at(hours: 1))])
        #expect(changes.map(\.to) == [.sql])
        #expect(changes.first?.reason.hasPrefix("engagement[product-x] 49.") == true)
    }

    @Test func automaticMovesNeverGoBackward() {
        let (state, _, changes) = F.run([
            F.activity("demo", "demo_request", t0), F.activity("d1", "content_download", F.at(days: 1)),
            F.activity("p1", "page_view", F.at(days: 2), ["url": "/pricing"]),
            F.activity("u1", "unsubscribe", F.at(days: 3)),
        ])
        #expect(changes.map(\.to) == [.sql])
        #expect(state.stage == .sql)
    }

    @Test func everyStageReasonIsNonEmptyAndNamesItsEvent() {
        let (_, _, changes) = F.run([
            F.fields("f", t0, ["industry": "software"]),
            F.activity("d1", "content_download", F.at(days: 1)), F.activity("d2", "content_download", F.at(days: 2)),
            F.activity("r1", "demo_request", F.at(days: 3)),
        ])
        #expect(changes.map(\.to) == [.iql, .mql, .sql])
        #expect(changes.map(\.eventID.rawValue) == ["d1", "d2", "r1"])
        for (change, type) in zip(changes, ["content_download", "content_download", "demo_request"]) {
            #expect(!change.reason.isEmpty)
            #expect(change.reason.contains(type), "\(change.reason)")
            #expect(change.by == "model")
        }
    }

    // MARK: people's moves

    @Test func recycleResetsCountsSoOneLaterDownloadOnlyReentersIQL() {
        let (state, ledger, changes) = F.run([
            F.fields("f", t0, ["industry": "software"]),
            F.activity("d1", "content_download", F.at(days: 1)), F.activity("d2", "content_download", F.at(days: 2)),
            F.move("m1", .recycle, F.at(days: 3), reason: "not now", by: "maria"),
            F.activity("v1", "page_view", F.at(days: 4)),
            F.activity("d3", "content_download", F.at(days: 5)),
        ])
        #expect(changes.map(\.to) == [.iql, .mql, .recycled, .iql])
        #expect(changes[2] == StageChange(from: .mql, to: .recycled, at: F.at(days: 3), eventID: EventID("m1"),
                                          reason: "recycle: not now", by: "maria"))
        #expect(changes[3].eventID == EventID("d3"))
        #expect(state.stage == .iql)
        #expect(state.typeCounts == ["page_view": 1, "content_download": 1])
        // scores are not reset by a recycle
        #expect(ledger.filter { $0.ruleID == "download" }.count == 3)
    }

    @Test func recycleForgetsWhichEventCriteriaWereMet() {
        var state = LeadState(key: F.ana)
        let engine = F.engine()
        engine.apply(F.activity("d1", "content_download", t0), to: &state)
        #expect(!state.satisfiedEventCriteria.isEmpty)
        let application = engine.apply(F.move("m", .recycle, F.at(days: 1)), to: &state)
        #expect(application.ledger.isEmpty)
        #expect(state.satisfiedEventCriteria.isEmpty)
        #expect(state.typeCounts.isEmpty)
        #expect(state.groups["main"]?.value == 15)
        // a visit alone does not re-qualify
        #expect(engine.apply(F.activity("v", "page_view", F.at(days: 2)), to: &state).stageChanges.isEmpty)
        #expect(state.stage == .recycled)
    }

    @Test func disqualifyFreezesAutomaticMovesButNotScoring() {
        let (state, ledger, changes) = F.run([
            F.activity("d1", "content_download", t0),
            F.move("m1", .disqualify, F.at(days: 1), reason: "competitor"),
            F.activity("r1", "demo_request", F.at(days: 2)),
            F.activity("w1", "webinar_attend", F.at(days: 2)),
        ])
        #expect(changes.map(\.to) == [.iql, .disqualified])
        #expect(changes.last?.reason == "disqualify: competitor")
        #expect(state.stage == .disqualified)
        #expect(ledger.map(\.ruleID) == ["download", "demo", "webinar-attend"])
    }

    @Test func aRecycledLeadAfterDisqualificationQualifiesAgainOnNewEvents() {
        let (state, _, changes) = F.run([
            F.activity("r1", "demo_request", t0),
            F.move("m1", .disqualify, F.at(days: 1)),
            F.move("m2", .recycle, F.at(days: 2)),
            F.activity("v1", "page_view", F.at(days: 3)),
            F.activity("r2", "demo_request", F.at(days: 4)),
        ])
        #expect(changes.map(\.to) == [.sql, .disqualified, .recycled, .sql])
        #expect(changes.last?.eventID == EventID("r2"))
        #expect(state.stage == .sql)
    }

    @Test func aRecordedMoveIsForcedWhateverTheStageAndRepeatingItChangesNothing() {
        let (state, _, changes) = F.run([
            F.move("m1", .accept, t0, by: "sam"),
            F.activity("r1", "demo_request", F.at(days: 1)),
            F.move("m2", .reject, F.at(days: 2)),
            F.move("m3", .recycle, F.at(days: 3)),
        ])
        #expect(changes.map(\.from) == [.new, .opportunity])
        #expect(changes.map(\.to) == [.opportunity, .recycled])
        #expect(changes.first?.by == "sam")
        #expect(state.stage == .recycled)
        #expect(state.eventCount == 4)
    }

    // MARK: rule tables

    static let moves: [(StageAction, Stage, Stage?)] = [
        (.recycle, .new, nil), (.recycle, .iql, .recycled), (.recycle, .mql, .recycled), (.recycle, .sql, .recycled),
        (.recycle, .opportunity, .recycled), (.recycle, .customer, nil), (.recycle, .recycled, nil),
        (.recycle, .disqualified, .recycled),
        (.disqualify, .new, .disqualified), (.disqualify, .iql, .disqualified), (.disqualify, .mql, .disqualified),
        (.disqualify, .sql, .disqualified), (.disqualify, .opportunity, .disqualified), (.disqualify, .customer, nil),
        (.disqualify, .recycled, .disqualified), (.disqualify, .disqualified, nil),
        (.accept, .new, nil), (.accept, .iql, nil), (.accept, .mql, nil), (.accept, .sql, .opportunity),
        (.accept, .opportunity, nil), (.accept, .customer, nil), (.accept, .recycled, nil), (.accept, .disqualified, nil),
        (.reject, .new, nil), (.reject, .iql, nil), (.reject, .mql, nil), (.reject, .sql, .recycled),
        (.reject, .opportunity, nil), (.reject, .customer, nil), (.reject, .recycled, nil), (.reject, .disqualified, nil),
        (.win, .new, nil), (.win, .iql, nil), (.win, .mql, nil), (.win, .sql, .customer), (.win, .opportunity, .customer),
        (.win, .customer, nil), (.win, .recycled, nil), (.win, .disqualified, nil),
        (.lose, .new, nil), (.lose, .iql, nil), (.lose, .mql, nil), (.lose, .sql, .recycled), (.lose, .opportunity, .recycled),
        (.lose, .customer, nil), (.lose, .recycled, nil), (.lose, .disqualified, nil),
    ]

    @Test func theMoveTableCoversEveryActionAndStage() {
        #expect(Self.moves.count == StageAction.allCases.count * Stage.allCases.count)
        #expect(Set(Self.moves.map { "\($0.0)-\($0.1)" }).count == Self.moves.count)
    }

    @Test("A person's move is allowed or refused with a reason", arguments: moves)
    func personMove(action: StageAction, from stage: Stage, to expected: Stage?) {
        switch action.target(from: stage) {
        case .success(let target):
            #expect(target == expected)
        case .failure(let problem):
            #expect(expected == nil)
            guard case .notAllowed(let a, let s, let why) = problem else {
                Issue.record("unexpected problem \(problem)")
                return
            }
            #expect(a == action && s == stage)
            #expect(!why.isEmpty)
            #expect(problem.description.hasPrefix("cannot \(action.rawValue) a lead in stage \(stage.label): "))
        }
    }

    @Test("A recorded move leads to its stage in a replay", arguments: [
        (StageAction.recycle, Stage.recycled), (.reject, .recycled), (.disqualify, .disqualified), (.accept, .opportunity),
        (.win, .customer), (.lose, .recycled),
    ])
    func forcedTarget(action: StageAction, stage: Stage) {
        #expect(action.forcedTarget == stage)
    }

    @Test("The model moves leads only forward and never out of disqualified", arguments: [
        (Stage.new, Stage.iql, true), (.new, .sql, true), (.recycled, .iql, true), (.iql, .mql, true), (.mql, .sql, true),
        (.iql, .iql, false), (.mql, .iql, false), (.sql, .mql, false), (.sql, .iql, false), (.opportunity, .sql, false),
        (.customer, .sql, false), (.disqualified, .iql, false), (.disqualified, .sql, false), (.new, .disqualified, false),
        (.iql, .recycled, false), (.iql, .new, false),
    ])
    func automaticMove(from: Stage, to: Stage, allowed: Bool) {
        #expect(from.allowsAutomaticMove(to: to) == allowed)
    }

    @Test func stageLabelsAndProblemsReadWell() {
        #expect(Stage.allCases.map(\.label) == ["new", "IQL", "MQL", "SQL", "opportunity", "customer", "recycled", "disqualified"])
        #expect(StageMoveProblem.emptyReason.description.contains("reason"))
    }
}

struct StageRequestTests {
    static let key = try! EmailAddress.parse("ada@acme.io").get()
    static let at = Timestamp(iso8601: "2026-03-02T09:00:00Z")!

    @Test func aPersonsMoveIsTheEventAndTheChangeAReplayMakes() throws {
        let move = try StageAction.accept.request(from: .sql, lead: Self.key, reason: "budget confirmed", by: "sam",
                                                  id: EventID("m1"), at: Self.at).get()
        #expect(move.event.kind == .stageMove(action: .accept, reason: "budget confirmed", by: "sam", code: nil))
        #expect(move.change == StageChange(from: .sql, to: .opportunity, at: Self.at, eventID: EventID("m1"),
                                           reason: "accept: budget confirmed", by: "sam"))
        var state = LeadState(key: Self.key)
        state.stage = .sql
        let replayed = Fixtures.engine().apply(move.event, to: &state).stageChanges
        #expect(replayed == [move.change])
    }

    @Test func aMoveTheStageDoesNotAllowIsRefused() {
        let refused = StageAction.recycle.request(from: .new, lead: Self.key, reason: "r", by: "s", id: EventID("m2"), at: Self.at)
        guard case .failure = refused else { Issue.record("recycling a new lead was allowed"); return }
    }
}
