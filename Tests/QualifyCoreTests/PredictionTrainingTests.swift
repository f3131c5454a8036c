import Foundation
import QualifyCore
import Testing

/// The whole training pipeline on synthetic leads: determinism, model choice, leakage guard, scoring factors.
@Suite struct PredictionTrainingTests {
    typealias F = PredictionFixtures
    static let options = TrainingOptions(target: "Won", folds: 4, seed: 11)

    @Test func theSameDataAndSeedGiveTheSameArtifactByteForByte() throws {
        let set = try F.prepared(F.leads(), Self.options)
        let a = Trainer.train(set, options: Self.options).model
        let b = Trainer.train(try F.prepared(F.leads(), Self.options), options: Self.options).model
        #expect(a == b)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(a) == encoder.encode(b))
        #expect(a.format == "qualify-model/2")
    }

    @Test func anotherSeedGivesOtherFolds() throws {
        let set = try F.prepared(F.leads(), Self.options)
        var other = Self.options
        other.seed = 12
        #expect(Trainer.crossValidate(set, options: Self.options).folds != Trainer.crossValidate(set, options: other).folds)
    }

    @Test func theArtifactRecordsDataFeaturesMetricsAndChoice() throws {
        let set = try F.prepared(F.leads(), Self.options)
        let (model, cv) = Trainer.train(set, options: Self.options)
        #expect(model.data.rows == 400)
        #expect(model.data.positives == set.positives)
        #expect(model.data.columnsUsed == ["Source", "Visits", "Minutes"])
        #expect(model.features.map(\.column) == ["Source", "Visits", "Minutes"])
        #expect(model.logistic.coefficients.count == model.features.reduce(0) { $0 + $1.featureCount })
        #expect(model.crossValidation.lambdas.count == 4)
        #expect(model.crossValidation.reports.logistic.rows == 400)
        // The outcome was drawn from a logistic model of source and minutes: both learners rank well, out of fold.
        #expect(model.crossValidation.reports.logistic.rocAUC > 0.7, "\(model.crossValidation.reports.logistic.rocAUC)")
        #expect(model.crossValidation.reports.naiveBayes.rocAUC > 0.7, "\(model.crossValidation.reports.naiveBayes.rocAUC)")
        #expect(model.model == cv.chosen)
        #expect(model.crossValidation.perFold?.map(\.learner) == [.logistic, .naiveBayes, .boostedTrees])
        #expect(model.crossValidation.perFold?.allSatisfy { $0.rocAUC.count == 4 && $0.logLoss.count == 4 } == true)
        #expect(model.crossValidation.reports.boostedTrees?.rows == 400)
        #expect(model.crossValidation.choice == cv.decision.reason)
        // Drawn from a logistic model: the additive learner is within the noise of any other, and simplest.
        #expect(model.model == .logistic, "\(cv.decision.reason)")
        #expect(model.boostedTrees == nil)  // fitted on all rows only when chosen
        #expect(model.warnings.isEmpty)
        #expect(model.logistic.converged)
    }

    @Test func aColumnThatRecordsTheOutcomeTripsTheLeakageGuard() throws {
        // "Stage Note" says "signed" for 97 % of won leads and almost never otherwise.
        let table = F.leads(extra: { _, won, rng in [won ? (rng.unit() < 0.97 ? "signed" : "open") : (rng.unit() < 0.01 ? "signed" : "open")] },
                            extraHeaders: ["Stage Note"])
        let set = try F.prepared(table, Self.options)
        let model = Trainer.train(set, options: Self.options).model
        let warning = try #require(model.warnings.first { $0.column == "Stage Note" && $0.auc != nil })
        #expect(warning.auc! >= 0.95)
        #expect(warning.description.contains("--exclude 'Stage Note'"))
        #expect(!model.warnings.contains { $0.column == "Source" || $0.column == "Minutes" })
    }

