/// Grows ``BoostedTrees`` on binned rows (LightGBM's method, written here because no Swift library does it):
/// each round fits one tree to the gradient of the log loss, leaf by leaf — always splitting the leaf whose best
/// split lowers the loss most, up to ``BoostingOptions/maxLeaves`` — with split search on per-leaf histograms of
/// gradient and hessian sums (the smaller child's histogram counted, the larger one's the parent's minus it).
/// Numeric splits try missing values on each side; categorical ones order the categories by gradient / hessian and
/// cut that order. Single-threaded and in a fixed order: the same rows give the same trees, bit for bit.
public enum TreeBooster {
    public static func fit(_ m: BoostingMatrix, labels: [Bool], options o: BoostingOptions) -> BoostedTrees {
        precondition(labels.count == m.rows, "one label per row")
        let n = m.rows
        let positives = Double(labels.reduce(0) { $0 + ($1 ? 1 : 0) })
        let base = positives > 0 && positives < Double(n) ? PredictionMath.log(positives / (Double(n) - positives)) : 0
        var grower = Grower(m, options: o)
        var score = [Double](repeating: base, count: n)
        var trees: [BoostedTrees.Tree] = []
        for _ in 0..<max(o.rounds, 0) {
            for r in 0..<n {
                let p = PredictionMath.sigmoid(score[r])
                grower.gradient[r] = p - (labels[r] ? 1 : 0)
                grower.hessian[r] = p * (1 - p)
            }
            let tree = grower.grow()
            // Each training row's leaf is known from the partition: add its value without walking the tree.
            for leaf in grower.leaves {
                let v = tree.value[leaf.node]
                for i in leaf.start..<leaf.end { score[Int(grower.order[i])] += v }
            }
            trees.append(tree)
        }
        return BoostedTrees(baseLogOdds: base, trees: trees, options: o)
    }

    /// Per bin: the sums of gradient and hessian and the row count, interleaved (one cache line holds a bin's three).
    struct Histogram {
        var sums: [Double]
        init(size: Int) { sums = [Double](repeating: 0, count: 3 * size) }
        @inline(__always) func g(_ b: Int) -> Double { sums[3 * b] }
        @inline(__always) func h(_ b: Int) -> Double { sums[3 * b + 1] }
        @inline(__always) func n(_ b: Int) -> Int { Int(sums[3 * b + 2]) }
    }

    struct Split {
        var gain = 0.0
        var column = -1
        /// Numeric: value bins ≤ bin go left.
        var bin = 0
        var missingLeft = false
        var leftLevels: [Int] = []
    }

    struct Leaf {
        var node: Int
        var start: Int
        var end: Int
        var g: Double
        var h: Double
        var histogram: Histogram
        var split: Split?
        /// Bounds on the leaf's output (before the learning rate) that monotone splits above it set.
        var low = -Double.infinity
        var high = Double.infinity
    }

    struct Grower {
        let m: BoostingMatrix
        let o: BoostingOptions
        let offsets: [Int]
        let size: Int
        var gradient: [Double]
        var hessian: [Double]
        /// The rows, grouped by leaf: each leaf owns order[start..<end].
        var order: [Int32]
        var scratch: [Int32]
        var leaves: [Leaf] = []

        /// Row-major: each row's bins, already offset into the histogram (a row's columns are read together).
        let rowBins: [UInt32]

        init(_ m: BoostingMatrix, options: BoostingOptions) {
            self.m = m
            o = options
            var offsets: [Int] = [], size = 0
            for count in m.binCount {
                offsets.append(size)
                size += count
            }
            self.offsets = offsets
            self.size = size
            let k = m.bins.count
            var rowBins = [UInt32](repeating: 0, count: m.rows * k)
            for c in 0..<k {
                for r in 0..<m.rows { rowBins[r * k + c] = UInt32(offsets[c] + Int(m.bins[c][r])) }
            }
            self.rowBins = rowBins
            gradient = [Double](repeating: 0, count: m.rows)
            hessian = gradient
            order = (0..<m.rows).map { Int32($0) }
            scratch = order
        }

