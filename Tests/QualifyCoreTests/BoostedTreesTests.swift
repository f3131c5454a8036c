import Testing
@testable import QualifyCore

@Suite("Boosted trees and TreeSHAP")
struct BoostedTreesTests {
    /// A hand-made tree on three columns: 0 numeric (≤ 5 left, missing right), 1 categorical (levels 0 and 2 left),
    /// 2 numeric used twice on one path.
    static func handTree() -> BoostedTrees.Tree {
        var t = BoostedTrees.Tree()
        func inner(_ column: Int, threshold: Double = 0, levels: [Int] = [], missingLeft: Bool = false, cover: Double) -> Int {
            let i = t.appendLeaf(value: 0, cover: cover)
            t.column[i] = column
            t.threshold[i] = threshold
            t.leftLevels[i] = levels
            t.missingLeft[i] = missingLeft
            return i
        }
        let root = inner(0, threshold: 5, cover: 100)
        let a = inner(1, levels: [0, 2], cover: 60)
        let b = inner(2, threshold: 1, missingLeft: true, cover: 40)
        let a1 = t.appendLeaf(value: 0.8, cover: 35), a2 = inner(2, threshold: 3, cover: 25)
        let a21 = t.appendLeaf(value: -0.3, cover: 10), a22 = t.appendLeaf(value: 0.1, cover: 15)
        let b1 = t.appendLeaf(value: -1.1, cover: 30), b2 = inner(2, threshold: 4, cover: 10)
        let b21 = t.appendLeaf(value: 0.4, cover: 4), b22 = t.appendLeaf(value: 2.0, cover: 6)
        for (node, l, r) in [(root, a, b), (a, a1, a2), (b, b1, b2), (a2, a21, a22), (b2, b21, b22)] {
            t.left[node] = l
            t.right[node] = r
        }
        return t
    }

    /// E[f(x) | the columns in `coalition` known], the way TreeSHAP defines it: a column outside the coalition (or
    /// unknown) takes both branches weighted by cover.
    static func conditional(_ t: BoostedTrees.Tree, _ row: TreeRow, _ coalition: Set<Int>, node: Int = 0) -> Double {
        if t.isLeaf(node) { return t.value[node] }
        let c = t.column[node]
        if coalition.contains(c) && row.known[c] {
            return conditional(t, row, coalition, node: t.goesLeft(node, row.values[c]) ? t.left[node] : t.right[node])
        }
        let l = t.left[node], r = t.right[node]
        return (t.cover[l] * conditional(t, row, coalition, node: l) + t.cover[r] * conditional(t, row, coalition, node: r)) / t.cover[node]
    }

    /// Shapley values by their definition: every coalition, weighted |S|!(M−|S|−1)!/M!.
    static func bruteForce(_ model: BoostedTrees, _ row: TreeRow) -> [Double] {
        let m = row.values.count
        var factorial = [1.0]
        for k in 1...m { factorial.append(factorial[k - 1] * Double(k)) }
        func f(_ s: Set<Int>) -> Double { model.trees.reduce(0) { $0 + conditional($1, row, s) } }
        var phi = [Double](repeating: 0, count: m)
        for i in 0..<m {
            for mask in 0..<(1 << m) where mask & (1 << i) == 0 {
                let s = Set((0..<m).filter { mask & (1 << $0) != 0 })
                let weight = factorial[s.count] * factorial[m - s.count - 1] / factorial[m]
                phi[i] += weight * (f(s.union([i])) - f(s))
            }
        }
        return phi
    }

    static let rows: [TreeRow] = [
        TreeRow(values: [3, 2, 3.5], known: [true, true, true]),
        TreeRow(values: [3, 1, 0.5], known: [true, true, true]),
        TreeRow(values: [9, 0, .nan], known: [true, true, true]),
        TreeRow(values: [9, 0, 4.5], known: [true, true, true]),
        TreeRow(values: [.nan, 7, 2], known: [true, false, true]),
        TreeRow(values: [3, 2, 0], known: [false, true, false]),
    ]

