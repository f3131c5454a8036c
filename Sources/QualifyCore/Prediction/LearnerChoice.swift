/// One learner's out-of-fold figures, fold by fold (each fold's held-out rows scored by the model fitted without them).
public struct FoldScores: Sendable, Hashable, Codable {
    public var learner: ModelChoice
    public var rocAUC: [Double]
    public var logLoss: [Double]

    public init(learner: ModelChoice, rocAUC: [Double], logLoss: [Double]) {
        self.learner = learner
        self.rocAUC = rocAUC
        self.logLoss = logLoss
    }

    /// Per-fold figures of `probabilities` (one per row of the set) over the folds.
    public init(learner: ModelChoice, probabilities: [Double], labels: [Bool], folds: [Int], foldCount: Int) {
        var auc: [Double] = [], loss: [Double] = []
        for f in 0..<foldCount {
            let rows = folds.indices.filter { folds[$0] == f }
            let p = rows.map { probabilities[$0] }, y = rows.map { labels[$0] }
            auc.append(BinaryMetrics.rocAUC(scores: p, labels: y))
            loss.append(BinaryMetrics.logLoss(probabilities: p, labels: y))
        }
        self.init(learner: learner, rocAUC: auc, logLoss: loss)
    }

    public var aucMean: Double { Spread.mean(rocAUC) }
    public var aucSD: Double { Spread.sd(rocAUC) }
    public var logLossMean: Double { Spread.mean(logLoss) }
    public var logLossSD: Double { Spread.sd(logLoss) }
}

/// Mean and sample standard deviation.
enum Spread {
    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
    static func sd(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = mean(xs)
        return (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)).squareRoot()
    }
}

/// Chooses the learner `predict` uses: **the simplest one within the folds' noise of the best**, judged on ranking
/// (ROC AUC), on probabilities (log loss) and on calibration (ECE). Simplest first: logistic regression (one weight
/// per feature, calibrated by construction), naive Bayes (frequency tables), boosted trees (100 trees).
///
/// "Within the noise" compares fold by fold on the same folds: the learner's per-fold shortfall against the best
/// (d₁ … d_k) must not exceed two standard errors of those differences (mean d ≤ 2·sd(d)/√k), for ROC AUC against the
/// learner with the best mean AUC and for log loss against the one with the best mean log loss; and its pooled ECE must
/// be within 0.02 of the best ECE. When no learner passes all three, the one with the lowest log loss is taken (a
/// proper score: it weighs ranking and calibration together).
public enum LearnerChoice {
    public static let simplicity: [ModelChoice] = [.logistic, .naiveBayes, .boostedTrees]
    public static let calibrationSlack = 0.02

    public struct Decision: Sendable, Hashable {
        public var learner: ModelChoice
        /// Why, in a sentence for the training summary.
        public var reason: String
    }

    public static func choose(_ scores: [FoldScores], ece: [ModelChoice: Double]) -> Decision {
        let candidates = simplicity.compactMap { learner in scores.first { $0.learner == learner } }
        precondition(!candidates.isEmpty, "at least one learner")
        let bestAUC = candidates.max { $0.aucMean < $1.aucMean }!
        let bestLoss = candidates.min { $0.logLossMean < $1.logLossMean }!
        let bestECE = candidates.compactMap { ece[$0.learner] }.min() ?? 0
        func withinAUC(_ s: FoldScores) -> Bool { withinNoise(zip(bestAUC.rocAUC, s.rocAUC).map { $0 - $1 }) }
        func withinLoss(_ s: FoldScores) -> Bool { withinNoise(zip(s.logLoss, bestLoss.logLoss).map { $0 - $1 }) }
        func calibrated(_ s: FoldScores) -> Bool { (ece[s.learner] ?? 0) <= bestECE + calibrationSlack }

        /// Why a simpler learner was passed over: each test it failed.
        func failures(_ s: FoldScores) -> String {
            var why: [String] = []
            if !withinAUC(s) { why.append("ROC AUC short by \(difference(bestAUC.rocAUC, s.rocAUC)) per fold") }
            if !withinLoss(s) { why.append("log loss worse by \(difference(s.logLoss, bestLoss.logLoss)) per fold") }
            if !calibrated(s) { why.append("ECE \((ece[s.learner] ?? 0).formatted(4)) against the best \(bestECE.formatted(4))") }
            return "\(s.learner.shortLabel): \(why.joined(separator: ", "))"
        }
        if let pick = candidates.first(where: { withinAUC($0) && withinLoss($0) && calibrated($0) }) {
            let reason: String
            if pick.learner == bestAUC.learner && pick.learner == bestLoss.learner {
                let simpler = candidates.prefix { $0.learner != pick.learner }
                reason = simpler.isEmpty
                    ? "best ROC AUC and log loss"
                    : "best ROC AUC and log loss; each simpler learner falls outside the folds' noise (" + simpler.map(failures).joined(separator: "; ") + ")"
            } else {
                reason = "the simplest within the folds' noise of the best (ROC AUC: \(bestAUC.learner.shortLabel) ahead by "
                    + "\(difference(bestAUC.rocAUC, pick.rocAUC)) per fold; log loss: \(bestLoss.learner.shortLabel) "
                    + "\(bestLoss.logLossMean.formatted(4)) vs \(pick.logLossMean.formatted(4)))"
            }
            return Decision(learner: pick.learner, reason: reason)
        }
        return Decision(learner: bestLoss.learner,
                        reason: "no learner is within the noise of the best on ranking, log loss and calibration at once; "
                            + "the lowest log loss (it weighs ranking and calibration together): "
                            + "\(bestLoss.logLossMean.formatted(4)) ± \(bestLoss.logLossSD.formatted(4))")
    }

    /// Whether per-fold differences (positive = worse) are within two standard errors of nothing.
    static func withinNoise(_ d: [Double]) -> Bool {
        guard !d.isEmpty, d.allSatisfy({ !$0.isNaN }) else { return false }
        let se = Spread.sd(d) / Double(d.count).squareRoot()
        return Spread.mean(d) <= 2 * se + 1e-12
    }

    /// "0.0123 ± 0.0040" — the mean per-fold difference a − b and its standard deviation.
    static func difference(_ a: [Double], _ b: [Double]) -> String {
        let d = zip(a, b).map { $0 - $1 }
        return "\(Spread.mean(d).formatted(4)) ± \(Spread.sd(d).formatted(4))"
    }
}
