/// Per-column SHAP values of a boosted-trees prediction (exact TreeSHAP, Lundberg, Erion & Lee 2018, Algorithm 2):
/// how much each column moved this row's log-odds away from the average training row's. They add up exactly:
/// `expectedLogOdds + Σ values == logOdds(row)`, so a card explains a tree model the way it explains a logistic one.
///
/// "Average" follows the trees: a column left out of a coalition takes both branches of its splits, weighted by the
/// training rows that went each way (the path-dependent form). An unknown value (``TreeRow/known``) is never in a
/// coalition, so its SHAP value is 0 — the neutral treatment of categories never seen in training.
public struct TreeExplainer: Sendable {
    public let model: BoostedTrees
    /// Path elements the deepest tree needs: a node at depth d copies a path of at most d + 1 elements.
    private let capacity: Int

    public init(_ model: BoostedTrees) {
        self.model = model
        var deepest = 0
        for tree in model.trees where tree.nodeCount > 0 {
            var depth = [Int](repeating: 0, count: tree.nodeCount)
            for node in 0..<tree.nodeCount where !tree.isLeaf(node) {
                depth[tree.left[node]] = depth[node] + 1
                depth[tree.right[node]] = depth[node] + 1
                deepest = max(deepest, depth[node] + 1)
            }
        }
        capacity = (deepest + 2) * (deepest + 3) / 2 + 1
    }

    public static func shap(_ model: BoostedTrees, _ row: TreeRow) -> [Double] { TreeExplainer(model).shap(row) }

    /// Per column, its SHAP value for the row (log-odds).
    public func shap(_ row: TreeRow) -> [Double] {
        var phi = [Double](repeating: 0, count: row.values.count)
        withUnsafeTemporaryAllocation(of: PathElement.self, capacity: capacity) { buffer in
            let path = buffer.baseAddress!
            phi.withUnsafeMutableBufferPointer { phi in
                for tree in model.trees where tree.nodeCount > 0 {
                    path[0] = PathElement(feature: -1, zero: 1, one: 1, weight: 1)
                    Self.visit(tree, row, node: 0, path: path, depth: 0, scale: 1, phi: phi)
                }
            }
        }
        return phi
    }

    struct PathElement {
        var feature: Int
        /// The share of coalitions without the feature that reach this point (cover ratios).
        var zero: Double
        /// 1 when the row's own value leads this way, else 0.
        var one: Double
        var weight: Double
    }

    /// `path[0...depth]` is this node's path, owned by this call; children build theirs just after it.
    static func visit(_ tree: BoostedTrees.Tree, _ row: TreeRow, node: Int, path: UnsafeMutablePointer<PathElement>,
                      depth: Int, scale: Double, phi: UnsafeMutableBufferPointer<Double>) {
        if tree.isLeaf(node) {
            let v = tree.value[node] * scale
            guard depth > 0 else { return }
            for i in 1...depth {
                let w = unwoundSum(path, depth, i)
                phi[path[i].feature] += w * (path[i].one - path[i].zero) * v
            }
            return
        }
        let c = tree.column[node]
        let left = tree.left[node], right = tree.right[node]
        let cover = tree.cover[node]
        let next = path + depth + 1
        guard row.known[c], cover > 0 else {
            // Both branches, for every coalition alike: the average a value the model cannot place gets.
            guard cover > 0 else { return }
            for child in [left, right] {
                next.update(from: path, count: depth + 1)
                visit(tree, row, node: child, path: next, depth: depth, scale: scale * tree.cover[child] / cover, phi: phi)
            }
            return
        }
        let hot = tree.goesLeft(node, row.values[c]) ? left : right
        let cold = hot == left ? right : left
        var d = depth
        var incomingZero = 1.0, incomingOne = 1.0
        var k = 1
        while k <= d && path[k].feature != c { k += 1 }
        if k <= d {
            // The column was split on higher up: undo that step and redo it here with both fractions combined.
            incomingZero = path[k].zero
            incomingOne = path[k].one
            unwind(path, d, k)
            d -= 1
        }
        let child = path + d + 1
        child.update(from: path, count: d + 1)
        extend(child, d, zero: incomingZero * tree.cover[hot] / cover, one: incomingOne, feature: c)
        visit(tree, row, node: hot, path: child, depth: d + 1, scale: scale, phi: phi)
        child.update(from: path, count: d + 1)
        extend(child, d, zero: incomingZero * tree.cover[cold] / cover, one: 0, feature: c)
        visit(tree, row, node: cold, path: child, depth: d + 1, scale: scale, phi: phi)
    }

    /// Adds a feature at `path[depth + 1]`, updating the weights of every coalition size.
    static func extend(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, zero: Double, one: Double, feature: Int) {
        let l = depth + 1
        path[l] = PathElement(feature: feature, zero: zero, one: one, weight: 0)
        var i = l - 1
        while i >= 0 {
            path[i + 1].weight += one * path[i].weight * Double(i + 1) / Double(l + 1)
            path[i].weight = zero * path[i].weight * Double(l - i) / Double(l + 1)
            i -= 1
        }
    }

    /// Removes element `index` from `path[0...depth]`, undoing its ``extend(_:_:zero:one:feature:)``.
    static func unwind(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) {
        let one = path[index].one, zero = path[index].zero
        var next = path[depth].weight
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let t = path[i].weight
                path[i].weight = next * Double(depth + 1) / (Double(i + 1) * one)
                next = t - path[i].weight * zero * Double(depth - i) / Double(depth + 1)
            } else {
                path[i].weight = path[i].weight * Double(depth + 1) / (zero * Double(depth - i))
            }
            i -= 1
        }
        for j in index..<depth {
            path[j].feature = path[j + 1].feature
            path[j].zero = path[j + 1].zero
            path[j].one = path[j + 1].one
        }
    }

    /// The total weight of `path[0...depth]` with element `index` unwound, without changing the path.
    static func unwoundSum(_ path: UnsafeMutablePointer<PathElement>, _ depth: Int, _ index: Int) -> Double {
        let one = path[index].one, zero = path[index].zero
        var next = path[depth].weight
        var total = 0.0
        var i = depth - 1
        if one != 0 {
            while i >= 0 {
                let t = next / (Double(i + 1) * one)
                total += t
                next = path[i].weight - t * zero * Double(depth - i)
                i -= 1
            }
        } else {
            while i >= 0 {
                total += path[i].weight / (zero * Double(depth - i))
                i -= 1
            }
        }
        return total * Double(depth + 1)
    }
}
