/// Gradient-boosted decision trees for the log-odds of target 1: `base + Σ trees`, each tree a set of binary splits on
/// one column (a numeric threshold, or a set of categories going left) ending in leaves that hold a log-odds step.
///
/// The third learner of `qualify train`, for data where a column's effect bends or columns interact in ways an
/// additive model cannot follow. Still explained column by column: ``TreeExplainer`` splits each prediction into
/// per-column SHAP values (exact TreeSHAP), which add up to the prediction like a logistic model's factors do.
public struct BoostedTrees: Sendable, Hashable, Codable {
    /// The starting log-odds: log(positives / negatives) of the training rows.
    public var baseLogOdds: Double
    public var trees: [Tree]
    /// The settings it was grown with.
    public var options: BoostingOptions

    public init(baseLogOdds: Double, trees: [Tree], options: BoostingOptions) {
        self.baseLogOdds = baseLogOdds
        self.trees = trees
        self.options = options
    }

    /// One tree as parallel arrays over its nodes; node 0 is the root.
    public struct Tree: Sendable, Hashable, Codable {
        /// The column a node splits on (an index into the model's features); −1 for a leaf.
        public var column: [Int]
        /// Numeric split: a value ≤ threshold goes left. Unused (0) for categorical splits and leaves.
        public var threshold: [Double]
        /// Categorical split: the levels that go left, ascending (any other level goes right). Empty otherwise.
        public var leftLevels: [[Int]]
        /// Numeric split: where a missing value goes (training rows with the value missing went there too).
        public var missingLeft: [Bool]
        public var left: [Int]
        public var right: [Int]
        /// A leaf's log-odds step (the learning rate applied); 0 for inner nodes.
        public var value: [Double]
        /// Training rows that reached the node: how a value the model cannot place is averaged over both branches.
        public var cover: [Double]

        public init() {
            column = []; threshold = []; leftLevels = []; missingLeft = []; left = []; right = []; value = []; cover = []
        }

        public var nodeCount: Int { column.count }
        public func isLeaf(_ node: Int) -> Bool { column[node] < 0 }

        mutating func appendLeaf(value: Double, cover: Double) -> Int {
            column.append(-1); threshold.append(0); leftLevels.append([]); missingLeft.append(false)
            left.append(-1); right.append(-1); self.value.append(value); self.cover.append(cover)
            return column.count - 1
        }

        /// Whether a known value goes left at an inner node.
        @inline(__always)
        func goesLeft(_ node: Int, _ x: Double) -> Bool {
            let levels = leftLevels[node]
            if !levels.isEmpty { return Self.contains(levels, Int(x)) }
            if x.isNaN { return missingLeft[node] }
            return x <= threshold[node]
        }

        static func contains(_ sorted: [Int], _ level: Int) -> Bool {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < level { lo = mid + 1 } else { hi = mid }
            }
            return lo < sorted.count && sorted[lo] == level
        }

        /// The tree's value for a row: the leaf it reaches; where the row's value of a split's column is unknown
        /// (``TreeRow/known``), the cover-weighted average of both branches.
        func predict(_ row: TreeRow) -> Double {
            predict(row, node: 0)
        }

        private func predict(_ row: TreeRow, node: Int) -> Double {
            var node = node
            while column[node] >= 0 {
                let c = column[node]
                guard row.known[c] else {
                    let l = left[node], r = right[node]
                    return (cover[l] * predict(row, node: l) + cover[r] * predict(row, node: r)) / cover[node]
                }
                node = goesLeft(node, row.values[c]) ? left[node] : right[node]
            }
            return value[node]
        }

