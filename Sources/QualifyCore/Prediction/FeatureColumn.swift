/// How one CSV column becomes features, as learned from training rows and saved in the model artifact.
///
/// A column has *levels* (what naive Bayes counts and what a factor names) and *features* (what logistic regression
/// weighs):
/// - categorical: one level per kept category (frequent enough), plus "other" for the rare ones pooled together;
///   a missing value is the category "" (shown as "(missing)"). Features: one indicator per level except the most
///   frequent one, the reference (the intercept stands for it): rows are mostly their columns' common values, so this
///   keeps the design matrix sparse (11 non-zeros per row instead of 24 on the X Education leads).
/// - numeric: one level per quantile bin, plus a "missing" level. Features: the value standardized
///   ((x − mean) / std, 0 when missing), a missing indicator (when training had missing values) and one indicator
///   per bin, so a linear model can follow a curve (time on site matters most between 0 and a few minutes).
public struct FeatureColumn: Sendable, Hashable, Codable {
    public var column: String
    public var categorical: CategoricalEncoding?
    public var numeric: NumericEncoding?
    /// The lead field a lead import fills from this column of the training file (its headers through
    /// ``HeaderMapping/fieldNames(headers:)``): where a lead card reads the feature. Absent in models trained before
    /// it was recorded (cards then map the column alone).
    public var leadField: String?

    public struct CategoricalEncoding: Sendable, Hashable, Codable {
        public init(categories: [String], counts: [Int], pooled: Bool, pooledValues: [String]? = nil) {
            self.categories = categories
            self.counts = counts
            self.pooled = pooled
            self.pooledValues = pooledValues
        }

        /// The "other" level for a value (by ``CategoryKey``) that is not a kept category: when training pooled it
        /// (or, in an older model, for any value); nil when training never saw it.
        public func otherLevel(key: String) -> Int? {
            guard pooled else { return nil }
            guard let pooledValues else { return categories.count }
            var lo = 0, hi = pooledValues.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if CategoryKey.of(pooledValues[mid]) < key { lo = mid + 1 } else { hi = mid }
            }
            return lo < pooledValues.count && CategoryKey.of(pooledValues[lo]) == key ? categories.count : nil
        }

        /// Kept categories, most frequent first ("" means missing).
        public var categories: [String]
        /// Rows per kept category in the training data.
        public var counts: [Int]
        /// Whether some values were pooled into "other".
        public var pooled: Bool
        /// The rare values pooled into "other", as first written, in key order. A value that is neither kept nor
        /// pooled was never seen in training and scores as neutral. Absent in models trained before it was recorded
        /// (every unknown value then counts as "other").
        public var pooledValues: [String]?
    }

    public struct NumericEncoding: Sendable, Hashable, Codable {
        public init(mean: Double, std: Double, missingIndicator: Bool, binEdges: [Double], minimum: Double? = nil,
                    maximum: Double? = nil) {
            self.mean = mean
            self.std = std
            self.missingIndicator = missingIndicator
            self.binEdges = binEdges
            self.minimum = minimum
            self.maximum = maximum
        }

        public var mean: Double
        public var std: Double
        /// Whether a missing-indicator feature exists (training had missing values).
        public var missingIndicator: Bool
        /// Upper bin edges: bin k holds values in (edge[k−1], edge[k]]; the last bin everything above.
        public var binEdges: [Double]
        /// The training range: a value outside it is scored as the nearest end (absent in older models).
        public var minimum: Double?
        public var maximum: Double?

        /// The value moved into the training range, when it lies outside.
        public func clamped(_ x: Double) -> Double {
            if let minimum, x < minimum { return minimum }
            if let maximum, x > maximum { return maximum }
            return x
        }
    }

    public init(column: String, categorical: CategoricalEncoding) {
        self.column = column
        self.categorical = categorical
    }

    public init(column: String, numeric: NumericEncoding) {
        self.column = column
        self.numeric = numeric
    }

    /// Number of levels: categories (+ other), or bins + missing.
    public var levelCount: Int {
        if let c = categorical { return c.categories.count + (c.pooled ? 1 : 0) }
        return numeric!.binEdges.count + 2
    }

    /// The level of a cell (trimmed, "" when missing), or nil when the model cannot place it — a category never seen
    /// in training, or a missing number where training had none — so it counts as neutral.
    public func level(of cell: String, number: Double?) -> Int? {
        if let c = categorical {
            let key = CategoryKey.of(cell)
            if let i = c.categories.firstIndex(where: { CategoryKey.of($0) == key }) { return i }
            return c.otherLevel(key: key)
        }
        let n = numeric!
        guard let x = number, !x.isNaN else { return n.missingIndicator ? n.binEdges.count + 1 : nil }
        return Self.bin(x, edges: n.binEdges)
    }

    static func bin(_ x: Double, edges: [Double]) -> Int {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if x <= edges[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Human names of the levels, for factors and reports.
    public var levelNames: [String] {
        if let c = categorical {
            return c.categories.map { $0.isEmpty ? "(missing)" : $0 } + (c.pooled ? ["(other)"] : [])
        }
        let e = numeric!.binEdges
        var names: [String] = []
        for k in 0...e.count {
            if k == 0 { names.append("≤ \(Self.short(e.first ?? 0))") }
            if k > 0 && k < e.count { names.append("(\(Self.short(e[k - 1])), \(Self.short(e[k]))]") }
            if k == e.count && k > 0 { names.append("> \(Self.short(e[k - 1]))") }
        }
        if e.isEmpty { names = ["any value"] }
        return names + ["(missing)"]
    }

    /// Logistic regression features of this column, in order.
    public var featureNames: [String] {
        if categorical != nil { return levelNames.dropFirst().map { "\(column) = \($0)" } }
        let n = numeric!
        var names = ["\(column) (standardized)"]
        if n.missingIndicator { names.append("\(column) = (missing)") }
        if !n.binEdges.isEmpty { names += levelNames.dropLast().map { "\(column) \($0)" } }
        return names
    }

    public var featureCount: Int {
        if categorical != nil { return max(levelCount - 1, 0) }
        let n = numeric!
        return 1 + (n.missingIndicator ? 1 : 0) + (n.binEdges.isEmpty ? 0 : n.binEdges.count + 1)
    }

    static func short(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return "\(Int64(x))" }
        let text = x.formatted(abs(x) >= 100 ? 1 : 3)
        var trimmed = Substring(text)
        while trimmed.last == "0" { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
