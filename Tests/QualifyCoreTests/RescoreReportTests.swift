import QualifyCore
import Testing

/// A rescore scored in parts (pages on several threads) reports what scoring it whole reports.
struct RescoreReportTests {
    @Test func partsAbsorbedInOrderEqualTheWhole() {
        let stages: [Stage] = [.new, .iql, .mql, .sql]
        let grades: [Grade] = [.a, .b, .c, .d]
        let pairs: [(LeadState, LeadState)] = (0..<40).map { i in
            var before = LeadState(key: LeadKey(normalizedEmail: "l\(i)@x.io")), after = before
            before.stage = stages[i % 4]
            after.stage = stages[(i / 3) % 4]
            before.grade = grades[(i / 2) % 4]
            after.grade = grades[(i / 5) % 4]
            return (before, after)
        }
        let model = Fixtures.model, now = Timestamp(iso8601: "2026-06-01T00:00:00Z")!
        var whole = RescoreReport(exampleLimit: 7)
        for (b, a) in pairs { whole.record(before: b, after: a, now: now, beforeModel: model, afterModel: model) }
        var merged = RescoreReport(exampleLimit: 7)
        for part in [pairs[0..<3], pairs[3..<25], pairs[25...]] {
            var report = RescoreReport(exampleLimit: 7)
            for (b, a) in part { report.record(before: b, after: a, now: now, beforeModel: model, afterModel: model) }
            merged.absorb(report)
        }
        #expect(merged == whole)
        #expect(whole.examples.count == 7 && whole.stageChanged > 0 && whole.gradeChanged > 0)
    }
}
