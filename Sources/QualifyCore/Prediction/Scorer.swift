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

/// A scored row: the probability of target 1, the three columns that pushed it up and down the most, and notes on
/// values the model could not take as written.
public struct ScoredRow: Sendable, Hashable {
    public var probability: Double
    public var up: [ScoreFactor]
    public var down: [ScoreFactor]
    /// Numeric columns whose cell was not a number (read as missing).
    public var unreadable: [String]
    /// One sentence per value scored differently from how it was written: a number outside the training range
    /// (scored as the nearest end), a category never seen in training or a value missing where training had none
    /// (both neutral).
    public var notes: [String] = []
}

/// A file's columns are not the ones the model was trained on.
public enum ScoringError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingColumns([String], headers: [String])
    case unsupportedFormat(String)
    /// The file's trees are not well formed (edited by hand, or damaged).
    case invalidModel(String)

    public var description: String {
        switch self {
        case .missingColumns(let columns, let headers):
            return "the model uses column\(columns.count == 1 ? "" : "s") \(columns.map { "'\($0)'" }.joined(separator: ", ")) but the file has no such header (columns: \(headers.joined(separator: ", "))); add \(columns.count == 1 ? "it" : "them") — empty cells are fine"
        case .invalidModel(let why):
            return "the model's boosted trees are damaged: \(why); train it again with `qualify train`"
        case .unsupportedFormat(let format):
            return "model format '\(format)' is not one this version reads (\(TrainedModel.readableFormats.sorted().joined(separator: ", "))); retrain with this version of qualify"
        }
    }
}

/// Scores rows of a file with a trained model and explains each score by column:
/// - logistic regression: Σ weight × (feature − its training mean) over the column's features — for a numeric
///   column mostly coefficient × standardized value; the base is the log-odds of an average training row;
/// - naive Bayes: the column's log-likelihood ratio, log P(value | 1) / P(value | 0); the base is the prior log-odds;
/// - boosted trees: the column's SHAP value (``TreeExplainer``); the base is the average training row's log-odds.
///
/// Categories match case- and spacing-insensitively (``CategoryKey``). A value the model cannot place — a category
/// never seen in training, a missing value in a column never missing in training — is neutral: it moves nothing. A
/// number outside the training range is scored as the nearest end of it, with a note.
public struct Scorer: Sendable {
    public let model: TrainedModel
    /// Position of each feature column in the file's header.
    private let positions: [Int]
    private let offsets: [Int]
    private let weights: [Double]
    private let base: Double
    private let columnBase: [Double]
    /// Per categorical column, category key → level (a dictionary rather than a search of the category list per cell).
    private let levelOfCategory: [[String: Int]]
    private let explainer: TreeExplainer?

    /// Contributions smaller than this are left out of the factors: they print as 0.00.
    public static let smallestFactor = 0.005

