/// Rows turned into levels and standardized numbers under a list of ``FeatureColumn``s.
public struct EncodedRows: Sendable {
    public let count: Int
    public let columns: [FeatureColumn]
    /// Row-major: the level of each column in each row, −1 when the value maps to no level.
    public var levels: [Int32]
    /// Row-major: the standardized value of each numeric column (0 when missing, and for categorical columns).
    public var standardized: [Double]

    public func level(row: Int, column: Int) -> Int { Int(levels[row * columns.count + column]) }
}

/// Learns ``FeatureColumn``s from training rows (no labels involved), encodes rows, and lays out the sparse design
/// matrix logistic regression works on.
public enum FeatureEncoder {
    /// Learns every column's encoding from the given rows of the set.
    public static func fit(_ set: TrainingSet, rows: [Int], options: TrainingOptions) -> [FeatureColumn] {
        set.columns.map { fit($0, rows: rows, options: options) }
    }

    static func fit(_ column: RawColumn, rows: [Int], options: TrainingOptions) -> FeatureColumn {
        if let numbers = column.numbers {
            var xs: [Double] = []
            xs.reserveCapacity(rows.count)
            for r in rows where !numbers[r].isNaN { xs.append(numbers[r]) }
            let missing = xs.count < rows.count
            guard !xs.isEmpty else {
                return FeatureColumn(column: column.name, numeric: .init(mean: 0, std: 1, missingIndicator: missing, binEdges: []))
            }
            var sum = 0.0
            for x in xs { sum += x }
            let mean = sum / Double(xs.count)
            var squares = 0.0
            for x in xs { squares += (x - mean) * (x - mean) }
            let std = (squares / Double(xs.count)).squareRoot()
            xs.sort()
            var edges: [Double] = []
            // Quantile edges: the value below which k/bins of the rows lie; repeated values collapse into one bin.
            let bins = options.numericBins
            if bins > 1 {
                for k in 1..<bins {
                    let e = xs[max(k * xs.count / bins - 1, 0)]
                    if e < xs[xs.count - 1] && (edges.last.map { e > $0 } ?? true) { edges.append(e) }
                }
            }
            return FeatureColumn(column: column.name, numeric: .init(mean: mean, std: std > 0 ? std : 1,
                                                                     missingIndicator: missing, binEdges: edges,
                                                                     minimum: xs[0], maximum: xs[xs.count - 1]))
        }
        var counts = [Int](repeating: 0, count: column.values.count)
        for r in rows { counts[Int(column.codes[r])] += 1 }
        let threshold = max(Double(options.minCategoryRows), options.minCategoryShare * Double(rows.count))
        let seen = column.values.indices.filter { counts[$0] > 0 }
        let ordered = seen.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : column.values[$0] < column.values[$1] }
        let kept = ordered.filter { Double(counts[$0]) >= threshold }
        let pooled = ordered.filter { Double(counts[$0]) < threshold }.map { column.values[$0] }
            .sorted { CategoryKey.of($0) < CategoryKey.of($1) }
        return FeatureColumn(column: column.name, categorical: .init(categories: kept.map { column.values[$0] },
                                                                     counts: kept.map { counts[$0] },
                                                                     pooled: !pooled.isEmpty, pooledValues: pooled))
    }

    /// Encodes the given rows of the set (in that order).
    public static func encode(_ set: TrainingSet, rows: [Int], columns: [FeatureColumn]) -> EncodedRows {
        var levels = [Int32](repeating: -1, count: rows.count * columns.count)
        var standardized = [Double](repeating: 0, count: rows.count * columns.count)
        for (c, column) in columns.enumerated() {
            let raw = set.columns[c]
            if let numeric = column.numeric {
                for (i, r) in rows.enumerated() {
                    let slot = i * columns.count + c
                    let x = raw.numbers?[r] ?? .nan
                    levels[slot] = Int32(column.level(of: "", number: x) ?? -1)
                    if !x.isNaN { standardized[slot] = (numeric.clamped(x) - numeric.mean) / numeric.std }
                }
            } else {
                // The level of each distinct value, looked up once.
                let levelOfCode = raw.values.map { Int32(column.level(of: $0, number: nil) ?? -1) }
                for (i, r) in rows.enumerated() { levels[i * columns.count + c] = levelOfCode[Int(raw.codes[r])] }
            }
        }
        return EncodedRows(count: rows.count, columns: columns, levels: levels, standardized: standardized)
    }

    /// Where each column's features start in the design matrix (the intercept is not a column of it).
    public static func offsets(_ columns: [FeatureColumn]) -> (offsets: [Int], width: Int) {
        var offsets: [Int] = []
        var width = 0
        for c in columns {
            offsets.append(width)
            width += c.featureCount
        }
        return (offsets, width)
    }

    /// The design matrix of encoded rows: one-hot levels, standardized numbers, missing indicators, numeric bins.
    /// A value the encoding cannot place (level −1: a category never seen, a missing number where training had none)
    /// is neutral: its column's features take `neutralMeans` (the training design's column means), so its push on the
    /// score is nil — as ``Scorer`` scores it.
    public static func design(_ encoded: EncodedRows, neutralMeans: [Double]? = nil) -> SparseRows {
        let (offsets, width) = offsets(encoded.columns)
        var matrix = SparseRows(width: width)
        var entries: [(Int, Double)] = []
        let k = encoded.columns.count
        for r in 0..<encoded.count {
            entries.removeAll(keepingCapacity: true)
            for (c, column) in encoded.columns.enumerated() {
                let level = Int(encoded.levels[r * k + c])
                if level < 0, let neutralMeans {
                    for j in offsets[c]..<(offsets[c] + column.featureCount) where neutralMeans[j] != 0 {
                        entries.append((j, neutralMeans[j]))
                    }
                    continue
                }
                appendFeatures(column, level: level, standardized: encoded.standardized[r * k + c], base: offsets[c],
                               into: &entries)
            }
            matrix.append(entries)
        }
        return matrix
    }

    /// One column's non-zero features for a value at `level` (−1: none) with standardized value `z`.
    static func appendFeatures(_ column: FeatureColumn, level: Int, standardized z: Double, base: Int,
                               into entries: inout [(Int, Double)]) {
        guard let numeric = column.numeric else {
            if level >= 1 { entries.append((base + level - 1, 1)) }  // level 0, the most frequent, is the reference
            return
        }
        if z != 0 { entries.append((base, z)) }
        let missingLevel = numeric.binEdges.count + 1
        var next = base + 1
        if numeric.missingIndicator {
            if level == missingLevel { entries.append((next, 1)) }
            next += 1
        }
        if !numeric.binEdges.isEmpty && level >= 0 && level < missingLevel { entries.append((next + level, 1)) }
    }
}
