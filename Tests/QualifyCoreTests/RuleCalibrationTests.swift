import QualifyCore
import Testing

@Suite struct RuleCalibrationTests {
    static func lead(_ grade: Grade, _ fit: Int, _ temperature: Temperature, won: Bool) -> RuleCalibration.Decided {
        .init(grade: grade, fitPoints: fit, temperature: temperature, stage: .sql, won: won)
    }

    @Test func ratesAndLiftsByGroupAreCountedByHand() {
        // A: 3 of 4 won; B: 1 of 4; overall 4 of 8 = 0.5
        let decided = [Self.lead(.a, 45, .hot, won: true), Self.lead(.a, 45, .hot, won: true), Self.lead(.a, 52, .warm, won: true),
                       Self.lead(.a, 40, .cold, won: false), Self.lead(.b, 25, .hot, won: true), Self.lead(.b, 25, .cold, won: false),
                       Self.lead(.b, -5, .cold, won: false), Self.lead(.b, 20, .cold, won: false)]
        let r = RuleCalibration.report(decided)
        #expect(r.leads == 8 && r.won == 4 && r.rate == 0.5)
        #expect(r.byGrade.map(\.group) == ["A", "B"])
        #expect(r.byGrade[0].won == 3 && r.byGrade[0].rate == 0.75 && r.byGrade[0].lift == 1.5)
        #expect(r.byGrade[1].rate == 0.25 && r.byGrade[1].lift == 0.5)
        #expect(r.byTemperature.map { "\($0.group) \($0.won)/\($0.leads)" } == ["hot 3/3", "warm 1/1", "cold 0/4"])
        #expect(r.byFitBand.map(\.group) == ["< 0", "20–29", "40–49", "50+"], "bands in order, empty ones left out")
        #expect(r.findings.count == 3 && r.findings[0].hasPrefix("grade A does not clearly convert better than B: 75 % vs 25 %"), "\(r.findings)")
    }

    @Test func theZScoreIsThePooledTwoProportionStatistic() {
        // p1 = 0.6 (60/100), p2 = 0.4 (40/100), pooled 0.5: se = sqrt(0.25 × 0.02) = 0.0707…, z = 2.828…
        #expect(abs(RuleCalibration.zScore(60, 100, 40, 100) - 2.8284271) < 1e-6)
        #expect(RuleCalibration.zScore(0, 0, 1, 2) == 0 && RuleCalibration.zScore(5, 5, 3, 3) == 0)
        let r = RuleCalibration.report((0..<100).map { Self.lead(.a, 40, .hot, won: $0 < 60) } + (0..<100).map { Self.lead(.b, 20, .hot, won: $0 < 40) })
        #expect(r.findings.first?.hasPrefix("grade A converts better than B: 60 % vs 40 % (z 2.83") == true, "\(r.findings)")
        let upsideDown = RuleCalibration.report((0..<100).map { Self.lead(.a, 40, .hot, won: $0 < 40) } + (0..<100).map { Self.lead(.b, 20, .hot, won: $0 < 60) })
        #expect(upsideDown.findings.first?.contains("converts WORSE than B") == true)
    }

    @Test(arguments: [(-3, "< 0"), (0, "0–9"), (9, "0–9"), (10, "10–19"), (49, "40–49"), (50, "50+"), (120, "50+")])
    func fitBands(points: Int, band: String) {
        #expect(RuleCalibration.fitBand(points) == band)
    }
}
