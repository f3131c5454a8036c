/// Out-of-fold predictions of every learner over the same stratified folds, and the learner they choose.
public struct CrossValidation: Sendable {
    /// The fold of every row of the training set.
    public var folds: [Int]
    public var logistic: [Double]
    public var naiveBayes: [Double]
    public var boostedTrees: [Double]
    /// λ chosen in each fold.
    public var lambdas: [Double]
    public var reports: TrainedModel.ModelReports
    public var perFold: [FoldScores]
    public var decision: LearnerChoice.Decision

    public var chosen: ModelChoice { decision.learner }
}

/// Trains three learners — L2 logistic regression, naive Bayes and boosted trees — compares them on the same
/// stratified k-fold cross-validation, chooses one (``LearnerChoice``) and fits it on all rows. Pure: the caller reads
/// the file and times the steps.
public enum Trainer {
    /// Every learner on the same folds. Each fold's encoding (categories kept, means, bins) and λ are learned from
    /// that fold's training rows only, so no out-of-fold row influences its own prediction.
    public static func crossValidate(_ set: TrainingSet, options: TrainingOptions) -> CrossValidation {
        let k = options.folds
        let boosting = options.boosting(for: set)
        let folds = StratifiedFolds.assign(labels: set.labels, folds: k, seed: options.seed)
        var logistic = [Double](repeating: 0, count: set.rows)
        var naiveBayes = logistic, boosted = logistic
        var lambdas: [Double] = []
        for f in 0..<k {
            let (train, test) = StratifiedFolds.split(folds, f)
            let columns = FeatureEncoder.fit(set, rows: train, options: options)
            let encodedTrain = FeatureEncoder.encode(set, rows: train, columns: columns)
            let encodedTest = FeatureEncoder.encode(set, rows: test, columns: columns)
            let labels = train.map { set.labels[$0] }
            let x = FeatureEncoder.design(encodedTrain)
            let xTest = FeatureEncoder.design(encodedTest, neutralMeans: x.columnMeans())
            let lambda = options.lambda ?? LogisticRegression.chooseLambda(
                x, labels: labels, grid: options.lambdaGrid,
                folds: StratifiedFolds.assign(labels: labels, folds: options.innerFolds, seed: options.seed &+ UInt64(f) &+ 1),
                foldCount: options.innerFolds).lambda
            lambdas.append(lambda)
            let fit = LogisticRegression.fit(x, labels: labels, lambda: lambda)
            let nb = NaiveBayesModel.fit(encodedTrain, labels: labels, smoothing: options.smoothing)
            let trees = TreeBooster.fit(BoostingMatrix(set, rows: train, encoded: encodedTrain, maxBins: boosting.maxBins),
                                        labels: labels, options: boosting)
            let missingSeen = columns.map { $0.numeric?.missingIndicator ?? false }
            for (i, r) in test.enumerated() {
                logistic[r] = fit.probability(xTest, row: i)
                naiveBayes[r] = nb.probability(encodedTest, row: i)
                boosted[r] = trees.probability(TreeRow.make(set, row: r, encoded: encodedTest, index: i, missingSeen: missingSeen))
            }
        }
        let reports = TrainedModel.ModelReports(logistic: MetricsReport(probabilities: logistic, labels: set.labels),
                                                naiveBayes: MetricsReport(probabilities: naiveBayes, labels: set.labels),
                                                boostedTrees: MetricsReport(probabilities: boosted, labels: set.labels))
        let perFold = [(ModelChoice.logistic, logistic), (.naiveBayes, naiveBayes), (.boostedTrees, boosted)].map {
            FoldScores(learner: $0.0, probabilities: $0.1, labels: set.labels, folds: folds, foldCount: k)
        }
        var ece: [ModelChoice: Double] = [:]
        for learner in ModelChoice.allCases { ece[learner] = reports[learner]?.expectedCalibrationError }
        return CrossValidation(folds: folds, logistic: logistic, naiveBayes: naiveBayes, boostedTrees: boosted,
                               lambdas: lambdas, reports: reports, perFold: perFold,
                               decision: LearnerChoice.choose(perFold, ece: ece))
    }