        mutating func grow() -> BoostedTrees.Tree {
            var tree = BoostedTrees.Tree()
            let n = m.rows
            var rootG = 0.0, rootH = 0.0
            for r in 0..<n {
                rootG += gradient[r]
                rootH += hessian[r]
            }
            let root = tree.appendLeaf(value: leafValue(rootG, rootH), cover: Double(n))
            var leaf = Leaf(node: root, start: 0, end: n, g: rootG, h: rootH, histogram: histogram(0, n), split: nil)
            leaf.split = bestSplit(leaf)
            leaves = [leaf]
            while leaves.count < o.maxLeaves {
                var best = -1
                for (i, l) in leaves.enumerated() {
                    guard let s = l.split, s.gain > 0 else { continue }
                    if best < 0 || s.gain > leaves[best].split!.gain { best = i }
                }
                guard best >= 0 else { break }
                split(best, in: &tree)
            }
            return tree
        }

        func leafValue(_ g: Double, _ h: Double, _ low: Double = -.infinity, _ high: Double = .infinity) -> Double {
            output(g, h, low, high) * o.learningRate
        }

        /// The loss-minimizing output −g / (h + λ), kept within a leaf's bounds.
        func output(_ g: Double, _ h: Double, _ low: Double, _ high: Double) -> Double {
            min(max(h + o.l2 > 0 ? -g / (h + o.l2) : 0, low), high)
        }

        /// How much an output lowers the loss (twice): −(2·g·w + (h + λ)·w²); at the optimum, g² / (h + λ).
        func gain(_ g: Double, _ h: Double, output w: Double) -> Double { -(2 * g * w + (h + o.l2) * w * w) }

        /// +1: the column's effect may only rise; −1: only fall; 0: free.
        func direction(_ c: Int) -> Int { o.monotone.map { c < $0.count ? $0[c] : 0 } ?? 0 }

        /// Splits leaf `index` by its best split; the left child takes its place in `leaves`, the right is appended.
        mutating func split(_ index: Int, in tree: inout BoostedTrees.Tree) {
            let parent = leaves[index]
            let s = parent.split!
            let c = s.column
            let column = m.bins[c]
            var goesLeft = [Bool](repeating: false, count: m.binCount[c])
            if m.categorical[c] {
                for level in s.leftLevels { goesLeft[level] = true }
            } else {
                for b in 0...s.bin { goesLeft[b] = true }
                goesLeft[m.binCount[c] - 1] = s.missingLeft
            }
            // Stable partition: left rows first, each side in its previous order.
            var l = parent.start, r = 0
            var gl = 0.0, hl = 0.0
            for i in parent.start..<parent.end {
                let row = order[i]
                if goesLeft[Int(column[Int(row)])] {
                    order[l] = row
                    l += 1
                    gl += gradient[Int(row)]
                    hl += hessian[Int(row)]
                } else {
                    scratch[r] = row
                    r += 1
                }
            }
            for i in 0..<r { order[l + i] = scratch[i] }
            let mid = l
            let gr = parent.g - gl, hr = parent.h - hl
            // A monotone column's split bounds both sides at the midpoint of their outputs: everything left stays at
            // or below it, everything right at or above (the reverse when decreasing). Other splits pass bounds down.
            var bounds = (left: (parent.low, parent.high), right: (parent.low, parent.high))
            let d = direction(c)
            if d != 0 && !m.categorical[c] && s.bin < m.binCount[c] - 2 {
                let middle = (output(gl, hl, parent.low, parent.high) + output(gr, hr, parent.low, parent.high)) / 2
                if d > 0 {
                    bounds.left.1 = min(parent.high, middle)
                    bounds.right.0 = max(parent.low, middle)
                } else {
                    bounds.left.0 = max(parent.low, middle)
                    bounds.right.1 = min(parent.high, middle)
                }
            }
            let leftNode = tree.appendLeaf(value: leafValue(gl, hl, bounds.left.0, bounds.left.1), cover: Double(mid - parent.start))
            let rightNode = tree.appendLeaf(value: leafValue(gr, hr, bounds.right.0, bounds.right.1), cover: Double(parent.end - mid))
            tree.column[parent.node] = c
            // A numeric split past the last edge sends every value left and the missing ones right.
            tree.threshold[parent.node] = m.categorical[c] ? 0 : s.bin < m.edges[c].count ? m.edges[c][s.bin] : .greatestFiniteMagnitude
            tree.leftLevels[parent.node] = s.leftLevels
            tree.missingLeft[parent.node] = s.missingLeft
            tree.left[parent.node] = leftNode
            tree.right[parent.node] = rightNode
            tree.value[parent.node] = 0

            // Count the smaller child; the larger one's histogram is the parent's minus it.
            let leftSmaller = mid - parent.start <= parent.end - mid
            let small = leftSmaller ? histogram(parent.start, mid) : histogram(mid, parent.end)
            var large = parent.histogram
            large.sums.withUnsafeMutableBufferPointer { l in
                small.sums.withUnsafeBufferPointer { sm in
                    for b in 0..<l.count { l[b] -= sm[b] }
                }
            }
            var left = Leaf(node: leftNode, start: parent.start, end: mid, g: gl, h: hl,
                            histogram: leftSmaller ? small : large, split: nil, low: bounds.left.0, high: bounds.left.1)
            var right = Leaf(node: rightNode, start: mid, end: parent.end, g: gr, h: hr,
                             histogram: leftSmaller ? large : small, split: nil, low: bounds.right.0, high: bounds.right.1)
            left.split = bestSplit(left)
            right.split = bestSplit(right)
            leaves[index] = left
            leaves.append(right)
        }

