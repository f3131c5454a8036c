import Foundation
import Testing

/// `qualify train` and `qualify predict` as a person runs them.
@Suite(.serialized) struct TrainingCommandLineTests {
    @Test func trainWritesAModelAndFoldsThenPredictScoresTheFile() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrainingTests.small.write(to: dir.appendingPathComponent("leads.csv"), atomically: true, encoding: .utf8)
        let train = try CLI.run(["train", "--data", "leads.csv", "--target", "Closed", "--folds", "3", "--seed", "4",
                                 "--out", "m.json", "--folds-out", "folds.csv"], in: dir)
        #expect(train.status == 0, "\(train.err)")
        #expect(train.out.contains("cross-validated (3 stratified folds, seed 4"))
        #expect(train.out.contains("← chosen"))
        #expect(train.out.contains("Email: identifier"))
        #expect(train.out.contains("gain and lift by decile"))
        let folds = try String(contentsOf: dir.appendingPathComponent("folds.csv"), encoding: .utf8)
        #expect(folds.hasPrefix("line,fold\n2,"))
        #expect(folds.split(separator: "\n").count == 121)

        let predict = try CLI.run(["predict", "--model", "m.json", "--data", "leads.csv", "--out", "scored.csv"], in: dir)
        #expect(predict.status == 0, "\(predict.err)")
        #expect(predict.err.contains("120 rows scored"))
        let scored = try String(contentsOf: dir.appendingPathComponent("scored.csv"), encoding: .utf8)
        #expect(scored.hasPrefix("line,Email,probability,up_1"))
        #expect(scored.split(separator: "\n").count == 121)
    }

    @Test func monotoneColumnsAreParsedAndCheckedAgainstTheFile() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrainingTests.small.write(to: dir.appendingPathComponent("leads.csv"), atomically: true, encoding: .utf8)
        let ok = try CLI.run(["train", "--data", "leads.csv", "--target", "Closed", "--folds", "3", "--monotone", "Minutes=increasing",
                              "--out", "m.json"], in: dir)
        #expect(ok.status == 0, "\(ok.err)")
        let model = try String(contentsOf: dir.appendingPathComponent("m.json"), encoding: .utf8)
        #expect(model.contains("\"monotone\""), "the option is recorded in the model file")
        let categorical = try CLI.run(["train", "--data", "leads.csv", "--target", "Closed", "--monotone", "Channel=increasing"], in: dir)
        #expect(categorical.status != 0 && categorical.err.contains("only a numeric column can rise or fall"), "\(categorical.err)")
        let direction = try CLI.run(["train", "--data", "leads.csv", "--target", "Closed", "--monotone", "Minutes=sideways"], in: dir)
        #expect(direction.status != 0 && direction.err.contains("increasing or decreasing"), "\(direction.err)")
    }

    @Test func anUnknownExcludedColumnFailsWithTheHeaders() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrainingTests.small.write(to: dir.appendingPathComponent("leads.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", "--data", "leads.csv", "--target", "Closed", "--exclude", "Tagz"], in: dir)
        #expect(r.status == 1)
        #expect(r.err.contains("--exclude names column 'Tagz', which is not in the header (columns: Email, Channel, Minutes, Closed)"))
    }

    /// Columns of noise and an outcome that follows none of them.
    static let noise: String = {
        var text = "Id;Colour;Size;Won\n"
        var state: UInt64 = 99
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for i in 0..<400 {
            text += "\(i);\(["red", "green", "blue"][next() % 3]);\(next() % 50);\(next() % 2 == 0 ? "yes" : "no")\n"
        }
        return text
    }()

    @Test func dataThatBarelyPredictsTheOutcomeIsSavedOnlyWithForce() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.noise.write(to: dir.appendingPathComponent("noise.csv"), atomically: true, encoding: .utf8)  // semicolons
        let refused = try CLI.run(["train", "--data", "noise.csv", "--target", "Won", "--out", "m.json"], in: dir)
        #expect(refused.status == 1)
        #expect(refused.err.contains("this data barely predicts the outcome: ROC AUC 0."), "\(refused.err)")
        #expect(refused.err.contains("over 5 folds"))
        #expect(refused.err.contains("save it anyway with --force"))
        #expect(refused.out.contains("ROC AUC by fold, logistic:"))
        #expect(!refused.out.contains("model written to"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.json").path))
        let forced = try CLI.run(["train", "--data", "noise.csv", "--target", "Won", "--out", "m.json", "--force"], in: dir)
        #expect(forced.status == 0, "\(forced.err)")
        #expect(forced.err.contains("saved because of --force"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.json").path))
    }
}
