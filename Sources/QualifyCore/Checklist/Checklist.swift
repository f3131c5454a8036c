/// The qualification checklist of a model: requirements a sales manager asks about (BANT-style budget, authority,
/// need, timeline; ideal-customer traits; how well our strengths meet what the customer expects), each with a weight
/// and its question. The weighted answers give a lead's priority grade, shown beside its fit grade.
public struct Checklist: Sendable, Hashable, Codable {
    public var requirements: [Requirement]
    public var grades: PriorityThresholds

    public init(requirements: [Requirement], grades: PriorityThresholds = PriorityThresholds()) {
        self.requirements = requirements
        self.grades = grades
    }

    public struct Requirement: Sendable, Hashable, Codable {
        public var id: String
        public var kind: Kind
        public var question: String
        public var weight: Int
        public init(id: String, kind: Kind, question: String, weight: Int) {
            self.id = id
            self.kind = kind
            self.question = question
            self.weight = weight
        }

        /// The lead field that holds the answer (`checklist_budget`): answers are field updates, so the event log keeps
        /// who answered and when, a card as of a past date shows the answers of that date, and fit rules can use them.
        public var field: String { Checklist.fieldPrefix + id }
    }

    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case budget, authority, need, timeline, icp, strengths, other
    }

    public static let fieldPrefix = "checklist_"

    public func requirement(_ id: String) -> Requirement? { requirements.first { $0.id == id } }
}

/// The share of the weighted checklist a lead must meet for each priority grade; below `p3` it is P4.
public struct PriorityThresholds: Sendable, Hashable, Codable {
    public var p1: Double
    public var p2: Double
    public var p3: Double
    public init(p1: Double = 0.75, p2: Double = 0.5, p3: Double = 0.25) {
        self.p1 = p1
        self.p2 = p2
        self.p3 = p3
    }

    public func grade(for score: Double) -> PriorityGrade {
        score >= p1 ? .p1 : score >= p2 ? .p2 : score >= p3 ? .p3 : .p4
    }
}

public enum PriorityGrade: String, Sendable, Hashable, Codable, CaseIterable {
    case p1 = "P1", p2 = "P2", p3 = "P3", p4 = "P4"
}

/// An answer to one requirement.
public enum Answer: String, Sendable, Hashable, Codable, CaseIterable {
    case yes, partly, no, unknown

    /// What the answer is worth: met, half met, not met; `unknown` counts as not met (nobody has found out yet).
    public var value: Double {
        switch self {
        case .yes: return 1
        case .partly: return 0.5
        case .no, .unknown: return 0
        }
    }

    /// Reads `yes`/`y`/`true`, `partly`/`partial`/`p`, `no`/`n`/`false`, `unknown`/`?` in any case.
    public init?(text: String) {
        switch text.trimmingSpaces.lowercased() {
        case "yes", "y", "true": self = .yes
        case "partly", "partial", "p", "somewhat": self = .partly
        case "no", "n", "false": self = .no
        case "unknown", "?", "dont know", "don't know": self = .unknown
        default: return nil
        }
    }
}

/// A lead's checklist at a point in time: every requirement with its latest answer (who, when), the weighted score
/// and the priority grade. Pure: computed from the lead's event log.
public struct PriorityAssessment: Sendable, Hashable, Codable {
    /// "P2 (63 % of the weighted checklist met; 4 of 6 answered)".
    public var summary: String {
        "\(grade.rawValue) (\(Int((score * 100).rounded())) % of the weighted checklist met; \(answered) of \(lines.count) answered)"
    }

    public var grade: PriorityGrade
    /// Weighted answers over the total weight, 0 to 1 (unanswered requirements count as not met).
    public var score: Double
    public var answered: Int
    public var lines: [Line]

    public struct Line: Sendable, Hashable, Codable {
        public var requirement: String
        public var kind: Checklist.Kind
        public var question: String
        public var weight: Int
        public var answer: Answer?
        public var by: String?
        public var at: Timestamp?
    }

    /// Reads the answers from the field updates in `events` up to `asOf`.
    public static func assess(_ checklist: Checklist, events: [Event], asOf: Timestamp) -> PriorityAssessment {
        var latest: [String: (Answer, String, Timestamp)] = [:]
        for event in events where event.at <= asOf {
            guard case .fieldsUpdate(let fields, let source) = event.kind else { continue }
            for (field, value) in fields where field.hasPrefix(Checklist.fieldPrefix) {
                if let answer = Answer(text: value) { latest[String(field.dropFirst(Checklist.fieldPrefix.count))] = (answer, source, event.at) }
            }
        }
        let total = checklist.requirements.reduce(0) { $0 + $1.weight }
        var met = 0.0
        var lines: [Line] = []
        for r in checklist.requirements {
            let found = latest[r.id]
            if let found { met += Double(r.weight) * found.0.value }
            lines.append(Line(requirement: r.id, kind: r.kind, question: r.question, weight: r.weight, answer: found?.0, by: found?.1, at: found?.2))
        }
        let score = total > 0 ? met / Double(total) : 0
        return PriorityAssessment(grade: checklist.grades.grade(for: score), score: score,
                                  answered: lines.filter { $0.answer != nil && $0.answer != .unknown }.count, lines: lines)
    }

    /// Checks answers given as `id=value` against the checklist: the field values to record, or what is wrong.
    public static func fields(for answers: [(String, String)], in checklist: Checklist) -> Result<[String: String], ChecklistProblem> {
        var out: [String: String] = [:]
        for (id, text) in answers {
            guard let r = checklist.requirement(id) else {
                return .failure(.unknownRequirement(id, known: checklist.requirements.map(\.id)))
            }
            guard let answer = Answer(text: text) else { return .failure(.badAnswer(id, text)) }
            out[r.field] = answer.rawValue
        }
        return .success(out)
    }
}

public enum ChecklistProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case noChecklist
    case unknownRequirement(String, known: [String])
    case badAnswer(String, String)
    case noAnswers

    public var description: String {
        switch self {
        case .noChecklist: return "the active model has no checklist (add a 'checklist:' section; see `qualify model show-default`)"
        case .unknownRequirement(let id, let known):
            let hint = Spelling.closest(to: id, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "no requirement '\(id)' in the checklist\(hint); requirements: \(known.joined(separator: ", "))"
        case .badAnswer(let id, let text): return "'\(text)' is not an answer for '\(id)'; answer yes, partly, no or unknown"
        case .noAnswers: return "no answers given"
        }
    }
}
