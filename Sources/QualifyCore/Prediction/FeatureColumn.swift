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
        /// Kept categories, most frequent first ("" means missing).
        public var categories: [String]
        /// Rows per kept category in the training data.
        public var counts: [Int]
        /// Whether some values were pooled into "other" (values never seen in training also land there).
        public var pooled: Bool
    }

    public struct NumericEncoding: Sendable, Hashable, Codable {
        public var mean: Double
        public var std: Double
        /// Whether a missing-indicator feature exists (training had missing values).
        public var missingIndicator: Bool
        /// Upper bin edges: bin k holds values in (edge[k−1], edge[k]]; the last bin everything above.
        public var binEdges: [Double]
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

    /// The level of a cell (trimmed, "" when missing), or nil for a category never seen and nothing pooled.
    public func level(of cell: String, number: Double?) -> Int? {
        if let c = categorical {
            if let i = c.categories.firstIndex(of: cell) { return i }
            return c.pooled ? c.categories.count : nil
        }
        let n = numeric!
        guard let x = number, !x.isNaN else { return n.binEdges.count + 1 }
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
