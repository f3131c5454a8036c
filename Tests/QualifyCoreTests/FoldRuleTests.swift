import QualifyCore
import Testing

/// The one rule every store uses to bring a lead up to date with new events (Engine.applyInOrder / replay(log:newEvents:)).
struct FoldRuleTests {
    typealias F = Fixtures

    @Test func eventsAfterTheLatestAreAppliedInOrderAndTheirMovesReturned() {
        let engine = F.engine()
        var state = LeadState(key: F.ana)
        #expect(engine.applyInOrder([F.activity("a", "page_view", F.at(days: 1))], to: &state) == [])
        // given out of order, applied sorted: the download (IQL) before the demo (SQL)
        let moves = engine.applyInOrder([F.activity("c", "demo_request", F.at(days: 3)), F.activity("b", "content_download", F.at(days: 2))],
                                        to: &state)
        #expect(moves?.map(\.to) == [.iql, .sql] && moves?.map(\.eventID) == [EventID("b"), EventID("c")])
        let replayed = engine.replay(F.ana, events: [F.activity("a", "page_view", F.at(days: 1)), F.activity("b", "content_download", F.at(days: 2)),
                                                     F.activity("c", "demo_request", F.at(days: 3))]).state
        #expect(state == replayed)
    }

    @Test func aLateEventLeavesTheStateForAReplayThatReturnsOnlyTheNewEventsMoves() {
        let engine = F.engine()
        let log = [F.activity("a", "page_view", F.at(days: 1)), F.activity("c", "demo_request", F.at(days: 3))]
        var state = engine.replay(F.ana, events: log).state
        let before = state
        let late = F.activity("b", "content_download", F.at(days: 2))
        #expect(engine.applyInOrder([late], to: &state) == nil && state == before, "untouched")
        let (after, moves) = engine.replay(F.ana, log: log + [late], previous: before.stageHistory)
        #expect(after == engine.replay(F.ana, events: log + [late]).state)
        #expect(moves.map(\.eventID) == [EventID("b")] && moves.map(\.to) == [.iql], "the demo's move was recorded before")
    }

    @Test func lateEventsThatCauseARecordedMoveAgainDoNotAnnounceIt() {
        let engine = F.engine()
        var log = [F.activity("a", "content_download", F.at(days: 1)), F.activity("d", "demo_request", F.at(days: 10))]
        var state = engine.replay(F.ana, events: log).state
        #expect(state.stageHistory.map(\.to) == [.iql, .sql])
        var announced: [StageChange] = []
        // three late demo requests, each earlier than the last: each now causes the move to SQL
        for (n, day) in [8.0, 6, 4].enumerated() {
            let late = F.activity("late\(n)", "demo_request", F.at(days: day))
            log.append(late)
            let (after, moves) = engine.replay(F.ana, log: log, previous: state.stageHistory)
            #expect(after.stageHistory.last?.eventID == late.id, "the late request is now the cause")
            announced += moves
            state = after
        }
        #expect(announced.isEmpty, "the lead became SQL once: \(announced)")
    }

    @Test func aStageNotEnteredBeforeIsANewEffectWhateverEventCausesIt() {
        let engine = F.engine()
        let log = [F.activity("a", "content_download", F.at(days: 1))]
        let before = engine.replay(F.ana, events: log).state
        #expect(before.stageHistory.map(\.to) == [.iql])
        // a late demo request before the download: the lead goes straight to SQL, and the download moves it no further
        let late = F.activity("b", "demo_request", F.at(days: 0.5))
        let (after, moves) = engine.replay(F.ana, log: log + [late], previous: before.stageHistory)
        #expect(after.stageHistory.map(\.to) == [.sql])
        #expect(moves.map(\.to) == [.sql] && moves.map(\.eventID) == [EventID("b")], "\(moves)")
    }

    @Test func aRescoreMoveOnlyWhenTheStageDiffers() {
        var after = LeadState(key: F.ana)
        after.stage = .mql
        after.last = EventOrder(at: F.at(days: 1), id: EventID("x"))
        let move = StageChange.rescore(from: .iql, to: after, model: F.model, version: 3, at: F.at(days: 2))
        #expect(move?.from == .iql && move?.to == .mql && move?.eventID == EventID("x") && move?.by == "model")
        #expect(move?.reason == "rescore under model version 3 (fixture)")
        #expect(StageChange.rescore(from: .mql, to: after, model: F.model, version: 3, at: F.at(days: 2)) == nil)
    }

    @Test func aPersonsNameIsFirstAndLastWhereThere() {
        #expect(LeadFields.personName(["first_name": "Ada", "last_name": "Lovelace"]) == "Ada Lovelace")
        #expect(LeadFields.personName(["last_name": "Lovelace", "company": "Acme"]) == "Lovelace")
        #expect(LeadFields.personName(["company": "Acme"]) == nil)
    }
}
