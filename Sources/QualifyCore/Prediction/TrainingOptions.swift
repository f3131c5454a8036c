/// How `qualify train` builds features and chooses a model. The defaults are the documented ones.
public struct TrainingOptions: Sendable, Hashable, Codable {
    /// The outcome column (1/0, true/false, yes/no, won/lost, converted/not converted).
    public var target: String
    /// Columns left out on request (`--exclude`).
    public var exclude: [String]
    /// Columns used even though a default rule would leave them out (`--keep`): leakage defaults and identifiers.
    public var keep: [String]
    /// Folds of the stratified cross-validation that compares the models (and chooses λ for the final fit).
    public var folds: Int
    /// Seeds the fold assignment; the same data, options and seed give the same artifact, byte for byte.
    public var seed: UInt64
    /// A fixed L2 strength for logistic regression; nil chooses it from ``lambdaGrid`` by inner cross-validation.
    public var lambda: Double?
    /// Candidate L2 strengths (penalty λ/2·‖w‖² on the summed log loss; λ = 1/C in scikit-learn's terms).
    public var lambdaGrid: [Double]
    /// Folds of the inner cross-validation that picks λ inside each outer training fold.
    public var innerFolds: Int
    /// A category needs at least this many rows …
    public var minCategoryRows: Int
    /// … and at least this share of the rows to get a feature of its own; rarer ones share an "other" level.
    public var minCategoryShare: Double
    /// Numeric columns are also cut at this many quantiles, so a linear model can bend (and naive Bayes can count).
    public var numericBins: Int
    /// Laplace smoothing of naive Bayes' frequency tables.
    public var smoothing: Double
    /// How the boosted trees grow (nil: ``BoostingOptions``' defaults).
    public var boosting: BoostingOptions?
    /// Numeric columns whose effect on the boosted trees' score may only rise (+1) or only fall (−1) with the value
    /// (`--monotone COLUMN=increasing|decreasing`). The logistic model's bins are not constrained.
    public var monotone: [String: Int]?

    /// The boosting options for a training set's columns: the defaults or `boosting`, with `monotone` laid out per column.
    public func boosting(for set: TrainingSet) -> BoostingOptions {
        var options = boosting ?? BoostingOptions()
        if let monotone, !monotone.isEmpty { options.monotone = set.columns.map { monotone[$0.name] ?? 0 } }
        return options
    }

    public init(target: String, exclude: [String] = [], keep: [String] = [], folds: Int = 5, seed: UInt64 = 1,
                lambda: Double? = nil, lambdaGrid: [Double] = [0.1, 1, 10, 100, 1000], innerFolds: Int = 3,
                minCategoryRows: Int = 10, minCategoryShare: Double = 0.01, numericBins: Int = 10, smoothing: Double = 1) {
        self.target = target
        self.exclude = exclude
        self.keep = keep
        self.folds = folds
        self.seed = seed
        self.lambda = lambda
        self.lambdaGrid = lambdaGrid
        self.innerFolds = innerFolds
        self.minCategoryRows = minCategoryRows
        self.minCategoryShare = minCategoryShare
        self.numericBins = numericBins
        self.smoothing = smoothing
    }

    /// Columns left out by default when present: in the X Education lead data they are filled in by sales *after*
    /// contact, so they record the outcome rather than predict it (see the data set's notes). `--keep` overrides.
    public static let defaultLeakageColumns = [
        "Tags", "Lead Quality", "Last Activity", "Last Notable Activity",
        "Asymmetrique Activity Index", "Asymmetrique Profile Index",
        "Asymmetrique Activity Score", "Asymmetrique Profile Score",
    ]
}

/// Why a column is not a feature.
public enum ExclusionReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// a different value on every row (an id, an email): it identifies, it cannot generalize
    case identifier
    /// on the default leakage list: filled after the outcome
    case leakage
    /// `--exclude`
    case requested
    /// one value on every row: nothing to learn
    case constant

    public var explanation: String {
        switch self {
        case .identifier: return "identifier (a different value on every row); --keep to use it"
        case .leakage: return "filled after the outcome (default leakage list); --keep to use it"
        case .requested: return "--exclude"
        case .constant: return "the same value on every row"
        }
    }
}

/// A column that is not a feature, and why.
public struct ExcludedColumn: Sendable, Hashable, Codable {
    public var column: String
    public var reason: ExclusionReason
    public init(column: String, reason: ExclusionReason) {
        self.column = column
        self.reason = reason
    }
}

/// A training request that cannot go ahead, with what to do about it.
public enum TrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    case targetNotFound(String, headers: [String])
    case unknownColumn(option: String, column: String, headers: [String])
    case duplicateHeader(String)
    case tooFewRows(rows: Int, positives: Int, negatives: Int, folds: Int)
    case noFeatures(excluded: [ExcludedColumn])
    case badOption(String)

    public var description: String {
        switch self {
        case .targetNotFound(let target, let headers):
            return "target column '\(target)' is not in the header (columns: \(headers.joined(separator: ", "))); name it with --target"
        case .unknownColumn(let option, let column, let headers):
            return "\(option) names column '\(column)', which is not in the header (columns: \(headers.joined(separator: ", ")))"
        case .duplicateHeader(let name):
            return "two columns are named '\(name)'; rename one so features can be told apart"
        case .tooFewRows(let rows, let positives, let negatives, let folds):
            return "\(rows) usable rows (\(positives) with target 1, \(negatives) with 0); each class needs at least \(max(folds, 2)) rows for \(folds)-fold cross-validation — add data or lower --folds"
        case .noFeatures(let excluded):
            return "no feature columns are left (excluded: \(excluded.map { "\($0.column) — \($0.reason.explanation)" }.joined(separator: "; "))); use --keep to bring one back"
        case .badOption(let why):
            return why
        }
    }
}