    @Test func aNearlyPureCommonCategoryTripsTheLeakageGuard() throws {
        // "Closed by sales" on 10 % of rows, every one of them won; the column as a whole is not separating.
        let table = F.leads(extra: { i, won, _ in [i % 10 == 0 ? "Closed by sales" : "x\(i % 4)"] }, extraHeaders: ["Status"])
        var fixed = table
        for r in fixed.rows.indices where r % 10 == 0 { fixed.rows[r][5] = "yes" }
        let set = try F.prepared(fixed, Self.options)
        let warnings = LeakageGuard.check(set, encoded: FeatureEncoder.encode(set, rows: Array(0..<set.rows),
            columns: FeatureEncoder.fit(set, rows: Array(0..<set.rows), options: Self.options)))
        let warning = try #require(warnings.first { $0.column == "Status" && $0.value != nil })
        #expect(warning.value == "Closed by sales")
        #expect(warning.positiveRate == 1)
        #expect(abs(warning.share! - 0.1) < 1e-12)
        #expect(warning.description.contains("'Status' = 'Closed by sales' covers 10.0 % of rows and 100.0 % have target 1"))
    }

    @Test func naiveBayesLogRatiosAreSmoothedFrequencies() throws {
        // Column c: "a" in 3 of 4 positives and 1 of 4 negatives; 2 levels, α = 1:
        // log((3+1)/(4+2)) − log((1+1)/(4+2)) = log 2.
        let table = TrainingTable(headers: ["c", "won"], rows: [
            ["a", "1"], ["a", "1"], ["a", "1"], ["b", "1"], ["a", "0"], ["b", "0"], ["b", "0"], ["b", "0"],
        ])
        let options = TrainingOptions(target: "won", folds: 2, minCategoryRows: 1, minCategoryShare: 0)
        let set = try F.prepared(table, options)
        let columns = FeatureEncoder.fit(set, rows: Array(0..<8), options: options)
        let nb = NaiveBayesModel.fit(FeatureEncoder.encode(set, rows: Array(0..<8), columns: columns), labels: set.labels, smoothing: 1)
        #expect(columns[0].categorical?.categories == ["a", "b"])
        #expect(abs(nb.logRatios[0][0] - 0.6931471805599453) < 1e-12)
        #expect(abs(nb.logRatios[0][1] + 0.6931471805599453) < 1e-12)
        #expect(nb.priorLogOdds == 0)
    }

    /// The trained model, set to score with `choice` (the trees fitted on all rows when they were not chosen).
    static func model(_ set: TrainingSet, choice: ModelChoice) -> TrainedModel {
        var model = Trainer.train(set, options: options).model
        model.model = choice
        if choice == .boostedTrees && model.boostedTrees == nil {
            model.boostedTrees = Trainer.fitModels(set, options: options, lambda: model.logistic.lambda, boosted: true).boostedTrees
        }
        return model
    }

    @Test(arguments: ModelChoice.allCases)
    func scoringExplainsTheProbabilityByColumn(choice: ModelChoice) throws {
        let set = try F.prepared(F.leads(), Self.options)
        let model = Self.model(set, choice: choice)
        let headers = ["Won", "Minutes", "Source", "Visits", "Lead ID"]  // another order, and the target is ignored
        let scorer = try Scorer(model, headers: headers)
        let row = scorer.score(["", "29", "partner", "", "L9"])
        #expect(row.probability > 0.5)
        #expect(row.up.first?.column == "Minutes")
        #expect(row.up.first?.value == "29")
        #expect(row.up.map(\.contribution) == row.up.map(\.contribution).sorted(by: >))
        #expect(row.down.allSatisfy { $0.contribution < 0 })
        // Every column's push plus the base is the log-odds (all three columns appear: none is exactly zero here).
        let all = row.up + row.down
        let base = switch choice {
        case .logistic: model.logistic.intercept + model.logistic.coefficients.reduce(0) { $0 + $1.weight * $1.mean }
        case .naiveBayes: model.naiveBayes.priorLogOdds
        case .boostedTrees: model.boostedTrees!.expectedLogOdds
        }
        if all.count == 3 {
            let logit = base + all.reduce(0) { $0 + $1.contribution }
            #expect(abs(1 / (1 + F.exp(-logit)) - row.probability) < 1e-9)
        }
        #expect(scorer.identifierPositions(headers: headers).map(\.position) == [4])
    }

