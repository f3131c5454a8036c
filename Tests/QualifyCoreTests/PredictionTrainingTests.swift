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
        #expect(a.format == "qualify-model/1")
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
        let better = cv.reports.naiveBayes.rocAUC > cv.reports.logistic.rocAUC ? ModelChoice.naiveBayes : .logistic
        #expect(model.model == better)
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

    @Test(arguments: ModelChoice.allCases)
    func scoringExplainsTheProbabilityByColumn(choice: ModelChoice) throws {
        let set = try F.prepared(F.leads(), Self.options)
        var model = Trainer.train(set, options: Self.options).model
        model.model = choice
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
        let base = choice == .logistic
            ? model.logistic.intercept + model.logistic.coefficients.reduce(0) { $0 + $1.weight * $1.mean }
            : model.naiveBayes.priorLogOdds
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
        let (trained, cv) = Trainer.train(set, options: Self.options)
        let final = Trainer.fitModels(set, options: Self.options, lambda: trained.logistic.lambda)
        var model = trained
        model.model = choice
        #expect(cv.lambdas.count == 4)
        let scorer = try Scorer(model, headers: table.headers)
        for r in stride(from: 0, to: set.rows, by: 37) {
            let expected = choice == .logistic ? final.logistic.probability(final.design, row: r)
                                               : final.naiveBayes.probability(final.encoded, row: r)
            #expect(abs(scorer.score(table.rows[r]).probability - expected) < 1e-12, "row \(r)")
        }
    }

    @Test func anUnseenCategoryScoresAsOtherAndAMissingNumberAsMissing() throws {
        let set = try F.prepared(F.leads(), Self.options)
        let model = Trainer.train(set, options: Self.options).model
        let scorer = try Scorer(model, headers: ["Source", "Visits", "Minutes"])
        let row = scorer.score(["trade fair", "many", "10"])
        #expect(row.unreadable == ["Visits"])
        #expect((row.up + row.down).contains { $0.column == "Source" && $0.value == "trade fair (other)" } ||
                !(row.up + row.down).contains { $0.column == "Source" })
    }

    @Test func aFileWithoutTheModelsColumnsCannotBeScored() throws {
        let set = try F.prepared(F.leads(), Self.options)
        let model = Trainer.train(set, options: Self.options).model
        #expect(throws: ScoringError.missingColumns(["Visits", "Minutes"], headers: ["Source", "Email"])) {
            try Scorer(model, headers: ["Source", "Email"])
        }
    }
}
