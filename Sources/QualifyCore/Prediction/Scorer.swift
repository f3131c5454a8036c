/// One column's push on a prediction, in log-odds.
public struct ScoreFactor: Sendable, Hashable {
    public var column: String
    /// The cell as written, "(missing)" when empty; a rare category pooled into "other" says so.
    public var value: String
    public var contribution: Double

    /// `Lead Origin=Lead Add Form (+2.31)`
    public var description: String {
        "\(column)=\(value) (\(contribution >= 0 ? "+" : "")\(contribution.formatted(2)))"
    }
}

/// A scored row: the probability of target 1 and the three columns that pushed it up and down the most.
public struct ScoredRow: Sendable, Hashable {
    public var probability: Double
    public var up: [ScoreFactor]
    public var down: [ScoreFactor]
    /// Numeric columns whose cell was not a number (read as missing).
    public var unreadable: [String]
}

/// A file's columns are not the ones the model was trained on.
public enum ScoringError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingColumns([String], headers: [String])
    case unsupportedFormat(String)

    public var description: String {
        switch self {
        case .missingColumns(let columns, let headers):
            return "the model uses column\(columns.count == 1 ? "" : "s") \(columns.map { "'\($0)'" }.joined(separator: ", ")) but the file has no such header (columns: \(headers.joined(separator: ", "))); add \(columns.count == 1 ? "it" : "them") — empty cells are fine"
        case .unsupportedFormat(let format):
            return "model format '\(format)' is not one this version reads (\(TrainedModel.currentFormat)); retrain with this version of qualify"
        }
    }
}

/// Scores rows of a file with a trained model and explains each score by column:
/// - logistic regression: Σ weight × (feature − its training mean) over the column's features — for a numeric
///   column mostly coefficient × standardized value; the base is the log-odds of an average training row;
/// - naive Bayes: the column's log-likelihood ratio, log P(value | 1) / P(value | 0); the base is the prior log-odds.
public struct Scorer: Sendable {
    public let model: TrainedModel
    /// Position of each feature column in the file's header.
    private let positions: [Int]
    private let offsets: [Int]
    private let weights: [Double]
    private let base: Double
    private let columnBase: [Double]
    /// Per categorical column, category → level (a dictionary rather than a search of the category list per cell).
    private let levelOfCategory: [[String: Int]]

    public init(_ model: TrainedModel, headers: [String]) throws(ScoringError) {
        guard model.format == TrainedModel.currentFormat else { throw .unsupportedFormat(model.format) }
        let trimmed = headers.map(\.trimmingSpaces)
        var positions: [Int] = [], missing: [String] = []
        for column in model.features {
            if let i = trimmed.firstIndex(of: column.column) { positions.append(i) } else { missing.append(column.column) }
        }
        guard missing.isEmpty else { throw .missingColumns(missing, headers: trimmed) }
        self.model = model
        self.positions = positions
        offsets = FeatureEncoder.offsets(model.features).offsets
        weights = model.logistic.coefficients.map(\.weight)
        var columnBase: [Double] = []
        for (c, column) in model.features.enumerated() {
            var s = 0.0
            for j in offsets[c]..<(offsets[c] + column.featureCount) {
                s += model.logistic.coefficients[j].weight * model.logistic.coefficients[j].mean
            }
            columnBase.append(s)
        }
        self.columnBase = columnBase
        levelOfCategory = model.features.map { column in
            var index: [String: Int] = [:]
            for (i, category) in (column.categorical?.categories ?? []).enumerated() { index[category] = i }
            return index
        }
        base = model.logistic.intercept + columnBase.reduce(0, +)
    }

    public func score(_ cells: [String]) -> ScoredRow {
        var logit = model.model == .logistic ? base : model.naiveBayes.priorLogOdds
        var factors: [ScoreFactor] = []
        var unreadable: [String] = []
        var entries: [(Int, Double)] = []
        for (c, column) in model.features.enumerated() {
            var cell = positions[c] < cells.count ? cells[positions[c]].trimmingSpaces : ""
            if MissingValue.isMissing(cell) { cell = "" }
            var number: Double?
            var z = 0.0
            if let numeric = column.numeric, !cell.isEmpty {
                if let x = Double(cell), x.isFinite {
                    number = x
                    z = (x - numeric.mean) / numeric.std
                } else {
                    unreadable.append(column.column)
                    cell = ""
                }
            }
            let level: Int?
            if let categorical = column.categorical {
                level = levelOfCategory[c][cell] ?? (categorical.pooled ? categorical.categories.count : nil)
            } else {
                level = column.level(of: cell, number: number)
            }
            let contribution: Double
            switch model.model {
            case .logistic:
                entries.removeAll(keepingCapacity: true)
                FeatureEncoder.appendFeatures(column, level: level ?? -1, standardized: z, base: offsets[c], into: &entries)
                var s = -columnBase[c]
                for (j, v) in entries { s += weights[j] * v }
                contribution = s
            case .naiveBayes:
                let ratios = model.naiveBayes.logRatios[c]
                contribution = level.map { $0 < ratios.count ? ratios[$0] : 0 } ?? 0
            }
            logit += contribution
            var shown = cell.isEmpty ? "(missing)" : cell
            if let categorical = column.categorical, let level, level == categorical.categories.count { shown += " (other)" }
            factors.append(ScoreFactor(column: column.column, value: shown, contribution: contribution))
        }
        let up = factors.enumerated().filter { $0.element.contribution > 1e-9 }
            .sorted { $0.element.contribution != $1.element.contribution ? $0.element.contribution > $1.element.contribution : $0.offset < $1.offset }
            .prefix(3).map(\.element)
        let down = factors.enumerated().filter { $0.element.contribution < -1e-9 }
            .sorted { $0.element.contribution != $1.element.contribution ? $0.element.contribution < $1.element.contribution : $0.offset < $1.offset }
            .prefix(3).map(\.element)
        return ScoredRow(probability: PredictionMath.sigmoid(logit), up: Array(up), down: Array(down), unreadable: unreadable)
    }

    /// Header positions of the model's identifier columns that this file has (to copy into the output).
    public func identifierPositions(headers: [String]) -> [(name: String, position: Int)] {
        let trimmed = headers.map(\.trimmingSpaces)
        return model.data.identifiers.compactMap { name in trimmed.firstIndex(of: name).map { (name, $0) } }
    }
}
