/// A: the customers that bring the first 80 % of revenue, B the next 15 %, C the rest.
public enum AbcClass: String, Sendable, Hashable, Codable, CaseIterable {
    case a = "A", b = "B", c = "C"
}

/// X: steady revenue from period to period, Y: fluctuating, Z: irregular (or one period only).
public enum XyzClass: String, Sendable, Hashable, Codable, CaseIterable {
    case x = "X", y = "Y", z = "Z"
}

/// ABC cut-offs in percent of revenue: A takes the first `a` %, B the next `b` %, C the remaining `100 − a − b` %.
public struct AbcCutoffs: Sendable, Hashable, Codable {
    public var a: Double
    public var b: Double
    public var c: Double { 100 - a - b }

    public static let standard = AbcCutoffs(a: 80, b: 15)

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// Parses `80,15` or `80,15,5` (percent; the third value, if given, must be what is left).
    public init(parsing text: String) throws(AbcXyzOptionProblem) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces.replacing("%", with: "") }
        let values = parts.compactMap { Double($0) }
        guard values.count == parts.count, values.count == 2 || values.count == 3, values.allSatisfy({ $0.isFinite }) else {
            throw .abc(text, "write two percentages, A then B, like 80,15 (C gets the rest)")
        }
        let (a, b) = (values[0], values[1])
        guard a > 0, a <= 100 else { throw .abc(text, "the A share must be above 0 and at most 100 (percent, e.g. 80)") }
        guard b >= 0, a + b <= 100 else { throw .abc(text, "the B share must be 0 or more and A + B at most 100") }
        if values.count == 3, abs(a + b + values[2] - 100) > 1e-9 {
            throw .abc(text, "the three shares add up to \(a + b + values[2]), not 100; give A,B and C gets the rest")
        }
        if a + b < 1 {
            throw .abc(text, "shares are percentages: write 80,15 rather than 0.8,0.15")
        }
        self.init(a: a, b: b)
    }
}

/// XYZ thresholds on the coefficient of variation: X if CV ≤ `x`, Y if CV ≤ `y`, else Z.
public struct XyzThresholds: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double

    public static let standard = XyzThresholds(x: 0.5, y: 1.0)

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Parses `0.5,1.0`.
    public init(parsing text: String) throws(AbcXyzOptionProblem) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        let values = parts.compactMap { Double($0) }
        guard values.count == 2, parts.count == 2, values.allSatisfy({ $0.isFinite }) else {
            throw .xyz(text, "write two coefficients of variation, X then Y, like 0.5,1.0")
        }
        guard values[0] >= 0, values[0] <= values[1] else {
            throw .xyz(text, "need 0 ≤ X ≤ Y (a CV is a ratio: 0.5 means the spread is half the mean)")
        }
        self.init(x: values[0], y: values[1])
    }
}

/// What the analysis is asked to do.
public struct AbcXyzSettings: Sendable, Hashable, Codable {
    public var period: AnalysisPeriod
    public var abc: AbcCutoffs
    public var xyz: XyzThresholds

    public init(period: AnalysisPeriod = .month, abc: AbcCutoffs = .standard, xyz: XyzThresholds = .standard) {
        self.period = period
        self.abc = abc
        self.xyz = xyz
    }

    /// Shares and CVs that land within this distance of a cut-off count as on it (floating-point sums of money are
    /// not exact: 0.1 + 0.2 ≠ 0.3), so a CV that is exactly 0.5 on paper is X and a share exactly 80 % is reached.
    public static let tolerance = 1e-9
}

public enum AbcXyzOptionProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case abc(String, String)
    case xyz(String, String)

    public var description: String {
        switch self {
        case .abc(let text, let why): return "--abc '\(text)': \(why)"
        case .xyz(let text, let why): return "--xyz '\(text)': \(why)"
        }
    }
}
