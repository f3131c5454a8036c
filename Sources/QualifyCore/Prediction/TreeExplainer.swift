/// Per-column SHAP values of a boosted-trees prediction (exact TreeSHAP, Lundberg, Erion & Lee 2018, Algorithm 2):
/// how much each column moved this row's log-odds away from the average training row's. They add up exactly:
/// `expectedLogOdds + Σ values == logOdds(row)`, so a card explains a tree model the way it explains a logistic one.
///
/// "Average" follows the trees: a column left out of a coalition takes both branches of its splits, weighted by the
/// training rows that went each way (the path-dependent form). An unknown value (``TreeRow/known``) is never in a
/// coalition, so its SHAP value is 0 — the neutral treatment of categories never seen in training.
public enum TreeExplainer {
    public static func shap(_ model: BoostedTrees, _ row: TreeRow) -> [Double] {
        var phi = [Double](repeating: 0, count: row.values.count)
        for tree in model.trees where tree.nodeCount > 0 {
            var path: [PathElement] = []
            extend(&path, zero: 1, one: 1, feature: -1)
            visit(tree, row, node: 0, path: path, scale: 1, phi: &phi)
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

    static func visit(_ tree: BoostedTrees.Tree, _ row: TreeRow, node: Int, path: [PathElement], scale: Double,
                      phi: inout [Double]) {
        if tree.isLeaf(node) {
            let v = tree.value[node] * scale
            for i in 1..<path.count {
                let w = unwoundSum(path, i)
                phi[path[i].feature] += w * (path[i].one - path[i].zero) * v
            }
            return
        }
        let c = tree.column[node]
        let left = tree.left[node], right = tree.right[node]
        let cover = tree.cover[node]
        guard row.known[c], cover > 0 else {
            // Both branches, for every coalition alike: the average a value the model cannot place gets.
            if cover > 0 {
                visit(tree, row, node: left, path: path, scale: scale * tree.cover[left] / cover, phi: &phi)
                visit(tree, row, node: right, path: path, scale: scale * tree.cover[right] / cover, phi: &phi)
            }
            return
        }
        let hot = tree.goesLeft(node, row.values[c]) ? left : right
        let cold = hot == left ? right : left
        var base = path
        var incomingZero = 1.0, incomingOne = 1.0
        if let k = base.indices.dropFirst().first(where: { base[$0].feature == c }) {
            // The column was split on higher up: undo that step and redo it here with both fractions combined.
            incomingZero = base[k].zero
            incomingOne = base[k].one
            unwind(&base, k)
        }
        var hotPath = base
        extend(&hotPath, zero: incomingZero * tree.cover[hot] / cover, one: incomingOne, feature: c)
        visit(tree, row, node: hot, path: hotPath, scale: scale, phi: &phi)
        var coldPath = base
        extend(&coldPath, zero: incomingZero * tree.cover[cold] / cover, one: 0, feature: c)
        visit(tree, row, node: cold, path: coldPath, scale: scale, phi: &phi)
    }

    /// Adds a feature to the path, updating the weights of every coalition size.
    static func extend(_ path: inout [PathElement], zero: Double, one: Double, feature: Int) {
        let l = path.count
        path.append(PathElement(feature: feature, zero: zero, one: one, weight: l == 0 ? 1 : 0))
        var i = l - 1
        while i >= 0 {
            path[i + 1].weight += one * path[i].weight * Double(i + 1) / Double(l + 1)
            path[i].weight = zero * path[i].weight * Double(l - i) / Double(l + 1)
            i -= 1
        }
    }

    /// Removes element `index` from the path, undoing its ``extend(_:zero:one:feature:)``.
    static func unwind(_ path: inout [PathElement], _ index: Int) {
        let depth = path.count - 1
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
        path.removeLast()
    }

    /// The total weight of the path with element `index` unwound, without changing the path.
    static func unwoundSum(_ path: [PathElement], _ index: Int) -> Double {
        let depth = path.count - 1
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