        /// Gradient and hessian sums and row counts per bin of every column, over order[start..<end].
        func histogram(_ start: Int, _ end: Int) -> Histogram {
            var hist = Histogram(size: size)
            let k = m.bins.count
            hist.sums.withUnsafeMutableBufferPointer { sums in
                gradient.withUnsafeBufferPointer { grad in
                    hessian.withUnsafeBufferPointer { hess in
                        order.withUnsafeBufferPointer { rows in
                            rowBins.withUnsafeBufferPointer { bins in
                                for i in start..<end {
                                    let row = Int(rows[i])
                                    let g = grad[row], h = hess[row]
                                    let first = row * k
                                    for c in 0..<k {
                                        let b = 3 * Int(bins[first + c])
                                        sums[b] += g
                                        sums[b + 1] += h
                                        sums[b + 2] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return hist
        }

        /// The split of a leaf that lowers the loss most, over every column; nil when none is allowed.
        func bestSplit(_ leaf: Leaf) -> Split? {
            let rows = leaf.end - leaf.start
            guard rows >= 2 * o.minLeafRows else { return nil }
            var best = Split()
            for c in 0..<m.bins.count {
                if m.categorical[c] {
                    categoricalSplit(leaf, column: c, into: &best)
                } else {
                    numericSplit(leaf, column: c, into: &best)
                }
            }
            return best.column >= 0 ? best : nil
        }

        func score(_ g: Double, _ h: Double, _ l2: Double) -> Double { g * g / (h + l2) }

        func numericSplit(_ leaf: Leaf, column c: Int, into best: inout Split) {
            let hist = leaf.histogram, base = offsets[c], missing = base + m.binCount[c] - 1
            let valueBins = m.binCount[c] - 1
            let missingRows = hist.n(missing)
            guard valueBins >= 2 || missingRows > 0 else { return }
            let total = leaf.end - leaf.start
            let parentScore = score(leaf.g, leaf.h, o.l2)
            let d = direction(c)
            // With monotone constraints, outputs are kept within the leaf's bounds and gains measured at those outputs.
            let bounded = o.monotone != nil
            let parentGain = bounded ? gain(leaf.g, leaf.h, output: output(leaf.g, leaf.h, leaf.low, leaf.high)) : parentScore
            for missingLeft in missingRows > 0 ? [false, true] : [false] {
                var gl = missingLeft ? hist.g(missing) : 0, hl = missingLeft ? hist.h(missing) : 0
                var nl = missingLeft ? missingRows : 0
                // With missing rows on the right, the last cut puts every value left: present against missing.
                let last = missingRows > 0 && !missingLeft ? valueBins - 1 : valueBins - 2
                guard last >= 0 else { continue }
                for t in 0...last {
                    gl += hist.g(base + t)
                    hl += hist.h(base + t)
                    nl += hist.n(base + t)
                    if nl < o.minLeafRows || hl < o.minLeafHessian { continue }
                    let nr = total - nl, hr = leaf.h - hl
                    if nr < o.minLeafRows { break }
                    if hr < o.minLeafHessian { continue }
                    let splitGain: Double
                    if bounded {
                        let wl = output(gl, hl, leaf.low, leaf.high), wr = output(leaf.g - gl, hr, leaf.low, leaf.high)
                        // a cut of the values must keep the order; present against missing orders nothing
                        if d != 0 && t < valueBins - 1 && Double(d) * (wr - wl) < 0 { continue }
                        splitGain = gain(gl, hl, output: wl) + gain(leaf.g - gl, hr, output: wr) - parentGain
                    } else {
                        splitGain = score(gl, hl, o.l2) + score(leaf.g - gl, hr, o.l2) - parentScore
                    }
                    if splitGain > best.gain + 1e-12 {
                        best = Split(gain: splitGain, column: c, bin: t, missingLeft: missingLeft, leftLevels: [])
                    }
                }
            }
        }

        func categoricalSplit(_ leaf: Leaf, column c: Int, into best: inout Split) {
            let hist = leaf.histogram, base = offsets[c], levels = m.binCount[c]
            let total = leaf.end - leaf.start
            func consider(_ gl: Double, _ hl: Double, _ nl: Int, l2: Double, left: () -> [Int]) {
                let nr = total - nl, hr = leaf.h - hl
                guard nl >= o.minLeafRows, nr >= o.minLeafRows, hl >= o.minLeafHessian, hr >= o.minLeafHessian else { return }
                var gain = score(gl, hl, l2) + score(leaf.g - gl, hr, l2) - score(leaf.g, leaf.h, l2)
                if o.monotone != nil && (leaf.low > -.infinity || leaf.high < .infinity) {
                    // within bounds set above: gains at the outputs the leaves can take
                    gain = self.gain(gl, hl, output: output(gl, hl, leaf.low, leaf.high))
                        + self.gain(leaf.g - gl, hr, output: output(leaf.g - gl, hr, leaf.low, leaf.high))
                        - self.gain(leaf.g, leaf.h, output: output(leaf.g, leaf.h, leaf.low, leaf.high))
                }
                if gain > best.gain + 1e-12 {
                    best = Split(gain: gain, column: c, bin: 0, missingLeft: false, leftLevels: left().sorted())
                }
            }
            if levels <= o.maxOneHotLevels {
                for v in 0..<levels where hist.n(base + v) > 0 {
                    consider(hist.g(base + v), hist.h(base + v), hist.n(base + v), l2: o.l2) { [v] }
                }
                return
            }
            // LightGBM's rule: categories with at least catSmooth rows in the node, ordered by gradient / hessian; a
            // cut is tried once at least minRowsPerGroup rows joined the left side since the last one tried, and only
            // while the right side keeps that many.
            var used = (0..<levels).filter { Double(hist.n(base + $0)) >= o.catSmooth }
            guard !used.isEmpty else { return }
            let ratio = { (v: Int) in hist.g(base + v) / (hist.h(base + v) + o.catSmooth) }
            used.sort { ratio($0) != ratio($1) ? ratio($0) < ratio($1) : $0 < $1 }
            let most = min(o.maxCategoriesLeft, (used.count + 1) / 2)
            for ascending in [true, false] {
                var gl = 0.0, hl = 0.0, nl = 0, group = 0
                for k in 0..<min(most, used.count) {
                    let v = ascending ? used[k] : used[used.count - 1 - k]
                    gl += hist.g(base + v)
                    hl += hist.h(base + v)
                    nl += hist.n(base + v)
                    group += hist.n(base + v)
                    if nl < o.minLeafRows || hl < o.minLeafHessian { continue }
                    if total - nl < o.minLeafRows || total - nl < o.minRowsPerGroup || leaf.h - hl < o.minLeafHessian { break }
                    if group < o.minRowsPerGroup { continue }
                    group = 0
                    consider(gl, hl, nl, l2: o.l2 + o.catL2) {
                        ascending ? Array(used[0...k]) : Array(used[(used.count - 1 - k)...])
                    }
                }
            }
        }
    }
}
