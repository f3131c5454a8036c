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

    @Test func anUnknownExcludedColumnFailsWithTheHeaders() throws {
        let dir = try TrainingTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrainingTests.small.write(to: dir.appendingPathComponent("leads.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", "--data", "leads.csv", "--target", "Closed", "--exclude", "Tagz"], in: dir)
        #expect(r.status == 1)
        #expect(r.err.contains("--exclude names column 'Tagz', which is not in the header (columns: Email, Channel, Minutes, Closed)"))
    }
}
