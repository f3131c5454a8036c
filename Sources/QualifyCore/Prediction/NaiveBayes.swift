/// Naive Bayes over per-column level frequencies — the frequency-table method of Odoo CRM's predictive lead scoring:
/// for every field value, how often it appears among won leads and among lost ones, Laplace-smoothed:
///
///     P(v | won) = (count(v, won) + α) / (won + α·K)        (K levels in the column)
///     log-odds(won | row) = log(won / lost) + Σ_columns log(P(v | won) / P(v | lost))
///
/// Numeric columns are counted by their quantile bins plus a "missing" level. Each column's term is its
/// log-likelihood ratio: the factor that moved this lead up or down.
public struct NaiveBayesModel: Sendable, Hashable, Codable {
    public var priorLogOdds: Double
    public var smoothing: Double
    /// Per column, per level: log P(level | 1) − log P(level | 0).
    public var logRatios: [[Double]]

    public init(priorLogOdds: Double, smoothing: Double, logRatios: [[Double]]) {
        self.priorLogOdds = priorLogOdds
        self.smoothing = smoothing
        self.logRatios = logRatios
    }

    public static func fit(_ encoded: EncodedRows, labels: [Bool], smoothing: Double) -> NaiveBayesModel {
        let k = encoded.columns.count
        var positives = 0.0, negatives = 0.0
        for y in labels { if y { positives += 1 } else { negatives += 1 } }
        var ratios: [[Double]] = []
        for (c, column) in encoded.columns.enumerated() {
            let levels = column.levelCount
            var pos = [Double](repeating: 0, count: levels), neg = pos
            for r in 0..<encoded.count {
                let level = Int(encoded.levels[r * k + c])
                guard level >= 0 else { continue }
                if labels[r] { pos[level] += 1 } else { neg[level] += 1 }
            }
            let a = smoothing, kk = Double(levels)
            ratios.append((0..<levels).map { v in
                PredictionMath.log((pos[v] + a) / (positives + a * kk)) - PredictionMath.log((neg[v] + a) / (negatives + a * kk))
            })
        }
        let prior = positives > 0 && negatives > 0 ? PredictionMath.log(positives / negatives) : 0
        return NaiveBayesModel(priorLogOdds: prior, smoothing: smoothing, logRatios: ratios)
    }

    /// Each column's log-likelihood ratio for one row (0 for a value that maps to no level).
    public func contributions(_ encoded: EncodedRows, row: Int) -> [Double] {
        let k = encoded.columns.count
        return (0..<k).map { c in
            let level = Int(encoded.levels[row * k + c])
            return level >= 0 && level < logRatios[c].count ? logRatios[c][level] : 0
        }
    }

    public func probability(_ encoded: EncodedRows, row: Int) -> Double {
        var z = priorLogOdds
        for v in contributions(encoded, row: row) { z += v }
        return PredictionMath.sigmoid(z)
    }
}
