/// Quantile bands for a numeric trait (employees, annual revenue, CDs per order …): a number with dozens of distinct
/// values says little value by value, so customers are grouped into bands of about equal size.
///
/// The edges come from the customers' values sorted ascending (`v₀ ≤ … ≤ vₙ₋₁`): the smallest value, then
/// `v[⌊k·n / count⌋]` for k = 1 … count − 1, with repeated edges dropped (a value shared by many customers is never
/// split across two bands, so there may be fewer bands than asked). Band i holds the values `edges[i] ≤ v < edges[i+1]`;
/// the last band holds everything from its edge up. Quartiles by default.
public struct NumericBands: Sendable, Hashable, Codable {
    /// the lower edge of each band, ascending and distinct
    public var edges: [Double]

    public static let defaultCount = 4

    /// Bands for `values` (any order); no values give one band from 0.
    public init(values: [Double], count: Int = defaultCount) {
        let sorted = values.filter(\.isFinite).sorted()
        guard let lowest = sorted.first else {
            edges = [0]
            return
        }
        var edges = [lowest]
        for k in 1..<max(count, 1) {
            let edge = sorted[k * sorted.count / count]
            if edge > edges[edges.count - 1] { edges.append(edge) }
        }
        self.edges = edges
    }

    public init(edges: [Double]) {
        self.edges = edges
    }

    public var count: Int { edges.count }

    /// The band of a value: the last edge at or below it (values below the first edge fall in the first band).
    public func band(of value: Double) -> Int {
        var lo = 0, hi = edges.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if edges[mid] <= value { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// A number as people and YAML read it: `12`, `2.5`, `-3` (whole numbers without a decimal point; others in
    /// the shortest form that reads back as the same number).
    public static func plain(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