    @Test(arguments: ModelChoice.allCases)
    func scoringTheTrainingRowsReproducesTheFinalFit(choice: ModelChoice) throws {
        let table = F.leads()
        let set = try F.prepared(table, Self.options)
        let model = Self.model(set, choice: choice)
        let final = Trainer.fitModels(set, options: Self.options, lambda: model.logistic.lambda, boosted: true)
        #expect(model.crossValidation.lambdas.count == 4)
        let scorer = try Scorer(model, headers: table.headers)
        let missingSeen = final.columns.map { $0.numeric?.missingIndicator ?? false }
        for r in stride(from: 0, to: set.rows, by: 37) {
            let expected = switch choice {
            case .logistic: final.logistic.probability(final.design, row: r)
            case .naiveBayes: final.naiveBayes.probability(final.encoded, row: r)
            case .boostedTrees: final.boostedTrees!.probability(TreeRow.make(set, row: r, encoded: final.encoded, index: r, missingSeen: missingSeen))
            }
            #expect(abs(scorer.score(table.rows[r]).probability - expected) < 1e-12, "row \(r)")
            let quick = scorer.score(table.rows[r], explain: false)
            #expect(abs(quick.probability - expected) < 1e-12, "row \(r) without factors")
        }
    }

    @Test(arguments: ModelChoice.allCases)
    func aValueTheModelNeverSawIsNeutralAndSaysSo(choice: ModelChoice) throws {
        let set = try F.prepared(F.leads(), Self.options)
        let model = Self.model(set, choice: choice)
        let scorer = try Scorer(model, headers: ["Source", "Visits", "Minutes"])
        let plain = scorer.score(["web", "3", "10"])
        // "trade fair" was never seen (neither kept nor pooled): Source moves nothing, and a note says why.
        let unseen = scorer.score(["trade fair", "3", "10"])
        #expect(!(unseen.up + unseen.down).contains { $0.column == "Source" })
        #expect(unseen.notes == ["Source 'trade fair' was never seen in training: neutral"])
        #expect(unseen.probability != plain.probability)
        // A rare value seen in training is "other", not neutral.
        let pooled = try #require(model.features[0].categorical?.pooledValues?.first)
        let rare = scorer.score([pooled.uppercased(), "3", "10"])
        #expect(rare.notes.isEmpty)
        #expect((rare.up + rare.down).contains { $0.column == "Source" && $0.value == pooled.uppercased() + " (other)" } || choice == .boostedTrees)
        // Case and spacing do not matter.
        #expect(scorer.score(["  Partner ", "3", "10"]).probability == scorer.score(["partner", "3", "10"]).probability)
        // Minutes was never missing in training: a missing value is neutral, not evidence (naive Bayes' smoothing
        // made it evidence before).
        let missing = scorer.score(["web", "3", ""])
        #expect(!(missing.up + missing.down).contains { $0.column == "Minutes" })
        #expect(missing.notes == ["Minutes is missing, which training never saw: neutral"])
        // Visits was missing in 10 % of training rows: missing is a level like any other.
        #expect(scorer.score(["web", "", "10"]).notes.isEmpty)
        let text = scorer.score(["web", "many", "10"])
        #expect(text.unreadable == ["Visits"])
    }

    @Test(arguments: ModelChoice.allCases)
    func numbersOutsideTheTrainingRangeScoreAsItsEnds(choice: ModelChoice) throws {
        let set = try F.prepared(F.leads(), Self.options)
        let model = Self.model(set, choice: choice)
        let scorer = try Scorer(model, headers: ["Source", "Visits", "Minutes"])
        let top = scorer.score(["web", "3", "30"])
        let huge = scorer.score(["web", "3", "1e9"])
        #expect(huge.probability == top.probability)
        #expect(huge.notes == ["Minutes 1e9 is above the training range (max 30): scored as 30"])
        let below = scorer.score(["web", "3", "-500"])
        #expect(below.probability == scorer.score(["web", "3", "0"]).probability)
        #expect(below.notes.first?.contains("below the training range (min 0)") == true)
        // Factors stay in proportion: nothing like the −48,390,357 an unclamped 1e9 gave.
        #expect((huge.up + huge.down).allSatisfy { abs($0.contribution) < 20 })
    }

