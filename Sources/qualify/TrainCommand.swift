import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn from past leads how likely a lead is to convert; write a model file for `qualify predict`.",
        discussion: """
            The target column says what happened: 1, true, yes, y, won, win or converted mean 1; 0, false, no, n, lost, \
            lose, not converted or unconverted mean 0 (any case). Rows with another target value are left out and listed.

            Features come from the other columns. Categorical (matched in any case and spacing: May = may): one \
            level per category seen in at least 10 rows and 1 % of rows; rarer ones share an "other" level; an empty \
            cell is a category of its own. Numeric (every present value a number): standardized, plus a missing \
            indicator and decile bins, so the logistic model can follow a curve. Left out: identifier columns (a \
            different value on every row), columns with one value, --exclude'd columns, and, when present, the X \
            Education columns filled in after the outcome (\(TrainingOptions.defaultLeakageColumns.joined(separator: ", "))) \
            — bring one back with --keep.

            Three learners are compared on the same stratified folds: L2 logistic regression (Newton, λ chosen by inner \
            cross-validation), naive Bayes (Laplace-smoothed frequency tables, as Odoo CRM scores leads) and boosted \
            trees (gradient boosting on histograms, 100 trees of up to 31 leaves, LightGBM's defaults; their factors \
            are exact TreeSHAP values). Chosen: the simplest learner within the folds' noise of the best — its per-fold \
            shortfall in ROC AUC and in log loss at most two standard errors, its ECE within 0.02 of the best — and \
            fitted on all rows. Printed and saved: ROC AUC and log loss per fold (mean ± sd), PR AUC, Brier score, \
            calibration (10 bins, ECE) and gain/lift by decile. --monotone COLUMN=increasing keeps the trees' score from \
            falling as that column rises (LightGBM's basic method; the logistic model's bins are not constrained).

            Warnings: a column that alone separates the classes (AUC ≥ 0.95, or a category of ≥ 5 % of rows that is \
            ≥ 99 % one class) is a likely leak; a column that alone reaches AUC 0.80 is named with the model's AUC with \
            and without it — a value known only after the outcome (a call's duration) must be excluded. When the chosen \
            model's AUC is below \(TrainedModel.nearChanceAUC.formatted(2)) the data barely predicts the outcome: the \
            model is saved only with --force (exit status 1 otherwise).
            """)

    @Option(help: ArgumentHelp("The CSV file of past leads with their outcome.", valueName: "file.csv")) var data: String?
    @Option(help: ArgumentHelp("The outcome column.", valueName: "column")) var target: String?
    @Flag(help: "Learn from the database's own decided leads (won or lost with `qualify stage EMAIL win|lose`): their fields, activity counts per event type, days since the last activity, fit points and engagement just before the outcome.")
    var fromStore = false
    @Option(help: ArgumentHelp("With --from-store: also keep the table trained on as this CSV file.", valueName: "table.csv"))
    var table: String?
    @OptionGroup var db: DatabaseOptions
    @Option(parsing: .singleValue, help: ArgumentHelp("Leave this column out. Repeatable.", valueName: "column"))
    var exclude: [String] = []
    @Option(parsing: .singleValue,
            help: ArgumentHelp("Use this column even though it is on the leakage list or looks like an identifier. Repeatable.", valueName: "column"))
    var keep: [String] = []
    @Option(help: "Folds of the stratified cross-validation.") var folds = 5
    @Option(help: "Seed of the fold assignment (same data and seed → the same model file).") var seed: UInt64 = 1
    @Option(name: .customLong("l2"), help: ArgumentHelp("A fixed L2 strength λ for logistic regression (λ = 1/C) instead of choosing it from 0.1, 1, 10, 100, 1000 by cross-validation.", valueName: "lambda"))
    var lambda: Double?
    @Option(help: ArgumentHelp("Where to write the model.", valueName: "model.json")) var out = "model.json"
    @Option(help: ArgumentHelp("Also write each row's line and cross-validation fold (1…k) to this CSV file.", valueName: "folds.csv"))
    var foldsOut: String?
    @Option(help: "text, or json (the model file's content).") var format: TrainOutput = .text
    @Flag(help: "Save the model even when it barely predicts the outcome (cross-validated ROC AUC below 0.6).")
    var force = false
    @Option(parsing: .singleValue,
            help: ArgumentHelp("A numeric column whose effect on the boosted trees may only rise (increasing) or only fall (decreasing) with its value. Repeatable.", valueName: "column=increasing|decreasing"))
    var monotone: [String] = []

    /// `--monotone` as column → +1 / −1.
    func monotoneDirections() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for text in monotone {
            guard let eq = text.lastIndex(of: "=") else {
                throw ValidationError("--monotone '\(text)': write COLUMN=increasing or COLUMN=decreasing")
            }
            let column = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
            switch text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces).lowercased() {
            case "increasing", "up", "+": out[column] = 1
            case "decreasing", "down", "-": out[column] = -1
            default: throw ValidationError("--monotone '\(text)': the direction after = is increasing or decreasing")
            }
        }
        return out
    }

    enum TrainOutput: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        if fromStore {
            guard data == nil, target == nil else { throw ValidationError("--from-store takes the data and the target (outcome) from the database; leave out --data and --target") }
        } else {
            guard data != nil, target != nil else { throw ValidationError("give --data FILE.csv and --target COLUMN, or --from-store") }
            guard table == nil else { throw ValidationError("--table goes with --from-store") }
        }
        if folds < 2 || folds > 50 { throw ValidationError("--folds must be between 2 and 50 (got \(folds))") }
        _ = try monotoneDirections()
        if let lambda, !(lambda > 0 && lambda.isFinite) { throw ValidationError("--l2 must be a positive number (got \(lambda))") }
        for column in keep where exclude.contains(column) {
            throw ValidationError("'\(column)' is given to both --keep and --exclude; choose one")
        }
    }

    func run() async throws {
        var data = self.data ?? ""
        var target = self.target ?? StoreTrainingExport.target
        if fromStore {
            let now = Timestamp.now()
            let store = try await db.open(now: now)
            let path = table ?? FileManager.default.temporaryDirectory.appendingPathComponent("qualify-train-\(UInt64.random(in: 0...UInt64.max)).csv").path
            let count = try await StoreTrainingExport.write(store: store, lists: try StoreOpener.lists(forDatabase: db.location), now: now, to: path)
            guard count > 0 else { throw Failure("no lead has an outcome yet: record won and lost deals with `qualify stage EMAIL win|lose --reason …`") }
            printError("\(count) decided leads from \(db.location)\(table.map { " (table: \($0))" } ?? "")")
            data = path
            target = StoreTrainingExport.target
        }
        defer { if fromStore && table == nil { try? FileManager.default.removeItem(atPath: data) } }
        var options = TrainingOptions(target: target, exclude: exclude, keep: keep, folds: folds, seed: seed, lambda: lambda)
        if !monotone.isEmpty { options.monotone = try monotoneDirections() }
        let run: TrainingData.Run
        do { run = try TrainingData.train(path: data, options: options) } catch {
            throw Failure("\(error)")
        }
        try reportRejects(run.rejected, file: data, rejectsPath: nil)
        let json = try TrainingData.encode(run.model)
        let save = !run.model.nearChance || force
        if save {
            do { try json.write(to: URL(fileURLWithPath: out)) } catch {
                throw Failure("cannot write the model to '\(out)': \(error.localizedDescription)")
            }
        }
        if let foldsOut {
            do { try TrainingData.foldsCSV(run.folds).write(toFile: foldsOut, atomically: true, encoding: .utf8) } catch {
                throw Failure("cannot write folds to '\(foldsOut)': \(error.localizedDescription)")
            }
        }
        switch format {
        case .json: if save { FileHandle.standardOutput.write(json) }  // a refused model is not printed either
        case .text: print(TrainingSummary(model: run.model, file: data, timings: run.timings, out: save ? out : nil, foldsOut: foldsOut).text)
        }
        fflush(nil)  // the summary first, then the warnings after it
        for warning in run.model.warnings { printError("warning: \(warning)") }
        if run.model.nearChance {
            let chance = "this data barely predicts the outcome: \(run.model.chosenAUCText) with \(run.model.model.shortLabel) (0.5 is a coin toss)"
            guard force else {
                throw Failure("\(chance); the model was not saved — add columns that carry signal (who the lead is, what they did), or save it anyway with --force")
            }
            printError("warning: \(chance); saved because of --force")
        }
    }
}
