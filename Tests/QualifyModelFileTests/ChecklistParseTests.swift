import QualifyCore
import QualifyModelFile
import Testing

@Suite struct ChecklistParseTests {
    static let section = """
        checklist:
          requirements:
            - { id: budget, kind: budget, weight: 3, question: "Budget set aside?" }
            - { id: need, weight: 4, question: "A problem we solve?" }
          grades: { P1: 0.8, P2: 0.5, P3: 0.2 }

        """

    @Test func aChecklistParsesWithKindsWeightsQuestionsAndGrades() throws {
        let (model, _) = try ModelYAML.parse(ModelYAML.tiny + Self.section).get()
        let checklist = try #require(model.checklist)
        #expect(checklist.requirements == [.init(id: "budget", kind: .budget, question: "Budget set aside?", weight: 3),
                                           .init(id: "need", kind: .other, question: "A problem we solve?", weight: 4)])
        #expect(checklist.grades == PriorityThresholds(p1: 0.8, p2: 0.5, p3: 0.2))
        #expect(try ModelYAML.parse(ModelYAML.tiny).get().0.checklist == nil, "the checklist is optional")
    }

    @Test func theDefaultModelCarriesABANTChecklist() throws {
        let model = ModelFile.defaultModel()
        #expect(model.checklist?.requirements.map(\.id) == ["budget", "authority", "need", "timeline", "icp", "strengths"])
        #expect(model.checklist?.requirements.allSatisfy { !$0.question.isEmpty && $0.weight > 0 } == true)
    }

    @Test(arguments: [
        ("kind: budget", "kind: budgte", "checklist.requirements[0].kind", "unknown kind 'budgte' (did you mean 'budget'?)"),
        ("weight: 3", "weight: 0", "checklist.requirements[0].weight", "a weight is a whole number from 1 to 100, not 0"),
        ("id: need", "id: budget", "checklist.requirements[1].id", "requirement 'budget' is defined twice"),
        ("P2: 0.5", "P2: 0.9", "checklist.grades", "expected 1 ≥ P1 > P2 > P3 > 0"),
        ("question: \"A problem we solve?\"", "question: \"  \"", "checklist.requirements[1].question", "must not be empty"),
        ("{ id: need, weight: 4,", "{ id: need, wieght: 4,", "checklist.requirements[1].wieght", "did you mean 'weight'?"),
    ])
    func eachMistakeIsReportedWithItsKeyPath(old: String, new: String, path: String, message: String) {
        let text = ModelYAML.tiny + Self.section.replacingOccurrences(of: old, with: new)
        let issues = ModelYAML.issues(text)
        #expect(issues.contains { $0.path == path && $0.message.contains(message) && $0.line != nil }, "\(issues)")
    }
}