    @Test func factorsThatRoundToZeroAreLeftOut() throws {
        let set = try F.prepared(F.leads(), Self.options)
        let model = Trainer.train(set, options: Self.options).model
        let scorer = try Scorer(model, headers: ["Source", "Visits", "Minutes"])
        for cells in [["web", "3", "10"], ["partner", "", "29"], ["event", "7", "0"]] {
            let row = scorer.score(cells)
            #expect((row.up + row.down).allSatisfy { abs($0.contribution) >= 0.005 })
            #expect(!(row.up + row.down).contains { $0.description.contains("(+0.00)") || $0.description.contains("(-0.00)") })
        }
    }

    @Test func aModelOfTheFirstFormatStillScoresAndDamagedTreesAreRefused() throws {
        let set = try F.prepared(F.leads(), Self.options)
        var model = Self.model(set, choice: .boostedTrees)
        let headers = ["Source", "Visits", "Minutes"]
        let now = try Scorer(model, headers: headers).score(["web", "3", "10"]).probability
        model.format = "qualify-model/1"
        #expect(try Scorer(model, headers: headers).score(["web", "3", "10"]).probability == now)
        model.format = "qualify-model/9"
        #expect(throws: ScoringError.unsupportedFormat("qualify-model/9")) { try Scorer(model, headers: headers) }
        model.format = TrainedModel.currentFormat
        model.boostedTrees!.trees[3].left[0] = 0
        #expect { try Scorer(model, headers: headers) } throws: { "\($0)".contains("the model's boosted trees are damaged: tree 4, node 0") }
    }

    @Test func aFileWithoutTheModelsColumnsCannotBeScored() throws {
        let set = try F.prepared(F.leads(), Self.options)
        let model = Trainer.train(set, options: Self.options).model
        #expect(throws: ScoringError.missingColumns(["Visits", "Minutes"], headers: ["Source", "Email"])) {
            try Scorer(model, headers: ["Source", "Email"])
        }
    }
}

/// Which learner is chosen, and the warnings that keep a model honest.
@Suite struct LearnerChoiceTests {
    typealias F = PredictionFixtures

    static func scores(_ learner: ModelChoice, auc: [Double], loss: [Double]) -> FoldScores {
        FoldScores(learner: learner, rocAUC: auc, logLoss: loss)
    }

    @Test func theSimplestLearnerWithinTheFoldNoiseOfTheBestIsChosen() {
        // Naive Bayes ranks a hair better on average, but not beyond the folds' noise, and its log loss and
        // calibration are worse: logistic regression (the near-chance case of issue 19).
        let pick = LearnerChoice.choose([
            Self.scores(.logistic, auc: [0.54, 0.53, 0.55, 0.54, 0.52], loss: [0.690, 0.691, 0.689, 0.690, 0.692]),
            Self.scores(.naiveBayes, auc: [0.55, 0.52, 0.56, 0.545, 0.53], loss: [0.72, 0.73, 0.71, 0.72, 0.74]),
            Self.scores(.boostedTrees, auc: [0.53, 0.52, 0.54, 0.53, 0.51], loss: [0.70, 0.70, 0.70, 0.70, 0.71]),
        ], ece: [.logistic: 0.006, .naiveBayes: 0.075, .boostedTrees: 0.03])
        #expect(pick.learner == .logistic)
        #expect(pick.reason.contains("the simplest within the folds' noise of the best"))
    }

