/// Which of the learners a trained model scores with.
public enum ModelChoice: String, Sendable, Hashable, Codable, CaseIterable {
    case logistic
    case naiveBayes = "naive_bayes"
    case boostedTrees = "boosted_trees"

    public var label: String {
        switch self {
        case .logistic: return "logistic regression (L2)"
        case .naiveBayes: return "naive Bayes (frequency tables)"
        case .boostedTrees: return "boosted trees (gradient boosting, TreeSHAP factors)"
        }
    }

    public var shortLabel: String {
        switch self {
        case .logistic: return "logistic"
        case .naiveBayes: return "naive Bayes"
        case .boostedTrees: return "boosted trees"
        }
    }
}

/// The artifact `qualify train` writes and `qualify predict` reads (JSON, `"format": "qualify-model/2"`): how
/// each column is encoded, both fitted models (the chosen one scores), the cross-validated metrics that chose it and a
/// summary of the training data. Same data, options and seed → the same artifact.
public struct TrainedModel: Sendable, Hashable, Codable {
    /// `/2` since models may score with boosted trees (an older qualify says it cannot read it, instead of failing
    /// on an unknown learner); `/1` files still load.
    public static let currentFormat = "qualify-model/2"
    public static let readableFormats: Set<String> = ["qualify-model/1", currentFormat]

    public var format: String
    /// The model `predict` uses (``LearnerChoice``: the simplest within the folds' noise of the best).
    public var model: ModelChoice
    public var target: TargetSummary
    public var data: DataSummary
    public var features: [FeatureColumn]
    public var logistic: LogisticModel
    public var naiveBayes: NaiveBayesModel
    /// Fitted on all rows when chosen (absent otherwise, and in models trained before boosting existed).
    public var boostedTrees: BoostedTrees?
    public var crossValidation: CrossValidationSummary
    /// Metrics of the final models on the rows they were fitted on (optimistic; compare with `crossValidation`).
    public var fitOnAllRows: ModelReports
    public var warnings: [LeakageWarning]
    public var options: TrainingOptions

    public struct TargetSummary: Sendable, Hashable, Codable {
        public var column: String
        /// The target values read as 1 and as 0, most frequent first.
        public var positiveValues: [String]
        public var negativeValues: [String]
    }

    public struct DataSummary: Sendable, Hashable, Codable {
        public var rows: Int
        public var positives: Int
        /// Rows left out because their target could not be read.
        public var rejectedRows: Int
        public var columnsUsed: [String]
        public var excluded: [ExcludedColumn]
        /// Identifier columns (copied into `predict` output).
        public var identifiers: [String]
    }

    public struct Coefficient: Sendable, Hashable, Codable {
        public var feature: String
        public var weight: Double
        /// The feature's mean over the training rows: factors are measured from it.
        public var mean: Double
    }

    public struct LogisticModel: Sendable, Hashable, Codable {
        public var intercept: Double
        public var lambda: Double
        public var iterations: Int
        public var converged: Bool
        /// One per feature, in the order the features of ``TrainedModel/features`` lay them out.
        public var coefficients: [Coefficient]
    }

    public struct ModelReports: Sendable, Hashable, Codable {
        public var logistic: MetricsReport
        public var naiveBayes: MetricsReport
        public var boostedTrees: MetricsReport?

        public init(logistic: MetricsReport, naiveBayes: MetricsReport, boostedTrees: MetricsReport? = nil) {
            self.logistic = logistic
            self.naiveBayes = naiveBayes
            self.boostedTrees = boostedTrees
        }

        public subscript(_ learner: ModelChoice) -> MetricsReport? {
            switch learner {
            case .logistic: return logistic
            case .naiveBayes: return naiveBayes
            case .boostedTrees: return boostedTrees
            }
        }
    }

    public struct CrossValidationSummary: Sendable, Hashable, Codable {
        public var folds: Int
        public var seed: UInt64
        /// λ chosen by the inner cross-validation in each outer fold (or the fixed `--l2`).
        public var lambdas: [Double]
        /// Out-of-fold metrics, same folds for every learner.
        public var reports: ModelReports
        /// Each learner's ROC AUC and log loss fold by fold (absent in older models).
        public var perFold: [FoldScores]?
        /// Why the learner was chosen.
        public var choice: String?
    }

    /// The chosen learner's out-of-fold metrics.
    public var chosenReport: MetricsReport { crossValidation.reports[model] ?? crossValidation.reports.logistic }

    /// ROC AUC below which the data is said to barely predict the outcome: `qualify train` then saves the model only
    /// with `--force`.
    public static let nearChanceAUC = 0.6

    /// The chosen learner's ROC AUC per fold, when recorded.
    private var chosenFolds: FoldScores? { crossValidation.perFold?.first { $0.learner == model } }

    /// The chosen learner's cross-validated ROC AUC: the mean over folds (pooled out-of-fold when not recorded) —
    /// the figure ``nearChance`` judges and ``chosenAUCText`` prints.
    public var chosenAUC: Double { chosenFolds?.aucMean ?? chosenReport.rocAUC }

    public var nearChance: Bool { !(chosenAUC >= Self.nearChanceAUC) }

    /// "ROC AUC 0.54 ± 0.01 over 5 folds" for the chosen learner.
    public var chosenAUCText: String {
        if let folds = chosenFolds {
            return "ROC AUC \(folds.aucMean.formatted(3)) ± \(folds.aucSD.formatted(3)) over \(folds.rocAUC.count) folds"
        }
        return "ROC AUC \(chosenReport.rocAUC.formatted(3))"
    }
}
