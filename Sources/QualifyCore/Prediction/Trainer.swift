/// Out-of-fold predictions of both learners over the same stratified folds.
public struct CrossValidation: Sendable {
    /// The fold of every row of the training set.
    public var folds: [Int]
    public var logistic: [Double]
    public var naiveBayes: [Double]
    /// λ chosen in each fold.
    public var lambdas: [Double]
    public var reports: TrainedModel.ModelReports

    /// The learner with the higher cross-validated ROC AUC; logistic regression on a tie.
    public var chosen: ModelChoice {
        reports.naiveBayes.rocAUC > reports.logistic.rocAUC ? .naiveBayes : .logistic
    }
}

/// Trains the two learners — L2 logistic regression and naive Bayes — compares them by stratified k-fold
/// cross-validated ROC AUC and fits the winner on all rows. Pure: the caller reads the file and times the steps.
public enum Trainer {
    /// Both learners on the same folds. Each fold's encoding (categories kept, means, bins) and λ are learned from
    /// that fold's training rows only, so no out-of-fold row influences its own prediction.
    public static func crossValidate(_ set: TrainingSet, options: TrainingOptions) -> CrossValidation {
        let k = options.folds
        let folds = StratifiedFolds.assign(labels: set.labels, folds: k, seed: options.seed)
        var logistic = [Double](repeating: 0, count: set.rows)
        var naiveBayes = logistic
        var lambdas: [Double] = []
        for f in 0..<k {
            let (train, test) = StratifiedFolds.split(folds, f)
            let columns = FeatureEncoder.fit(set, rows: train, options: options)
            let encodedTrain = FeatureEncoder.encode(set, rows: train, columns: columns)
            let encodedTest = FeatureEncoder.encode(set, rows: test, columns: columns)
            let labels = train.map { set.labels[$0] }
            let x = FeatureEncoder.design(encodedTrain), xTest = FeatureEncoder.design(encodedTest)
            let lambda = options.lambda ?? LogisticRegression.chooseLambda(
                x, labels: labels, grid: options.lambdaGrid,
                folds: StratifiedFolds.assign(labels: labels, folds: options.innerFolds, seed: options.seed &+ UInt64(f) &+ 1),
                foldCount: options.innerFolds).lambda
            lambdas.append(lambda)
            let fit = LogisticRegression.fit(x, labels: labels, lambda: lambda)
            let nb = NaiveBayesModel.fit(encodedTrain, labels: labels, smoothing: options.smoothing)
            for (i, r) in test.enumerated() {
                logistic[r] = fit.probability(xTest, row: i)
                naiveBayes[r] = nb.probability(encodedTest, row: i)
            }
        }
        return CrossValidation(folds: folds, logistic: logistic, naiveBayes: naiveBayes, lambdas: lambdas,
                               reports: .init(logistic: MetricsReport(probabilities: logistic, labels: set.labels),
                                              naiveBayes: MetricsReport(probabilities: naiveBayes, labels: set.labels)))
    }

    /// The λ of the final fit: `--l2` if given, else the grid's best by out-of-fold log loss over the
    /// cross-validation's folds (encoded on all rows).
    public static func finalLambda(_ set: TrainingSet, options: TrainingOptions, crossValidation cv: CrossValidation) -> Double {
        if let lambda = options.lambda { return lambda }
        let all = Array(0..<set.rows)
        let x = FeatureEncoder.design(FeatureEncoder.encode(set, rows: all, columns: FeatureEncoder.fit(set, rows: all, options: options)))
        return LogisticRegression.chooseLambda(x, labels: set.labels, grid: options.lambdaGrid, folds: cv.folds,
                                               foldCount: options.folds).lambda
    }

    /// The final models, fitted on every row: the encoding, the design matrix and both learners.
    public struct FinalFit: Sendable {
        public var columns: [FeatureColumn]
        public var encoded: EncodedRows
        public var design: SparseRows
        public var logistic: LogisticFit
        public var naiveBayes: NaiveBayesModel
    }

    /// Encodes every row and fits both learners on them.
    public static func fitModels(_ set: TrainingSet, options: TrainingOptions, lambda: Double) -> FinalFit {
        let all = Array(0..<set.rows)
        let columns = FeatureEncoder.fit(set, rows: all, options: options)
        let encoded = FeatureEncoder.encode(set, rows: all, columns: columns)
        let x = FeatureEncoder.design(encoded)
        return FinalFit(columns: columns, encoded: encoded, design: x,
                        logistic: LogisticRegression.fit(x, labels: set.labels, lambda: lambda),
                        naiveBayes: NaiveBayesModel.fit(encoded, labels: set.labels, smoothing: options.smoothing))
    }

    /// Both learners fitted on every row, the leakage guard run, and everything recorded in the artifact.
    public static func fitFinal(_ set: TrainingSet, options: TrainingOptions, crossValidation cv: CrossValidation,
                                lambda: Double) -> TrainedModel {
        assemble(set, options: options, crossValidation: cv, final: fitModels(set, options: options, lambda: lambda))
    }

    /// The artifact: final models, their in-sample metrics, the cross-validated ones, the leakage guard's warnings.
    public static func assemble(_ set: TrainingSet, options: TrainingOptions, crossValidation cv: CrossValidation,
                                final: FinalFit) -> TrainedModel {
        let (columns, encoded, x, fit, nb) = (final.columns, final.encoded, final.design, final.logistic, final.naiveBayes)
        let lambda = fit.lambda
        var means = [Double](repeating: 0, count: x.width)
        for k in 0..<x.indices.count { means[Int(x.indices[k])] += x.values[k] }
        for j in means.indices { means[j] /= Double(max(set.rows, 1)) }
        let names = columns.flatMap(\.featureNames)
        let coefficients = (0..<x.width).map { TrainedModel.Coefficient(feature: names[$0], weight: fit.weights[$0], mean: means[$0]) }

        let inSample = TrainedModel.ModelReports(
            logistic: MetricsReport(probabilities: (0..<set.rows).map { fit.probability(x, row: $0) }, labels: set.labels),
            naiveBayes: MetricsReport(probabilities: (0..<set.rows).map { nb.probability(encoded, row: $0) }, labels: set.labels))
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
            crossValidation: .init(folds: options.folds, seed: options.seed, lambdas: cv.lambdas, reports: cv.reports),
            fitOnAllRows: inSample,
            warnings: LeakageGuard.check(set, encoded: encoded),
            options: options)
    }

    /// Cross-validation, then the final fit.
    public static func train(_ set: TrainingSet, options: TrainingOptions) -> (model: TrainedModel, crossValidation: CrossValidation) {
        let cv = crossValidate(set, options: options)
        let lambda = finalLambda(set, options: options, crossValidation: cv)
        return (fitFinal(set, options: options, crossValidation: cv, lambda: lambda), cv)
    }
}