    @Test func aLearnerAheadInEveryFoldIsChosenOverSimplerOnes() {
        let pick = LearnerChoice.choose([
            Self.scores(.logistic, auc: [0.776, 0.770, 0.781, 0.774, 0.779], loss: [0.45, 0.46, 0.44, 0.45, 0.45]),
            Self.scores(.naiveBayes, auc: [0.760, 0.751, 0.768, 0.759, 0.761], loss: [0.50, 0.51, 0.49, 0.50, 0.50]),
            Self.scores(.boostedTrees, auc: [0.801, 0.793, 0.808, 0.799, 0.803], loss: [0.42, 0.43, 0.41, 0.42, 0.42]),
        ], ece: [.logistic: 0.01, .naiveBayes: 0.06, .boostedTrees: 0.012])
        #expect(pick.learner == .boostedTrees)
        #expect(pick.reason.hasPrefix("best ROC AUC and log loss; each simpler learner falls outside the folds' noise (logistic: ROC AUC short by 0.0248 ± "), "\(pick.reason)")
        #expect(pick.reason.contains("naive Bayes: ROC AUC short by") && pick.reason.contains("ECE 0.0600 against the best 0.0100"), "\(pick.reason)")
    }

    @Test func aBetterRankingButBadlyCalibratedLearnerIsNotChosenOnAUCAlone() {
        let pick = LearnerChoice.choose([
            Self.scores(.logistic, auc: [0.80, 0.81, 0.79, 0.80, 0.80], loss: [0.45, 0.45, 0.45, 0.45, 0.45]),
            Self.scores(.naiveBayes, auc: [0.82, 0.83, 0.81, 0.82, 0.82], loss: [0.60, 0.61, 0.59, 0.60, 0.60]),
        ], ece: [.logistic: 0.01, .naiveBayes: 0.09])
        #expect(pick.learner == .logistic)
        #expect(pick.reason.contains("no learner is within the noise of the best on ranking, log loss and calibration at once"))
    }

    @Test func boostingIsChosenWhereTheOutcomeHangsOnAnInteraction() throws {
        let options = TrainingOptions(target: "y", folds: 4)
        let set = try F.prepared(BoostedTreesTests.interactionData(rows: 1500, seed: 5), options)
        let (model, cv) = Trainer.train(set, options: options)
        #expect(model.model == .boostedTrees, "\(cv.decision.reason)")
        #expect(model.boostedTrees != nil)
        #expect(model.fitOnAllRows.boostedTrees != nil)
        #expect(model.chosenReport.rocAUC > cv.reports.logistic.rocAUC + 0.1)
        // The card's factors: SHAP values that add up to the score.
        let scorer = try Scorer(model, headers: ["x0", "x1", "kind"])
        let row = scorer.score(["90", "10", "b"])
        #expect(row.probability > 0.6)
        #expect(row.up.contains { $0.column == "x0" } || row.up.contains { $0.column == "x1" })
    }

    @Test func aColumnKnownOnlyAfterTheOutcomeIsNamedWithTheModelsAUCWithAndWithoutIt() throws {
        // "Call Seconds": long calls for won leads — it alone reaches ~0.85, short of the 0.95 guard.
        let table = F.leads(rows: 600, extra: { _, won, rng in ["\(Int(rng.unit() * 300 + (won ? 160 : 0)))"] },
                            extraHeaders: ["Call Seconds"])
        let options = TrainingOptions(target: "Won", folds: 4, seed: 11)
        let set = try F.prepared(table, options)
        let model = Trainer.train(set, options: options).model
        let warning = try #require(model.warnings.first { $0.column == "Call Seconds" }, "\(model.warnings)")
        let auc = try #require(warning.auc), with = try #require(warning.modelAUC), without = try #require(warning.withoutAUC)
        #expect(auc >= 0.80 && auc < 0.95)
        #expect(with > without + 0.03, "with \(with), without \(without)")
        #expect(warning.description.contains("'Call Seconds' alone predicts the outcome with ROC AUC"))
        #expect(warning.description.contains("--exclude 'Call Seconds'"))
        #expect(!model.warnings.contains { $0.column == "Source" || $0.column == "Minutes" })
    }
}
