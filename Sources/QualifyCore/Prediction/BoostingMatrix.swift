/// Training rows binned for tree growth: per column, each row's bin, column by column. A numeric column is cut at up
/// to ``BoostingOptions/maxBins`` quantiles of its training values (every distinct value its own bin when there are
/// few) plus a bin for missing values; a categorical column's bins are its levels (``FeatureColumn``: the kept
/// categories and "other").
public struct BoostingMatrix: Sendable {
    public let rows: Int
    /// Per column, per row: the bin.
    let bins: [[UInt32]]
    /// Per column: bins in all (numeric: value bins, then the missing bin last).
    let binCount: [Int]
    let categorical: [Bool]
    /// Numeric columns: the upper edge of each value bin but the last (a value ≤ edges[t] falls in bin t or lower).
    let edges: [[Double]]

    /// The given rows of the set, with `encoded` their encoding (same rows, same order) for the categorical levels.
    public init(_ set: TrainingSet, rows: [Int], encoded: EncodedRows, maxBins: Int) {
        precondition(encoded.count == rows.count, "one encoded row per row")
        self.rows = rows.count
        var bins: [[UInt32]] = [], binCount: [Int] = [], categorical: [Bool] = [], edges: [[Double]] = []
        for (c, column) in encoded.columns.enumerated() {
            if let numbers = set.columns[c].numbers, column.numeric != nil {
                var xs: [Double] = []
                xs.reserveCapacity(rows.count)
                for r in rows where !numbers[r].isNaN { xs.append(numbers[r]) }
                let e = Self.quantileEdges(&xs, maxBins: min(max(maxBins, 2), 255))
                let missing = UInt32(e.count + 1)
                bins.append(rows.map { r in
                    let x = numbers[r]
                    return x.isNaN ? missing : UInt32(FeatureColumn.bin(x, edges: e))
                })
                binCount.append(e.count + 2)
                categorical.append(false)
                edges.append(e)
            } else {
                let levels = column.levelCount
                bins.append((0..<rows.count).map { i in UInt32(max(encoded.level(row: i, column: c), 0)) })
                binCount.append(max(levels, 1))
                categorical.append(true)
                edges.append([])
            }
        }
        self.bins = bins
        self.binCount = binCount
        self.categorical = categorical
        self.edges = edges
    }

    /// Upper edges of at most `maxBins` value bins: each distinct value when there are at most that many, else the
    /// values below which k/maxBins of the rows lie (repeated values collapse). Sorts `xs`.
    static func quantileEdges(_ xs: inout [Double], maxBins: Int) -> [Double] {
        guard !xs.isEmpty else { return [] }
        xs.sort()
        var distinct: [Double] = []
        for x in xs where distinct.last != x {
            distinct.append(x)
            if distinct.count > maxBins { break }
        }
        if distinct.count <= maxBins { return Array(distinct.dropLast()) }
        var edges: [Double] = []
        let top = xs[xs.count - 1]
        for k in 1..<maxBins {
            let e = xs[max(k * xs.count / maxBins - 1, 0)]
            if e < top && (edges.last.map { e > $0 } ?? true) { edges.append(e) }
        }
        return edges
    }

}

extension TreeRow {
    /// Row `i` of encoded rows drawn from rows of `set` (`r` its index in the set): numbers from the set, levels from
    /// the encoding. A level of −1 (a category the encoding never saw) is unknown, and so is a missing number in a
    /// column whose training rows had none (`missingSeen`).
    public static func make(_ set: TrainingSet, row r: Int, encoded: EncodedRows, index i: Int, missingSeen: [Bool]) -> TreeRow {
        let k = encoded.columns.count
        var values = [Double](repeating: 0, count: k)
        var known = [Bool](repeating: true, count: k)
        for c in 0..<k {
            if encoded.columns[c].numeric != nil, let numbers = set.columns[c].numbers {
                values[c] = numbers[r]
                if numbers[r].isNaN && !missingSeen[c] { known[c] = false }
            } else {
                let level = encoded.level(row: i, column: c)
                values[c] = Double(level)
                known[c] = level >= 0
            }
        }
        return TreeRow(values: values, known: known)
    }
}
