import QualifyCore
import Testing

@Suite struct ChecklistTests {
    static let checklist = Checklist(requirements: [
        .init(id: "budget", kind: .budget, question: "Budget?", weight: 3),
        .init(id: "need", kind: .need, question: "Need?", weight: 4),
        .init(id: "timeline", kind: .timeline, question: "When?", weight: 1),
    ], grades: PriorityThresholds(p1: 0.75, p2: 0.5, p3: 0.25))
    static let key = try! EmailAddress.parse("ada@acme.io").get()

    static func answer(_ id: String, _ fields: [String: String], by: String, day: Int64) -> Event {
        Event(id: EventID(id), lead: key, at: Timestamp(millis: day * 86_400_000), kind: .fieldsUpdate(fields: fields, source: by))
    }

    @Test func theScoreIsTheWeightedShareMetAndUnansweredCountsAsNotMet() {
        // budget yes (3 × 1) + need partly (4 × 0.5) = 5 of 8 → 0.625 → P2
        let events = [Self.answer("a1", ["checklist_budget": "yes", "checklist_need": "partly", "job_title": "CTO"], by: "sam", day: 1)]
        let a = PriorityAssessment.assess(Self.checklist, events: events, asOf: Timestamp(millis: 10 * 86_400_000))
        #expect(a.score == 0.625 && a.grade == .p2 && a.answered == 2)
        #expect(a.lines.map(\.answer) == [.yes, .partly, nil])
        #expect(a.lines[0].by == "sam" && a.lines[0].at == Timestamp(millis: 86_400_000))
    }

    @Test func theLatestAnswerUpToTheDateCountsWithWhoGaveIt() {
        let events = [Self.answer("a1", ["checklist_budget": "no"], by: "sam", day: 1),
                      Self.answer("a2", ["checklist_budget": "yes", "checklist_need": "yes", "checklist_timeline": "yes"], by: "kim", day: 5)]
        let before = PriorityAssessment.assess(Self.checklist, events: events, asOf: Timestamp(millis: 3 * 86_400_000))
        #expect(before.lines[0].answer == Answer.no && before.score == 0 && before.grade == .p4 && before.answered == 1)
        let after = PriorityAssessment.assess(Self.checklist, events: events, asOf: Timestamp(millis: 6 * 86_400_000))
        #expect(after.lines[0].answer == .yes && after.lines[0].by == "kim" && after.score == 1 && after.grade == .p1)
    }

    @Test(arguments: [(0.75, PriorityGrade.p1), (0.7499, .p2), (0.5, .p2), (0.25, .p3), (0.2499, .p4), (0, .p4)])
    func gradeThresholdsAreInclusive(score: Double, grade: PriorityGrade) {
        #expect(PriorityThresholds().grade(for: score) == grade)
    }

    @Test func answersAreReadLeniently() {
        #expect(Answer(text: " Yes ") == .yes && Answer(text: "Y") == .yes && Answer(text: "partial") == .partly)
        #expect(Answer(text: "NO") == .no && Answer(text: "?") == .unknown && Answer(text: "maybe") == nil)
    }

    @Test func givenAnswersBecomeFieldsOrSayWhatIsWrong() throws {
        #expect(try PriorityAssessment.fields(for: [("budget", "Y"), ("need", "partly")], in: Self.checklist).get()
                == ["checklist_budget": "yes", "checklist_need": "partly"])
        guard case .failure(let unknown) = PriorityAssessment.fields(for: [("budgte", "yes")], in: Self.checklist) else {
            Issue.record("accepted an unknown requirement"); return
        }
        #expect(unknown.description.contains("did you mean 'budget'"))
        guard case .failure(let bad) = PriorityAssessment.fields(for: [("need", "maybe")], in: Self.checklist) else {
            Issue.record("accepted 'maybe'"); return
        }
        #expect(bad.description.contains("answer yes, partly, no or unknown"))
    }
}
