/// A sparse matrix stored by rows (compressed sparse rows): most lead features are one-hot, so a row of a hundred
/// features has a couple of dozen non-zeros.
public struct SparseRows: Sendable, Hashable {
    public let width: Int
    public private(set) var starts: [Int] = [0]
    public private(set) var indices: [Int32] = []
    public private(set) var values: [Double] = []

    public init(width: Int) {
        self.width = width
    }

    /// A matrix from dense rows (zeros are dropped); handy for small problems and tests.
    public init(dense rows: [[Double]]) {
        self.init(width: rows.first?.count ?? 0)
        for row in rows {
            precondition(row.count == width, "every dense row needs \(width) values")
            append(row.enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) })
        }
    }

    public var count: Int { starts.count - 1 }

    /// Appends a row given as (column, value) pairs with distinct columns, in any order.
    public mutating func append(_ entries: [(Int, Double)]) {
        var ascending = true
        for k in entries.indices.dropFirst() where entries[k].0 <= entries[k - 1].0 { ascending = false }
        for (j, v) in ascending ? entries : entries.sorted(by: { $0.0 < $1.0 }) {
            precondition(j >= 0 && j < width, "column \(j) is outside the matrix width \(width)")
            indices.append(Int32(j))
            values.append(v)
        }
        starts.append(indices.count)
    }

    /// The given rows, in that order.
    public func rows(_ subset: [Int]) -> SparseRows {
        var out = SparseRows(width: width)
        out.indices.reserveCapacity(subset.count * (indices.count / max(count, 1) + 1))
        out.values.reserveCapacity(out.indices.capacity)
        for r in subset {
            out.indices.append(contentsOf: indices[starts[r]..<starts[r + 1]])
            out.values.append(contentsOf: values[starts[r]..<starts[r + 1]])
            out.starts.append(out.indices.count)
        }
        return out
    }

    /// The mean of every column over the rows.
    public func columnMeans() -> [Double] {
        var means = [Double](repeating: 0, count: width)
        for k in 0..<indices.count { means[Int(indices[k])] += values[k] }
        for j in means.indices { means[j] /= Double(max(count, 1)) }
        return means
    }

    /// b + Σ w_j x_rj.
    public func dot(row r: Int, weights: [Double], intercept: Double) -> Double {
        var s = intercept
        for k in starts[r]..<starts[r + 1] { s += weights[Int(indices[k])] * values[k] }
        return s
    }
}