        /// The mean leaf value over the training rows (cover-weighted): the tree's expected value.
        var expectedValue: Double {
            var sum = 0.0
            for node in 0..<nodeCount where column[node] < 0 { sum += value[node] * cover[node] }
            return cover.isEmpty || cover[0] == 0 ? 0 : sum / cover[0]
        }
    }

    /// The log-odds of target 1 for a row.
    public func logOdds(_ row: TreeRow) -> Double {
        var z = baseLogOdds
        for tree in trees { z += tree.predict(row) }
        return z
    }

    public func probability(_ row: TreeRow) -> Double { PredictionMath.sigmoid(logOdds(row)) }

    /// What is wrong with trees read from a file, or nil: each tree's arrays of one length, children after their
    /// one parent (so no cycle and a known depth), columns within the model's, category sets only on categorical
    /// columns, finite numbers. A hand-edited file must not crash a scorer or overrun TreeSHAP's buffer.
    public func problem(categorical: [Bool]) -> String? {
        guard baseLogOdds.isFinite else { return "the base log-odds is not a number" }
        for (t, tree) in trees.enumerated() {
            let n = tree.column.count
            let lengths = [tree.threshold, tree.value, tree.cover].map(\.count) + [tree.leftLevels.count, tree.missingLeft.count,
                                                                                   tree.left.count, tree.right.count]
            guard n > 0, lengths.allSatisfy({ $0 == n }) else { return "tree \(t + 1): its node arrays are empty or of different lengths" }
            var parents = [Int](repeating: 0, count: n)
            for node in 0..<n {
                let where_ = "tree \(t + 1), node \(node)"
                guard tree.value[node].isFinite, tree.cover[node].isFinite, tree.cover[node] >= 0 else {
                    return "\(where_): a value or cover that is not a finite number"
                }
                let c = tree.column[node]
                if c < 0 {
                    guard tree.left[node] == -1, tree.right[node] == -1 else { return "\(where_): a leaf with children" }
                    continue
                }
                guard c < categorical.count else { return "\(where_): column \(c) but the model has \(categorical.count)" }
                let l = tree.left[node], r = tree.right[node]
                guard l > node, r > node, l < n, r < n, l != r else { return "\(where_): children \(l) and \(r) are not later nodes of the tree" }
                parents[l] += 1
                parents[r] += 1
                guard tree.cover[node] > 0 else { return "\(where_): an inner node without training rows" }
                guard categorical[c] == !tree.leftLevels[node].isEmpty, categorical[c] || !tree.threshold[node].isNaN else {
                    return "\(where_): its split does not fit column \(c) (a category set on a number, or the reverse)"
                }
            }
            guard parents[0] == 0, parents.dropFirst().allSatisfy({ $0 == 1 }) else { return "tree \(t + 1): a node with no parent or two" }
        }
        return nil
    }

    /// The log-odds of an average training row: the base the per-column SHAP values are measured from.
    public var expectedLogOdds: Double {
        var z = baseLogOdds
        for tree in trees { z += tree.expectedValue }
        return z
    }
}

/// One row as the trees see it, per feature column: a number (NaN when missing) or a categorical level, and whether
/// the model can place the value at all. A category never seen in training, or a missing value in a column that was
/// never missing in training, is *unknown*: it takes the average of both branches wherever the trees split on its
/// column, so it neither raises nor lowers the score (and its SHAP value is 0).
public struct TreeRow: Sendable, Hashable {
    /// Numeric columns: the value (NaN when missing); categorical: the level as a number.
    public var values: [Double]
    public var known: [Bool]

    public init(values: [Double], known: [Bool]) {
        self.values = values
        self.known = known
    }
}

/// How the boosted trees are grown. The defaults follow LightGBM's (100 rounds at rate 0.1, 31 leaves, 20 rows per
/// leaf, 255 bins, its categorical settings), so the two can be compared like for like.
public struct BoostingOptions: Sendable, Hashable, Codable {
    public var rounds: Int
    public var learningRate: Double
    public var maxLeaves: Int
    public var minLeafRows: Int
    public var minLeafHessian: Double
    /// L2 on leaf values (0, as LightGBM's default).
    public var l2: Double
    /// Numeric columns are cut into at most this many bins (quantiles of the training rows) before splits are sought.
    public var maxBins: Int
    /// Categorical splits: categories with at least this many rows in the node take part, ordered by gradient /
    /// (hessian + catSmooth) …
    public var catSmooth: Double
    /// … with this extra L2 in their gain; a cut of that order is tried once `minRowsPerGroup` more rows have joined
    /// the left side, and only while the right side keeps as many; at most `maxCategoriesLeft` go left; columns of at
    /// most `maxOneHotLevels` levels split one level against the rest. (LightGBM's cat_smooth, cat_l2,
    /// min_data_per_group, max_cat_threshold, max_cat_to_onehot.)
    public var catL2: Double
    public var minRowsPerGroup: Int
    public var maxCategoriesLeft: Int
    public var maxOneHotLevels: Int
    /// Per feature column: +1 when the score may only rise with the value, −1 only fall, 0 free (nil: none).
    /// LightGBM's basic method: a split on such a column is kept only if its outputs keep the order, and bounds
    /// both subtrees at the midpoint, so every tree — and their sum — is monotone in the column.
    public var monotone: [Int]?

    public init(rounds: Int = 100, learningRate: Double = 0.1, maxLeaves: Int = 31, minLeafRows: Int = 20,
                minLeafHessian: Double = 1e-3, l2: Double = 0, maxBins: Int = 255, catSmooth: Double = 10,
                catL2: Double = 10, minRowsPerGroup: Int = 100, maxCategoriesLeft: Int = 32, maxOneHotLevels: Int = 4) {
        self.rounds = rounds
        self.learningRate = learningRate
        self.maxLeaves = maxLeaves
        self.minLeafRows = minLeafRows
        self.minLeafHessian = minLeafHessian
        self.l2 = l2
        self.maxBins = maxBins
        self.catSmooth = catSmooth
        self.catL2 = catL2
        self.minRowsPerGroup = minRowsPerGroup
        self.maxCategoriesLeft = maxCategoriesLeft
        self.maxOneHotLevels = maxOneHotLevels
    }
}
