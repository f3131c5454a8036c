import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score leads with a model from `qualify train`: probability and the top 3 factors up and down.",
        discussion: """
            Output (CSV): line, the identifier columns the model saw (e.g. Prospect ID), probability, up_1…up_3 and \
            down_1…down_3 as "Column=value (+0.84)" — the column's push in log-odds, pushes under 0.005 left out — and \
            notes. Logistic regression: the weights of the column's features times their distance from the training \
            mean (for a number, coefficient × standardized value). Naive Bayes: log P(value | 1) / P(value | 0). Boosted \
            trees: the column's SHAP value (TreeSHAP). The file needs every column the model uses (a target column is \
            not needed). Categories match in any case and spacing; a rare one training pooled counts as "other"; one \
            never seen in training, or a missing value where training had none, is neutral (it moves nothing) and \
            noted; a number outside the training range is scored as the nearest end of it, and noted. Bad rows are \
            reported by line.
            """)

    @Option(help: ArgumentHelp("The model file written by `qualify train`.", valueName: "model.json")) var model: String?
    @Option(help: ArgumentHelp("The CSV file of leads to score.", valueName: "file.csv")) var data: String?
    @Option(help: ArgumentHelp("Install this model for the database: lead cards (`qualify lead`, the API) then show each lead's chance, its top factors and where the signals disagree.", valueName: "model.json"))
    var install: String?
    @Flag(help: "Remove the installed model.") var uninstall = false
    @OptionGroup var db: DatabaseOptions
    @Option(help: ArgumentHelp("Write the scores here instead of standard output.", valueName: "scored.csv")) var out: String?

    func validate() throws {
        if install != nil || uninstall {
            guard model == nil, data == nil, !(install != nil && uninstall) else {
                throw ValidationError("--install and --uninstall go alone (not with --model or --data, nor together)")
            }
        } else if model == nil || data == nil {
            throw ValidationError("give --model and --data to score a file (or --install FILE to use a model on lead cards)")
        }
    }

    func run() throws {
        if let install {
            let installed: TrainedModel
            do { installed = try InstalledPrediction.install(install, forDatabase: db.location) } catch { throw Failure("cannot install '\(install)': \(error)") }
            print("installed \(installed.model.label) (cross-validated \(installed.chosenAUCText)) as \(InstalledPrediction.path(forDatabase: db.location)): lead cards now show each lead's chance")
            return
        }
        if uninstall {
            let removed = try InstalledPrediction.uninstall(forDatabase: db.location)
            print(removed ? "removed the installed prediction model" : "no prediction model was installed")
            return
        }
        let (model, data) = (self.model!, self.data!)
        let trained: TrainedModel
        do { trained = try TrainingData.loadModel(path: model) } catch { throw Failure("\(error)") }
        var handle = FileHandle.standardOutput
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil), let h = FileHandle(forWritingAtPath: out) else {
                throw Failure("cannot write to '\(out)' (check the directory exists and is writable)")
            }
            handle = h
        }
        let report: ModelScoring.Report
        do {
            report = try ModelScoring(model: trained).run(path: data) { handle.write(Data($0.utf8)) }
        } catch {
            throw Failure("\(error)")
        }
        if out != nil { try? handle.close() }
        try reportRejects(report.rejected, file: data, rejectsPath: nil)
        for (column, count) in report.unreadable.sorted(by: { $0.key < $1.key }) {
            printError("warning: \(count) value\(count == 1 ? "" : "s") of numeric column '\(column)' \(count == 1 ? "is" : "are") not a number; read as missing")
        }
        printError("\(data): \(report.scored) rows scored with \(trained.model.label)\(report.rejected.isEmpty ? "" : ", \(report.rejected.count) rejected")\(out.map { " → \($0)" } ?? "")")
        if report.scored == 0 && !report.rejected.isEmpty { throw ExitCode(1) }
    }
}
