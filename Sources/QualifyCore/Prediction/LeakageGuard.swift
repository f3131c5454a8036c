/// A column that alone predicts the outcome suspiciously well — often one filled in after the outcome was known.
public struct LeakageWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    public var column: String
    /// The column's single-feature ROC AUC, when that is what tripped the guard.
    public var auc: Double?
    /// The category, share of rows and rate of 1s, when one category is nearly pure.
    public var value: String?
    public var share: Double?
    public var positiveRate: Double?
    /// For a strong column short of the near-perfect threshold: logistic regression's cross-validated ROC AUC with
    /// the column and without it, on the same folds.
    public var modelAUC: Double?
    public var withoutAUC: Double?

    public var description: String {
        let advice = "if it is filled in after the outcome, leave it out with --exclude '\(column)'"
        if let auc, let modelAUC, let withoutAUC {
            return "'\(column)' alone predicts the outcome with ROC AUC \(auc.formatted(3)) (logistic on the same folds: "
                + "\(modelAUC.formatted(3)) with it, \(withoutAUC.formatted(3)) without); a value known only after the outcome — "
                + "a call's duration, a deal stage, a reason for losing — makes every figure here look better than it will be; "
                + "if it is one, leave it out with --exclude '\(column)'"
        }
        if let auc {
            return "'\(column)' alone separates the classes almost perfectly (single-column ROC AUC \(auc.formatted(3))); \(advice)"
        }
        let shown = value.map { $0.isEmpty ? "(missing)" : $0 } ?? "?"
        let rate = positiveRate ?? 0
        let which = rate >= 0.5 ? "\(((rate) * 100).formatted(1)) % have target 1" : "\(((1 - rate) * 100).formatted(1)) % have target 0"
        return "'\(column)' = '\(shown)' covers \(((share ?? 0) * 100).formatted(1)) % of rows and \(which); \(advice)"
    }
}

/// Looks for leaks before a model is trusted: a column whose single-feature ROC AUC is at least 0.95, or a category
/// covering at least 5 % of the rows with at least 99 % of one class. Measured in-sample on all rows (rare categories
/// already pooled, so a handful of rows cannot trip it).
public enum LeakageGuard {
    public static let aucThreshold = 0.95
    public static let purityThreshold = 0.99
    public static let minimumShare = 0.05

    /// `aucs`: each column's ``singleColumnAUCs(_:encoded:)`` when already computed.
    public static func check(_ set: TrainingSet, encoded: EncodedRows, aucs: [Double]? = nil) -> [LeakageWarning] {
        let aucs = aucs ?? singleColumnAUCs(set, encoded: encoded)
        var warnings: [LeakageWarning] = []
        let n = encoded.count
        let k = encoded.columns.count
        for (c, column) in encoded.columns.enumerated() {
            let levels = column.levelCount
            var rows = [Int](repeating: 0, count: levels), positives = rows
            for r in 0..<n {
                let level = Int(encoded.levels[r * k + c])
                guard level >= 0 else { continue }
                rows[level] += 1
                if set.labels[r] { positives[level] += 1 }
            }
            let rate = (0..<levels).map { rows[$0] > 0 ? Double(positives[$0]) / Double(rows[$0]) : 0 }
            let auc = aucs[c]
            if auc >= aucThreshold {
                warnings.append(LeakageWarning(column: column.column, auc: auc))
            }
            guard let categorical = column.categorical else { continue }
            for level in 0..<levels where rows[level] > 0 {
                let share = Double(rows[level]) / Double(n)
                guard share >= minimumShare, rate[level] >= purityThreshold || rate[level] <= 1 - purityThreshold else { continue }
                let value = level < categorical.categories.count ? categorical.categories[level] : "(other)"
                warnings.append(LeakageWarning(column: column.column, value: value, share: share, positiveRate: rate[level]))
            }
        }
        return warnings
    }

    /// Every column's ``singleColumnAUC(_:encoded:column:)``.
    public static func singleColumnAUCs(_ set: TrainingSet, encoded: EncodedRows) -> [Double] {
        encoded.columns.indices.map { singleColumnAUC(set, encoded: encoded, column: $0) }
    }

