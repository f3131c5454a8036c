/// Ranking and probability metrics of a binary classifier, computed the way scikit-learn does.
public enum BinaryMetrics {
    /// Area under the ROC curve: the probability that a random positive scores above a random negative, ties
    /// counting one half (Mann–Whitney U with mid-ranks). NaN when a class is absent.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positives = 0.0, negatives = 0.0
        var positiveRankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let midRank = Double(i + j + 2) / 2  // ranks are 1-based
            for k in i...j {
                if labels[order[k]] {
                    positives += 1
                    positiveRankSum += midRank
                } else {
                    negatives += 1
                }
            }
            i = j + 1
        }
        guard positives > 0 && negatives > 0 else { return .nan }
        return (positiveRankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Average precision (the area under the precision–recall curve as a step function): Σ (Rₖ − Rₖ₋₁)·Pₖ over
    /// the distinct score thresholds, from the highest down; tied scores enter together. NaN with no positives.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let total = Double(labels.reduce(0) { $0 + ($1 ? 1 : 0) })
        guard total > 0 else { return .nan }
        var truePositives = 0.0, seen = 0.0, previousRecall = 0.0, sum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            for k in i...j where labels[order[k]] { truePositives += 1 }
            seen += Double(j - i + 1)
            let recall = truePositives / total
            sum += (recall - previousRecall) * (truePositives / seen)
            previousRecall = recall
            i = j + 1
        }
        return sum
    }

    /// Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15].
    public static func logLoss(probabilities: [Double], labels: [Bool]) -> Double {
        var sum = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = PredictionMath.clip(p)
            sum -= PredictionMath.log(y ? q : 1 - q)
        }
        return sum / Double(max(labels.count, 1))
    }

    /// Mean squared difference between probability and outcome.
    public static func brier(probabilities: [Double], labels: [Bool]) -> Double {
        var sum = 0.0
        for (p, y) in zip(probabilities, labels) {
            let d = p - (y ? 1 : 0)
            sum += d * d
        }
        return sum / Double(max(labels.count, 1))
    }

    /// Ten equal-width probability bins [0, 0.1), …, [0.9, 1.0]: rows, mean predicted probability and observed rate.
    public static func calibration(probabilities: [Double], labels: [Bool], bins: Int = 10) -> [CalibrationBin] {
        var rows = [Int](repeating: 0, count: bins), positives = rows
        var predicted = [Double](repeating: 0, count: bins)
        for (p, y) in zip(probabilities, labels) {
            let b = min(max(Int(p * Double(bins)), 0), bins - 1)
            rows[b] += 1
            predicted[b] += p
            if y { positives[b] += 1 }
        }
        var table: [CalibrationBin] = []
        for b in 0..<bins {
            let count = Double(rows[b])
            let mean: Double? = rows[b] > 0 ? predicted[b] / count : nil
            let observed: Double? = rows[b] > 0 ? Double(positives[b]) / count : nil
            table.append(CalibrationBin(lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins), rows: rows[b],
                                        positives: positives[b], meanPredicted: mean, observedRate: observed))
        }
        return table
    }

    /// Expected calibration error: Σ_bins (rows/total)·|observed rate − mean predicted|.
    public static func expectedCalibrationError(_ table: [CalibrationBin]) -> Double {
        let total = Double(table.reduce(0) { $0 + $1.rows })
        guard total > 0 else { return 0 }
        var sum = 0.0
        for b in table {
            if let o = b.observedRate, let p = b.meanPredicted { sum += Double(b.rows) / total * abs(o - p) }
        }
        return sum
    }

    /// Rows sorted by score (highest first; ties in row order) and cut into ten equal groups: how many positives
    /// each decile holds, the share of all positives captured so far (gain) and the rate over the base rate (lift).
    public static func gain(scores: [Double], labels: [Bool], groups: Int = 10) -> [GainRow] {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        let n = order.count
        let total = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let base = n > 0 ? Double(total) / Double(n) : 0
        var out: [GainRow] = []
        var cumulativeRows = 0, cumulativePositives = 0
        for d in 0..<groups {
            let slice = order[(d * n / groups)..<((d + 1) * n / groups)]
            let positives = slice.reduce(0) { $0 + (labels[$1] ? 1 : 0) }
            cumulativeRows += slice.count
            cumulativePositives += positives
            let rate = slice.isEmpty ? 0 : Double(positives) / Double(slice.count)
            let cumulativeRate = cumulativeRows == 0 ? 0 : Double(cumulativePositives) / Double(cumulativeRows)
            out.append(GainRow(decile: d + 1, rows: slice.count, positives: positives, rate: rate,
                               cumulativeGain: total > 0 ? Double(cumulativePositives) / Double(total) : 0,
                               lift: base > 0 ? rate / base : 0, cumulativeLift: base > 0 ? cumulativeRate / base : 0))
        }
        return out
    }
}

public struct CalibrationBin: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double
    public var rows: Int
    public var positives: Int
    /// nil for an empty bin
    public var meanPredicted: Double?
    public var observedRate: Double?
}

public struct GainRow: Sendable, Hashable, Codable {
    /// 1 = the tenth of rows with the highest scores
    public var decile: Int
    public var rows: Int
    public var positives: Int
    public var rate: Double
    /// Share of all positives in deciles 1 … this one.
    public var cumulativeGain: Double
    public var lift: Double
    public var cumulativeLift: Double
}

/// Every metric of one set of predictions.
public struct MetricsReport: Sendable, Hashable, Codable {
    public var rows: Int
    public var positives: Int
    public var rocAUC: Double
    public var averagePrecision: Double
    public var logLoss: Double
    public var brier: Double
    public var expectedCalibrationError: Double
    public var calibration: [CalibrationBin]
    public var gain: [GainRow]

    /// Needs both classes present (AUC is undefined otherwise).
    public init(probabilities: [Double], labels: [Bool]) {
        rows = labels.count
        positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        rocAUC = BinaryMetrics.rocAUC(scores: probabilities, labels: labels)
        averagePrecision = BinaryMetrics.averagePrecision(scores: probabilities, labels: labels)
        logLoss = BinaryMetrics.logLoss(probabilities: probabilities, labels: labels)
        brier = BinaryMetrics.brier(probabilities: probabilities, labels: labels)
        calibration = BinaryMetrics.calibration(probabilities: probabilities, labels: labels)
        expectedCalibrationError = BinaryMetrics.expectedCalibrationError(calibration)
        gain = BinaryMetrics.gain(scores: probabilities, labels: labels)
    }
}
