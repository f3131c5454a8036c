/// What replaying history under another model changes: how many leads move stage or grade, with examples.
public struct RescoreReport: Sendable, Hashable, Codable {
    public var leads = 0
    public var stageChanged = 0
    public var gradeChanged = 0
    public var temperatureChanged = 0
    /// "mql→sql": count
    public var stageMoves: [String: Int] = [:]
    public var gradeMoves: [String: Int] = [:]
    public var examples: [Example] = []
    public var exampleLimit: Int

    public struct Example: Sendable, Hashable, Codable {
        public var email: String
        public var stage: Move<Stage>
        public var grade: Move<Grade>
        public var engagement: Move<Double>
    }

    public struct Move<T: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
        public var before: T
        public var after: T
    }

    public init(exampleLimit: Int = 10) { self.exampleLimit = exampleLimit }

    /// Adds the leads another report recorded after this one's (a later part of the same replay, scored apart):
    /// the result is the report of recording them all in order here.
    public mutating func absorb(_ later: RescoreReport) {
        leads += later.leads
        stageChanged += later.stageChanged
        gradeChanged += later.gradeChanged
        temperatureChanged += later.temperatureChanged
        stageMoves.merge(later.stageMoves, uniquingKeysWith: +)
        gradeMoves.merge(later.gradeMoves, uniquingKeysWith: +)
        examples += later.examples.prefix(max(0, exampleLimit - examples.count))
    }

    /// Adds one lead: its projection before (under the current model) and after (under the candidate), at `now`.
    public mutating func record(before: LeadState, after: LeadState, now: Timestamp,
                                beforeModel: QualificationModel, afterModel: QualificationModel) {
        record(before: LeadStateCodec.Headline(before), after: after, now: now, beforeModel: beforeModel, afterModel: afterModel)
    }

    /// As above, from the headline of the state before (``LeadStateCodec/headline(_:)``).
    public mutating func record(before: LeadStateCodec.Headline, after: LeadState, now: Timestamp,
                                beforeModel: QualificationModel, afterModel: QualificationModel) {
        leads += 1
        let e0 = before.engagement(at: now, halfLife: beforeModel.engagement.main.halfLife)
        let e1 = after.engagement(at: now, halfLife: afterModel.engagement.main.halfLife)
        let t0 = beforeModel.engagement.main.temperature.temperature(for: e0)
        let t1 = afterModel.engagement.main.temperature.temperature(for: e1)
        let stageMoved = before.stage != after.stage
        let gradeMoved = before.grade != after.grade
        if stageMoved {
            stageChanged += 1
            stageMoves["\(before.stage.rawValue)→\(after.stage.rawValue)", default: 0] += 1
        }
        if gradeMoved {
            gradeChanged += 1
            gradeMoves["\(before.grade.rawValue)→\(after.grade.rawValue)", default: 0] += 1
        }
        if t0 != t1 { temperatureChanged += 1 }
        if (stageMoved || gradeMoved), examples.count < exampleLimit {
            examples.append(Example(
                email: after.key.email, stage: Move(before: before.stage, after: after.stage),
                grade: Move(before: before.grade, after: after.grade), engagement: Move(before: e0, after: e1)))
        }
    }

    public var summary: String {
        var lines = ["\(leads) leads replayed: \(stageChanged) change stage, \(gradeChanged) change grade, \(temperatureChanged) change temperature"]
        for (move, n) in stageMoves.sorted(by: { $0.value > $1.value }) { lines.append("  stage \(move): \(n)") }
        for (move, n) in gradeMoves.sorted(by: { $0.value > $1.value }) { lines.append("  grade \(move): \(n)") }
        if !examples.isEmpty {
            lines.append("examples:")
            for e in examples {
                lines.append("  \(e.email): stage \(e.stage.before.label) → \(e.stage.after.label), grade \(e.grade.before.rawValue) → \(e.grade.after.rawValue), engagement \(e.engagement.before.formatted(1)) → \(e.engagement.after.formatted(1))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