    /// The ROC AUC of one column alone, in-sample: each level scored by its rate of 1s (rare categories pooled), a
    /// numeric column also by its raw value in either direction.
    static func singleColumnAUC(_ set: TrainingSet, encoded: EncodedRows, column c: Int) -> Double {
        let n = encoded.count, k = encoded.columns.count
        let levels = encoded.columns[c].levelCount
        // Per level (and a last slot for values without one): rows of each class. The score of a level is its rate
        // of 1s, so the AUC follows from these counts in level order — no sort of the rows.
        var positives = [Double](repeating: 0, count: levels + 1), negatives = positives
        for r in 0..<n {
            let level = Int(encoded.levels[r * k + c])
            let slot = level >= 0 ? level : levels
            if set.labels[r] { positives[slot] += 1 } else { negatives[slot] += 1 }
        }
        var score = (0..<levels).map { l in positives[l] + negatives[l] > 0 ? positives[l] / (positives[l] + negatives[l]) : 0 }
        score.append(0.5)
        var auc = countedAUC(score: score, positives: positives, negatives: negatives)
        if let numbers = set.columns[c].numbers {
            let raw = BinaryMetrics.rocAUC(scores: numbers.map { $0.isNaN ? -Double.infinity : $0 }, labels: set.labels)
            auc = max(auc, raw, 1 - raw)
        }
        return auc
    }

    /// ROC AUC of groups of rows that share a score: positives above negatives, ties counting one half.
    static func countedAUC(score: [Double], positives: [Double], negatives: [Double]) -> Double {
        let order = score.indices.sorted { score[$0] < score[$1] }
        let p = positives.reduce(0, +), q = negatives.reduce(0, +)
        guard p > 0, q > 0 else { return .nan }
        var below = 0.0, sum = 0.0
        var i = 0
        while i < order.count {
            var j = i, pos = 0.0, neg = 0.0
            while j < order.count && score[order[j]] == score[order[i]] {
                pos += positives[order[j]]
                neg += negatives[order[j]]
                j += 1
            }
            sum += pos * (below + 0.5 * neg)
            below += neg
            i = j
        }
        return sum / (p * q)
    }

    /// Single-column ROC AUC from which a column is named as possibly known only after the outcome (a call's
    /// duration lifted one model from 0.78 to 0.91 with an AUC of its own of 0.81).
    public static let strongAUC = 0.80

    /// Columns that alone reach ``strongAUC`` (but not ``aucThreshold``, which ``check(_:encoded:)`` reports), each
    /// with what logistic regression scores with and without it on the cross-validation's folds (λ fixed).
    public static func strongColumns(_ set: TrainingSet, encoded: EncodedRows, options: TrainingOptions, folds: [Int],
                                     lambda: Double, modelAUC: Double, aucs: [Double]? = nil) -> [LeakageWarning] {
        let aucs = aucs ?? singleColumnAUCs(set, encoded: encoded)
        var warnings: [LeakageWarning] = []
        for c in encoded.columns.indices {
            let auc = aucs[c]
            guard auc >= strongAUC, auc < aucThreshold else { continue }
            var reduced = set
            reduced.columns.remove(at: c)
            var without = 0.5
            if !reduced.columns.isEmpty {
                var p = [Double](repeating: 0, count: set.rows)
                for f in 0..<options.folds {
                    let (train, test) = StratifiedFolds.split(folds, f)
                    let columns = FeatureEncoder.fit(reduced, rows: train, options: options)
                    let x = FeatureEncoder.design(FeatureEncoder.encode(reduced, rows: train, columns: columns))
                    let xTest = FeatureEncoder.design(FeatureEncoder.encode(reduced, rows: test, columns: columns),
                                                      neutralMeans: x.columnMeans())
                    let fit = LogisticRegression.fit(x, labels: train.map { set.labels[$0] }, lambda: lambda)
                    for (i, r) in test.enumerated() { p[r] = fit.probability(xTest, row: i) }
                }
                without = BinaryMetrics.rocAUC(scores: p, labels: set.labels)
            }
            warnings.append(LeakageWarning(column: encoded.columns[c].column, auc: auc, modelAUC: modelAUC, withoutAUC: without))
        }
        return warnings
    }
}
