import QualifyCore
import Testing

@Suite struct SignalFlagTests {
    @Test(arguments: [
        (Grade.d, Temperature.hot, Stage.mql, nil as Double?, [SignalFlag.hotButPoorFit]),
        (.c, .hot, .sql, 0.9, [.hotButPoorFit]),
        (.b, .hot, .sql, 0.9, []),
        (.a, .cold, .new, 0.2, [.greatFitButCold]),
        (.a, .cold, .iql, 0.5, [.greatFitButCold, .likelyButEarly]),
        (.b, .warm, .iql, 0.49, []),
        (.b, .warm, .mql, 0.95, []),
        (.a, .warm, .new, nil, []),
    ])
    func flagsNameWhereTheSignalsDisagree(grade: Grade, temperature: Temperature, stage: Stage, probability: Double?, expected: [SignalFlag]) {
        #expect(SignalFlag.flags(grade: grade, temperature: temperature, stage: stage, probability: probability) == expected)
    }
}