    /// The λ of the final fit: `--l2` if given, else the one the inner cross-validation chose most often across the
    /// outer folds (the stronger on a tie) — each of those choices was made by out-of-fold log loss, so no extra
    /// search over all rows is needed.
    public static func finalLambda(_ set: TrainingSet, options: TrainingOptions, crossValidation cv: CrossValidation) -> Double {
        if let lambda = options.lambda { return lambda }
        var votes: [Double: Int] = [:]
        for lambda in cv.lambdas { votes[lambda, default: 0] += 1 }
        return votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }?.key ?? 1
    }

    /// The final models, fitted on every row: the encoding, the design matrix, both additive learners and — when
    /// they are the choice — the boosted trees.
    public struct FinalFit: Sendable {
        public var columns: [FeatureColumn]
        public var encoded: EncodedRows
        public var design: SparseRows
        public var logistic: LogisticFit
        public var naiveBayes: NaiveBayesModel
        public var boostedTrees: BoostedTrees?
    }

    /// Encodes every row and fits the learners on them (the trees only when `boosted`).
    public static func fitModels(_ set: TrainingSet, options: TrainingOptions, lambda: Double, boosted: Bool) -> FinalFit {
        let all = Array(0..<set.rows)
        let columns = FeatureEncoder.fit(set, rows: all, options: options)
        let encoded = FeatureEncoder.encode(set, rows: all, columns: columns)
        let x = FeatureEncoder.design(encoded)
        let boosting = options.boosting(for: set)
        return FinalFit(columns: columns, encoded: encoded, design: x,
                        logistic: LogisticRegression.fit(x, labels: set.labels, lambda: lambda),
                        naiveBayes: NaiveBayesModel.fit(encoded, labels: set.labels, smoothing: options.smoothing),
                        boostedTrees: boosted ? TreeBooster.fit(BoostingMatrix(set, rows: all, encoded: encoded, maxBins: boosting.maxBins),
                                                                labels: set.labels, options: boosting) : nil)
    }

    /// The learners fitted on every row, the leakage guard run, and everything recorded in the artifact.
    public static func fitFinal(_ set: TrainingSet, options: TrainingOptions, crossValidation cv: CrossValidation,
                                lambda: Double) -> TrainedModel {
        assemble(set, options: options, crossValidation: cv,
                 final: fitModels(set, options: options, lambda: lambda, boosted: cv.chosen == .boostedTrees))
    }

    /// The artifact: final models, their in-sample metrics, the cross-validated ones, the leakage guard's warnings.
    public static func assemble(_ set: TrainingSet, options: TrainingOptions, crossValidation cv: CrossValidation,
                                final: FinalFit) -> TrainedModel {
        let (columns, encoded, x, fit, nb) = (final.columns, final.encoded, final.design, final.logistic, final.naiveBayes)
        let lambda = fit.lambda
        let means = x.columnMeans()
        let aucs = LeakageGuard.singleColumnAUCs(set, encoded: encoded)
        let names = columns.flatMap(\.featureNames)
        let coefficients = (0..<x.width).map { TrainedModel.Coefficient(feature: names[$0], weight: fit.weights[$0], mean: means[$0]) }

        let inSample = TrainedModel.ModelReports(
            logistic: MetricsReport(probabilities: (0..<set.rows).map { fit.probability(x, row: $0) }, labels: set.labels),
            naiveBayes: MetricsReport(probabilities: (0..<set.rows).map { nb.probability(encoded, row: $0) }, labels: set.labels),
            boostedTrees: final.boostedTrees.map { trees in
                let missingSeen = columns.map { $0.numeric?.missingIndicator ?? false }
                return MetricsReport(probabilities: (0..<set.rows).map {
                    trees.probability(TreeRow.make(set, row: $0, encoded: encoded, index: $0, missingSeen: missingSeen))
                }, labels: set.labels)
            })
        return TrainedModel(
            format: TrainedModel.currentFormat,
            model: cv.chosen,
            target: .init(column: set.target, positiveValues: set.positiveValues, negativeValues: set.negativeValues),
            data: .init(rows: set.rows, positives: set.positives, rejectedRows: set.rejected.count,
                        columnsUsed: set.columns.map(\.name), excluded: set.excluded, identifiers: set.identifiers),
            features: columns.map { column in
                var column = column
                column.leadField = set.leadFields[column.column].flatMap { $0.isEmpty ? nil : $0 }
                return column
            },
            logistic: .init(intercept: fit.intercept, lambda: lambda, iterations: fit.iterations, converged: fit.converged,
                            coefficients: coefficients),
            naiveBayes: nb,
            boostedTrees: final.boostedTrees,
            crossValidation: .init(folds: options.folds, seed: options.seed, lambdas: cv.lambdas, reports: cv.reports,
                                   perFold: cv.perFold, choice: cv.decision.reason),
            fitOnAllRows: inSample,
            warnings: LeakageGuard.check(set, encoded: encoded, aucs: aucs)
                + LeakageGuard.strongColumns(set, encoded: encoded, options: options, folds: cv.folds, lambda: lambda,
                                             modelAUC: cv.reports.logistic.rocAUC, aucs: aucs),
            options: options)
    }

    /// Cross-validation, then the final fit.
    public static func train(_ set: TrainingSet, options: TrainingOptions) -> (model: TrainedModel, crossValidation: CrossValidation) {
        let cv = crossValidate(set, options: options)
        let lambda = finalLambda(set, options: options, crossValidation: cv)
        return (fitFinal(set, options: options, crossValidation: cv, lambda: lambda), cv)
    }
}