    public init(_ model: TrainedModel, headers: [String]) throws(ScoringError) {
        guard TrainedModel.readableFormats.contains(model.format) else { throw .unsupportedFormat(model.format) }
        if model.model == .boostedTrees && model.boostedTrees == nil { throw .invalidModel("the model is meant to score with them, but has none") }
        if let trees = model.boostedTrees, let why = trees.problem(categorical: model.features.map { $0.categorical != nil }) {
            throw .invalidModel(why)
        }
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
            for (i, category) in (column.categorical?.categories ?? []).enumerated() where index[CategoryKey.of(category)] == nil {
                index[CategoryKey.of(category)] = i
            }
            return index
        }
        explainer = model.model == .boostedTrees ? TreeExplainer(model.boostedTrees!) : nil
        switch model.model {
        case .logistic: base = model.logistic.intercept + columnBase.reduce(0, +)
        case .naiveBayes: base = model.naiveBayes.priorLogOdds
        case .boostedTrees: base = model.boostedTrees!.expectedLogOdds
        }
    }

    /// `explain: false` skips the factors when only the probability is needed (an export, a sort): for boosted trees
    /// TreeSHAP costs ~0.4 ms a row, the prediction alone ~0.01 ms.
    public func score(_ cells: [String], explain: Bool = true) -> ScoredRow {
        var logit = base
        var unreadable: [String] = [], notes: [String] = []
        var entries: [(Int, Double)] = []
        var shown: [String] = []
        var levels: [Int?] = [], numbers: [Double?] = []
        for (c, column) in model.features.enumerated() {
            var cell = positions[c] < cells.count ? cells[positions[c]].trimmingSpaces : ""
            if MissingValue.isMissing(cell) { cell = "" }
            var number: Double?
            if let numeric = column.numeric, !cell.isEmpty {
                if let x = Double(cell), x.isFinite {
                    let inside = numeric.clamped(x)
                    if inside != x {
                        notes.append("\(column.column) \(cell) is \(x < inside ? "below" : "above") the training range "
                                     + "(\(x < inside ? "min" : "max") \(FeatureColumn.short(inside))): scored as \(FeatureColumn.short(inside))")
                    }
                    number = inside
                } else {
                    unreadable.append(column.column)
                    cell = ""
                }
            }
            let level: Int?
            if let categorical = column.categorical {
                let key = CategoryKey.of(cell)
                level = levelOfCategory[c][key] ?? categorical.otherLevel(key: key)
                if level == nil {
                    notes.append(cell.isEmpty ? "\(column.column) is missing, which training never saw: neutral"
                                              : "\(column.column) '\(cell)' was never seen in training: neutral")
                }
            } else {
                level = column.level(of: cell, number: number)
                if level == nil { notes.append("\(column.column) is missing, which training never saw: neutral") }
            }
            var text = cell.isEmpty ? "(missing)" : cell
            if let categorical = column.categorical, let level, level == categorical.categories.count { text += " (other)" }
            shown.append(text)
            levels.append(level)
            numbers.append(number)
        }
        var contributions: [Double]
        switch model.model {
        case .logistic:
            contributions = model.features.indices.map { c in
                guard let level = levels[c] else { return 0 }  // neutral: every feature at its training mean
                let z = numbers[c].map { ($0 - model.features[c].numeric!.mean) / model.features[c].numeric!.std } ?? 0
                entries.removeAll(keepingCapacity: true)
                FeatureEncoder.appendFeatures(model.features[c], level: level, standardized: z, base: offsets[c], into: &entries)
                var s = -columnBase[c]
                for (j, v) in entries { s += weights[j] * v }
                return s
            }
        case .naiveBayes:
            contributions = model.features.indices.map { c in
                let ratios = model.naiveBayes.logRatios[c]
                return levels[c].map { $0 < ratios.count ? ratios[$0] : 0 } ?? 0
            }
        case .boostedTrees:
            let row = TreeRow(values: model.features.indices.map { c in
                model.features[c].categorical != nil ? Double(levels[c] ?? -1) : (numbers[c] ?? .nan)
            }, known: levels.map { $0 != nil })
            guard explain else {
                return ScoredRow(probability: PredictionMath.sigmoid(model.boostedTrees!.logOdds(row)), up: [], down: [],
                                 unreadable: unreadable, notes: notes)
            }
            contributions = explainer!.shap(row)
        }
        var factors: [ScoreFactor] = []
        for (c, column) in model.features.enumerated() {
            logit += contributions[c]
            factors.append(ScoreFactor(column: column.column, value: shown[c], contribution: contributions[c]))
        }
        let up = factors.enumerated().filter { $0.element.contribution >= Self.smallestFactor }
            .sorted { $0.element.contribution != $1.element.contribution ? $0.element.contribution > $1.element.contribution : $0.offset < $1.offset }
            .prefix(3).map(\.element)
        let down = factors.enumerated().filter { $0.element.contribution <= -Self.smallestFactor }
            .sorted { $0.element.contribution != $1.element.contribution ? $0.element.contribution < $1.element.contribution : $0.offset < $1.offset }
            .prefix(3).map(\.element)
        return ScoredRow(probability: PredictionMath.sigmoid(logit), up: Array(up), down: Array(down), unreadable: unreadable,
                         notes: notes)
    }

    /// Header positions of the model's identifier columns that this file has (to copy into the output).
    public func identifierPositions(headers: [String]) -> [(name: String, position: Int)] {
        let trimmed = headers.map(\.trimmingSpaces)
        return model.data.identifiers.compactMap { name in trimmed.firstIndex(of: name).map { (name, $0) } }
    }
}
