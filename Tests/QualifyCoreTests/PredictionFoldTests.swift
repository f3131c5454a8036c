import QualifyCore
import Testing

/// Stratified folds: every fold keeps the class ratio, and a seed fixes the assignment.
@Suite struct PredictionFoldTests {
    @Test(arguments: [(100, 30, 5), (9240, 3561, 5), (37, 11, 3), (10, 5, 5), (1000, 7, 7)])
    func everyFoldKeepsTheClassRatioToWithinOneRow(rows: Int, positives: Int, k: Int) {
        let labels = (0..<rows).map { $0 % (rows / positives) == 0 && $0 / (rows / positives) < positives }
        let actualPositives = labels.filter { $0 }.count
        let folds = StratifiedFolds.assign(labels: labels, folds: k, seed: 42)
        #expect(folds.count == rows)
        #expect(folds.allSatisfy { (0..<k).contains($0) })
        for f in 0..<k {
            let members = folds.indices.filter { folds[$0] == f }
            let pos = members.filter { labels[$0] }.count
            #expect(abs(Double(pos) - Double(actualPositives) / Double(k)) < 1, "fold \(f): \(pos) positives")
            #expect(abs(Double(members.count) - Double(rows) / Double(k)) < 1, "fold \(f): \(members.count) rows")
        }
    }

    @Test func theSameSeedGivesTheSameFoldsAndAnotherSeedOtherFolds() {
        let labels = (0..<200).map { $0 % 3 == 0 }
        let a = StratifiedFolds.assign(labels: labels, folds: 5, seed: 1)
        #expect(a == StratifiedFolds.assign(labels: labels, folds: 5, seed: 1))
        #expect(a != StratifiedFolds.assign(labels: labels, folds: 5, seed: 2))
    }

    @Test func splitSeparatesOneFoldFromTheRest() {
        let (train, test) = StratifiedFolds.split([0, 1, 0, 2, 1], 1)
        #expect(test == [1, 4])
        #expect(train == [0, 2, 3])
    }
}
