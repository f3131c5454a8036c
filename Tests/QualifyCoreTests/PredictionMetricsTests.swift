import QualifyCore
import Testing

/// Metrics on cases small enough to work out by hand (reference values also checked with scikit-learn 1.9.1:
/// `roc_auc_score`, `average_precision_score`, `log_loss`, `brier_score_loss`).
@Suite struct PredictionMetricsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var scores: [Double]
        var labels: [Bool]
        var auc: Double
        var averagePrecision: Double
        var testDescription: String { name }
    }

    static let cases = [
        // scikit-learn's documentation example: 3 of 4 positive–negative pairs ordered right.
        Case(name: "no ties", scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true], auc: 0.75, averagePrecision: 5.0 / 6),
        // Pairs: (0.5 > 0.2) 1, (0.5 = 0.5) ½, (0.9 > 0.2) 1, (0.9 > 0.5) 1 → 3.5 / 4. AP: thresholds 0.9 (P 1, R ½),
        // 0.5 (P 2/3, R 1) → ½·1 + ½·⅔.
        Case(name: "a tie across classes", scores: [0.2, 0.5, 0.5, 0.9], labels: [false, true, false, true], auc: 0.875, averagePrecision: 5.0 / 6),
        // Tied top pair enters together: R ½ at P ½, then R 1 at P ⅔ → ¼ + ⅓.
        Case(name: "a tied top group", scores: [0.5, 0.5, 0.2, 0.1], labels: [true, false, true, false], auc: 0.625, averagePrecision: 7.0 / 12),
        Case(name: "all tied", scores: [0.5, 0.5, 0.5, 0.5], labels: [true, false, true, false], auc: 0.5, averagePrecision: 0.5),
        Case(name: "perfect", scores: [0.9, 0.8, 0.3, 0.1], labels: [true, true, false, false], auc: 1, averagePrecision: 1),
        // Negatives first: R ½ at P ⅓, then R 1 at P ½ → ⅙ + ¼.
        Case(name: "reversed", scores: [0.1, 0.2, 0.8, 0.9], labels: [true, true, false, false], auc: 0, averagePrecision: 5.0 / 12),
    ]

    @Test(arguments: cases)
    func rocAUCCountsTiesAsHalf(_ c: Case) {
        #expect(abs(BinaryMetrics.rocAUC(scores: c.scores, labels: c.labels) - c.auc) < 1e-12)
    }

    @Test(arguments: cases)
    func averagePrecisionStepsOverDistinctThresholds(_ c: Case) {
        #expect(abs(BinaryMetrics.averagePrecision(scores: c.scores, labels: c.labels) - c.averagePrecision) < 1e-12)
    }

    @Test func rocAUCIsNotANumberWhenAClassIsAbsent() {
        #expect(BinaryMetrics.rocAUC(scores: [0.1, 0.2], labels: [true, true]).isNaN)
    }

    @Test func logLossAndBrierOnTwoRows() {
        // −(ln 0.9 + ln 0.8) / 2 and (0.1² + 0.2²) / 2
        let p = [0.9, 0.2], y = [true, false]
        #expect(abs(BinaryMetrics.logLoss(probabilities: p, labels: y) - 0.164252033486018) < 1e-12)
        #expect(abs(BinaryMetrics.brier(probabilities: p, labels: y) - 0.025) < 1e-15)
    }

    @Test func logLossClipsCertainMistakesToAFiniteValue() {
        // −ln(1e−15) = 34.538776394910684
        let loss = BinaryMetrics.logLoss(probabilities: [0], labels: [true])
        #expect(abs(loss - 34.538776394910684) < 1e-6)
    }

    @Test func calibrationBinsAndExpectedCalibrationError() {
        // Bin [0, 0.1): mean 0.05, observed ½ → gap 0.45; bin [0.9, 1]: mean 0.95, observed 1 → gap 0.05; each half the rows.
        let table = BinaryMetrics.calibration(probabilities: [0.05, 0.05, 0.95, 1.0 - 0.05], labels: [false, true, true, true])
        #expect(table.count == 10)
        #expect(table[0].rows == 2 && table[0].positives == 1)
        #expect(table[9].rows == 2 && table[9].observedRate == 1)
        #expect(table[4].rows == 0 && table[4].meanPredicted == nil)
        #expect(abs(BinaryMetrics.expectedCalibrationError(table) - 0.25) < 1e-12)
    }

    @Test func aProbabilityOfOneLandsInTheLastBin() {
        let table = BinaryMetrics.calibration(probabilities: [1.0, 0.0], labels: [true, false])
        #expect(table[9].rows == 1)
        #expect(table[0].rows == 1)
    }

    @Test func gainByDecileCapturesEveryPositiveAndLiftsTheTop() {
        // 20 rows, scores descending with the row number; the 4 positives are the top 2 rows and rows 10 and 19.
        let scores = (0..<20).map { 1 - Double($0) / 20 }
        let labels = (0..<20).map { [0, 1, 10, 19].contains($0) }
        let gain = BinaryMetrics.gain(scores: scores, labels: labels)
        #expect(gain.map(\.rows) == Array(repeating: 2, count: 10))
        #expect(gain.map(\.positives) == [2, 0, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(gain[0].lift == 5)  // rate 1 over base rate 0.2
        #expect(gain[0].cumulativeGain == 0.5)
        #expect(gain[9].cumulativeGain == 1)
        #expect(abs(gain[9].cumulativeLift - 1) < 1e-12)
    }

    @Test func aReportGathersEveryMetric() {
        let r = MetricsReport(probabilities: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
        #expect(r.rows == 4 && r.positives == 2)
        #expect(r.rocAUC == 0.75)
        #expect(r.calibration.count == 10 && r.gain.count == 10)
    }
}