    @Test("TreeSHAP equals the Shapley values computed from their definition, unknown values included", arguments: rows)
    func treeSHAPMatchesDefinition(row: TreeRow) {
        let model = BoostedTrees(baseLogOdds: -0.2, trees: [Self.handTree(), Self.handTree()], options: BoostingOptions())
        let fast = TreeExplainer.shap(model, row)
        let exact = Self.bruteForce(model, row)
        for (a, b) in zip(fast, exact) { #expect(abs(a - b) < 1e-12, "TreeSHAP \(fast) vs definition \(exact)") }
        for c in row.known.indices where !row.known[c] { #expect(fast[c] == 0) }
        // Local accuracy: the values add up to the prediction.
        #expect(abs(model.expectedLogOdds + fast.reduce(0, +) - model.logOdds(row)) < 1e-12)
    }

    @Test("a row's path follows thresholds, category sets and the missing direction")
    func routing() {
        let t = Self.handTree()
        #expect(t.predict(TreeRow(values: [3, 2, 9], known: [true, true, true])) == 0.8)
        #expect(t.predict(TreeRow(values: [3, 1, 3.5], known: [true, true, true])) == 0.1)
        #expect(t.predict(TreeRow(values: [.nan, 0, .nan], known: [true, true, true])) == -1.1)  // missing: right, then left
        #expect(t.predict(TreeRow(values: [6, 0, 5], known: [true, true, true])) == 2.0)
        // Column 0 unknown: the cover-weighted average of both subtrees (left reaches 0.8, right −1.1).
        #expect(abs(t.predict(TreeRow(values: [0, 0, 0.5], known: [false, true, true])) - (60 * 0.8 + 40 * -1.1) / 100) < 1e-12)
    }

    /// y = 1 mostly when exactly one of x0 and x1 is high (an interaction no additive model can follow), plus a
    /// categorical column where two of five levels convert more.
    static func interactionData(rows: Int, seed: UInt64) -> TrainingTable {
        var rng = PredictionFixtures.LCG(state: seed)
        var table = TrainingTable(headers: ["x0", "x1", "kind", "y"], rows: [])
        for _ in 0..<rows {
            let x0 = rng.unit(), x1 = rng.unit()
            let kind = ["a", "b", "c", "d", "e"][Int(rng.unit() * 5)]
            let p = ((x0 > 0.5) != (x1 > 0.5) ? 0.8 : 0.2) + (kind == "b" || kind == "d" ? 0.1 : -0.05)
            table.rows.append([(x0 * 100).formatted(1), (x1 * 100).formatted(1), kind, rng.unit() < p ? "1" : "0"])
        }
        table.lines = table.rows.indices.map { $0 + 2 }
        return table
    }

    @Test("boosting learns an interaction: out-of-sample AUC well above the additive learners' and bit-for-bit repeatable")
    func learnsInteraction() throws {
        let options = TrainingOptions(target: "y")
        let train = try TrainingSet.prepare(Self.interactionData(rows: 3000, seed: 11), options: options).get()
        let test = try TrainingSet.prepare(Self.interactionData(rows: 2000, seed: 12), options: options).get()
        let all = Array(0..<train.rows)
        let columns = FeatureEncoder.fit(train, rows: all, options: options)
        let encoded = FeatureEncoder.encode(train, rows: all, columns: columns)
        let matrix = BoostingMatrix(train, rows: all, encoded: encoded, maxBins: 255)
        let model = TreeBooster.fit(matrix, labels: train.labels, options: BoostingOptions())
        let again = TreeBooster.fit(matrix, labels: train.labels, options: BoostingOptions())
        #expect(model == again)
        #expect(model.trees.count == 100)
        #expect(model.trees.allSatisfy { $0.nodeCount <= 61 })

        let testRows = Array(0..<test.rows)
        let testEncoded = FeatureEncoder.encode(test, rows: testRows, columns: columns)
        let missingSeen = [false, false, false]
        let scores = testRows.map { model.probability(TreeRow.make(test, row: $0, encoded: testEncoded, index: $0, missingSeen: missingSeen)) }
        let auc = BinaryMetrics.rocAUC(scores: scores, labels: test.labels)
        let logistic = LogisticRegression.fit(FeatureEncoder.design(encoded), labels: train.labels, lambda: 1)
        let x = FeatureEncoder.design(testEncoded)
        let logisticAUC = BinaryMetrics.rocAUC(scores: testRows.map { logistic.probability(x, row: $0) }, labels: test.labels)
        #expect(auc > 0.75, "boosted AUC \(auc)")
        #expect(auc > logisticAUC + 0.15, "boosted \(auc) vs logistic \(logisticAUC)")

        // SHAP values add up to every test row's log-odds.
        for r in testRows.prefix(50) {
            let row = TreeRow.make(test, row: r, encoded: testEncoded, index: r, missingSeen: missingSeen)
            let phi = TreeExplainer.shap(model, row)
            #expect(abs(model.expectedLogOdds + phi.reduce(0, +) - model.logOdds(row)) < 1e-9)
        }
    }

    @Test("quantile edges: every distinct value when few, at most maxBins bins when many")
    func edges() {
        var few = [3.0, 1, 2, 2, 3, 1]
        #expect(BoostingMatrix.quantileEdges(&few, maxBins: 255) == [1, 2])
        var many = (0..<1000).map { Double($0) }
        let e = BoostingMatrix.quantileEdges(&many, maxBins: 10)
        #expect(e == [99, 199, 299, 399, 499, 599, 699, 799, 899])
    }
}

@Suite("Single-column AUC from level counts")
struct SingleColumnAUCTests {
    @Test("counting rows per level gives the AUC a sort of the rows gives, ties and unplaced values included")
    func countedEqualsSorted() {
        var rng = PredictionFixtures.LCG(state: 3)
        var score: [Double] = [], labels: [Bool] = []
        let levelScore = [0.2, 0.7, 0.2, 0.9, 0.5, 0.1]  // two levels share 0.2; the last slot is "no level" at 0.5
        var positives = [Double](repeating: 0, count: levelScore.count), negatives = positives
        for _ in 0..<3000 {
            let level = Int(rng.unit() * Double(levelScore.count))
            let y = rng.unit() < levelScore[level]
            score.append(levelScore[level])
            labels.append(y)
            if y { positives[level] += 1 } else { negatives[level] += 1 }
        }
        let counted = LeakageGuard.countedAUC(score: levelScore, positives: positives, negatives: negatives)
        #expect(abs(counted - BinaryMetrics.rocAUC(scores: score, labels: labels)) < 1e-12)
    }
}

@Suite("Boosted trees: missing values and damaged files")
struct BoostedTreesEdgeTests {
    @Test("a column that is one value or blank splits present against missing")
    func presentAgainstMissing() throws {
        // y = 1 exactly when "filled" has its value; the trees must find it although the column has one distinct value.
        var table = TrainingTable(headers: ["filled", "noise", "y"], rows: [])
        var rng = PredictionFixtures.LCG(state: 9)
        for _ in 0..<600 {
            let filled = rng.unit() < 0.4
            table.rows.append([filled ? "1" : "", "\(Int(rng.unit() * 10))", filled ? "1" : "0"])
        }
        table.lines = table.rows.indices.map { $0 + 2 }
        let options = TrainingOptions(target: "y")
        let set = try TrainingSet.prepare(table, options: options).get()
        let all = Array(0..<set.rows)
        let columns = FeatureEncoder.fit(set, rows: all, options: options)
        let encoded = FeatureEncoder.encode(set, rows: all, columns: columns)
        let model = TreeBooster.fit(BoostingMatrix(set, rows: all, encoded: encoded, maxBins: 255), labels: set.labels, options: BoostingOptions())
        #expect(model.trees[0].column[0] == 0, "the first split is on 'filled'")
        #expect(model.trees[0].threshold[0] == .greatestFiniteMagnitude && model.trees[0].missingLeft[0] == false)
        let missingSeen = columns.map { $0.numeric?.missingIndicator ?? false }
        let scores = all.map { model.probability(TreeRow.make(set, row: $0, encoded: encoded, index: $0, missingSeen: missingSeen)) }
        #expect(BinaryMetrics.rocAUC(scores: scores, labels: set.labels) > 0.99)
        #expect(model.problem(categorical: [false, false]) == nil)
    }

    static func trained() -> BoostedTrees {
        BoostedTrees(baseLogOdds: 0, trees: [BoostedTreesTests.handTree()], options: BoostingOptions())
    }

    @Test("trees edited by hand are refused with where the damage is, never scored")
    func damagedTreesAreRefused() {
        let categorical = [false, true, false]
        #expect(Self.trained().problem(categorical: categorical) == nil)
        var cycle = Self.trained()
        cycle.trees[0].left[1] = 0  // a child pointing back at the root
        #expect(cycle.problem(categorical: categorical)?.contains("not later nodes") == true)
        var shared = Self.trained()
        shared.trees[0].right[2] = shared.trees[0].left[3]  // one node with two parents
        #expect(shared.problem(categorical: categorical) != nil)
        var column = Self.trained()
        column.trees[0].column[0] = 7
        #expect(column.problem(categorical: categorical)?.contains("column 7 but the model has 3") == true)
        var short = Self.trained()
        short.trees[0].cover.removeLast()
        #expect(short.problem(categorical: categorical)?.contains("different lengths") == true)
        var kind = Self.trained()
        kind.trees[0].leftLevels[0] = [1]  // a category set on a numeric column
        #expect(kind.problem(categorical: categorical)?.contains("does not fit column 0") == true)
        var nan = Self.trained()
        nan.trees[0].value[3] = .nan
        #expect(nan.problem(categorical: categorical) != nil)
    }
}

@Suite("Boosted trees: monotone columns")
struct MonotoneTests {
    /// Conversion rises with "visits" on the whole, but noisily, with a dip the trees would follow if let free.
    static func data(rows: Int = 2000) -> TrainingTable {
        var rng = PredictionFixtures.LCG(state: 21)
        var table = TrainingTable(headers: ["visits", "kind", "y"], rows: [])
        for _ in 0..<rows {
            let visits = Int(rng.unit() * 40)
            let kind = ["a", "b", "c"][Int(rng.unit() * 3)]
            let dip = (18...24).contains(visits) ? -0.25 : 0
            let p = min(max(0.1 + Double(visits) / 50 + dip + (kind == "b" ? 0.1 : 0), 0.02), 0.98)
            table.rows.append(["\(visits)", kind, rng.unit() < p ? "1" : "0"])
        }
        table.lines = table.rows.indices.map { $0 + 2 }
        return table
    }

    static func curve(_ model: BoostedTrees, kind: Double) -> [Double] {
        (0..<40).map { model.logOdds(TreeRow(values: [Double($0), kind], known: [true, true])) }
    }

    @Test("an increasing column never lowers the score as its value rises; left free, the trees follow the dip")
    func increasing() throws {
        let free = TrainingOptions(target: "y")
        var bound = free
        bound.monotone = ["visits": 1]
        let set = try TrainingSet.prepare(Self.data(), options: bound).get()
        let all = Array(0..<set.rows)
        let columns = FeatureEncoder.fit(set, rows: all, options: bound)
        let encoded = FeatureEncoder.encode(set, rows: all, columns: columns)
        let matrix = BoostingMatrix(set, rows: all, encoded: encoded, maxBins: 255)
        let constrained = TreeBooster.fit(matrix, labels: set.labels, options: bound.boosting(for: set))
        let unconstrained = TreeBooster.fit(matrix, labels: set.labels, options: free.boosting(for: set))
        #expect(bound.boosting(for: set).monotone == [1, 0])
        for kind in [0.0, 1.0, 2.0] {
            let c = Self.curve(constrained, kind: kind)
            #expect(zip(c, c.dropFirst()).allSatisfy { $0 <= $1 + 1e-12 }, "kind \(kind): \(c)")
        }
        let u = Self.curve(unconstrained, kind: 0)
        #expect(zip(u, u.dropFirst()).contains { $0 > $1 + 1e-9 }, "the free trees dip somewhere: \(u)")
        // Decreasing is the mirror image.
        var down = free
        down.monotone = ["visits": -1]
        let falling = TreeBooster.fit(matrix, labels: set.labels, options: down.boosting(for: set))
        let f = Self.curve(falling, kind: 0)
        #expect(zip(f, f.dropFirst()).allSatisfy { $0 >= $1 - 1e-12 }, "\(f)")
    }

    @Test("a monotone option naming a missing, excluded or categorical column is refused with why")
    func refused() {
        func failure(_ monotone: [String: Int]) -> String {
            var o = TrainingOptions(target: "y")
            o.monotone = monotone
            if case .failure(let e) = TrainingSet.prepare(Self.data(rows: 100), options: o) { return e.description }
            return "accepted"
        }
        #expect(failure(["vists": 1]).contains("--monotone names column 'vists', which is not in the header"))
        #expect(failure(["kind": 1]).contains("a categorical column; only a numeric column can rise or fall"))
        #expect(failure(["visits": 2]).contains("the direction is increasing or decreasing"))
        #expect(failure(["visits": 1]) == "accepted")
    }
}
