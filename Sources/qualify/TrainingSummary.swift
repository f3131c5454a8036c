import QualifyApp
import QualifyCore

/// The text `qualify train` prints: data, features, exclusions, metrics, chosen model, timings.
struct TrainingSummary {
    var model: TrainedModel
    var file: String
    var timings: TrainingData.Timings
    /// nil when the model was not saved.
    var out: String?
    var foldsOut: String?

    var text: String {
        let m = model
        var lines: [String] = []
        let negatives = m.data.rows - m.data.positives
        lines.append("\(file): \(m.data.rows) rows — \(m.data.positives) with \(m.target.column) = 1 (\(m.target.positiveValues.joined(separator: "/"))), \(negatives) with 0 (\(m.target.negativeValues.joined(separator: "/")))\(m.data.rejectedRows > 0 ? ", \(m.data.rejectedRows) rows left out" : "")")
        lines.append("")
        lines.append("features from \(m.features.count) columns (\(m.logistic.coefficients.count) logistic features):")
        for f in m.features {
            if let c = f.categorical {
                lines.append("  \(f.column): categorical, \(c.categories.count) categor\(c.categories.count == 1 ? "y" : "ies")\(c.pooled ? " + other" : "")")
            } else if let n = f.numeric {
                lines.append("  \(f.column): numeric, mean \(n.mean.formatted(2)), std \(n.std.formatted(2)), \(n.binEdges.count + 1) bins\(n.missingIndicator ? ", missing indicator" : "")")
            }
        }
        if !m.data.excluded.isEmpty {
            lines.append("excluded:")
            for e in m.data.excluded { lines.append("  \(e.column): \(e.reason.explanation)") }
        }
        lines.append("")
        let cv = m.crossValidation
        lines.append("cross-validated (\(cv.folds) stratified folds, seed \(cv.seed), the same folds for every learner; per fold: mean ± sd):")
        let learners = ModelChoice.allCases.compactMap { kind in cv.reports[kind].map { (kind, $0) } }
        let rows = learners.map { kind, r -> [String] in
            let folds = cv.perFold?.first { $0.learner == kind }
            return [kind.shortLabel + (kind == m.model ? "  ← chosen" : ""),
                    folds.map { "\($0.aucMean.formatted(4)) ± \($0.aucSD.formatted(4))" } ?? r.rocAUC.formatted(4),
                    r.averagePrecision.formatted(4),
                    folds.map { "\($0.logLossMean.formatted(4)) ± \($0.logLossSD.formatted(4))" } ?? r.logLoss.formatted(4),
                    r.brier.formatted(4), r.expectedCalibrationError.formatted(4)]
        }
        lines.append(indent(table(header: ["MODEL", "ROC AUC", "PR AUC", "LOG LOSS", "BRIER", "ECE"], rows: rows)))
        for folds in cv.perFold ?? [] {
            lines.append("  ROC AUC by fold, \(folds.learner.shortLabel): \(folds.rocAUC.map { $0.formatted(4) }.joined(separator: ", "))")
        }
        if let choice = cv.choice { lines.append("  chosen: \(m.model.label) — \(choice)") }
        let lambdas = cv.lambdas.map { Self.number($0) }.joined(separator: ", ")
        lines.append("  logistic λ per fold: \(lambdas); final λ = \(Self.number(m.logistic.lambda)) (\(m.logistic.iterations) Newton steps\(m.logistic.converged ? "" : ", NOT converged"))")
        if let trees = m.boostedTrees {
            let o = trees.options
            lines.append("  boosted trees: \(trees.trees.count) trees of at most \(o.maxLeaves) leaves, learning rate \(Self.number(o.learningRate)), at least \(o.minLeafRows) rows per leaf, \(o.maxBins) bins")
        }
        let chosen = m.chosenReport
        lines.append("")
        lines.append("calibration of \(m.model.label), out-of-fold (ECE \(chosen.expectedCalibrationError.formatted(4))):")
        lines.append(indent(table(header: ["PREDICTED", "ROWS", "MEAN PREDICTED", "OBSERVED"], rows: chosen.calibration.map { b in
            ["\(b.lower.formatted(1))–\(b.upper.formatted(1))", "\(b.rows)", b.meanPredicted.map { $0.formatted(3) } ?? "", b.observedRate.map { $0.formatted(3) } ?? ""]
        })))
        lines.append("")
        lines.append("gain and lift by decile of \(m.model.label), out-of-fold:")
        lines.append(indent(table(header: ["DECILE", "ROWS", "CONVERTED", "RATE", "CUM. GAIN", "LIFT", "CUM. LIFT"], rows: chosen.gain.map { g in
            ["\(g.decile)", "\(g.rows)", "\(g.positives)", g.rate.formatted(3), "\((g.cumulativeGain * 100).formatted(1)) %", g.lift.formatted(2), g.cumulativeLift.formatted(2)]
        })))
        let fit = m.fitOnAllRows[m.model] ?? m.fitOnAllRows.logistic
        lines.append("")
        lines.append("final \(m.model.label) on all \(m.data.rows) rows (in-sample, optimistic): ROC AUC \(fit.rocAUC.formatted(4)), PR AUC \(fit.averagePrecision.formatted(4)), log loss \(fit.logLoss.formatted(4)), Brier \(fit.brier.formatted(4))")
        let t = timings
        lines.append("time: read \(Self.seconds(t.read)), prepare \(Self.seconds(t.prepare)), cross-validation "
                     + "\(Self.seconds(t.crossValidation)), λ choice \(Self.seconds(t.lambdaChoice)), final fit "
                     + "\(Self.seconds(t.finalFit)) (\(m.boostedTrees == nil ? "logistic and naive Bayes" : "all three learners")), "
            + "metrics and checks \(Self.seconds(t.report))")
        if let out { lines.append("model written to \(out)\(foldsOut.map { "; folds to \($0)" } ?? "")") }
        return lines.joined(separator: "\n")
    }

    func indent(_ text: String) -> String { text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") }

    static func number(_ x: Double) -> String { x == x.rounded() ? "\(Int(x))" : "\(x)" }

    static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        return (Double(s) + Double(atto) * 1e-18).formatted(3) + " s"
    }
}
