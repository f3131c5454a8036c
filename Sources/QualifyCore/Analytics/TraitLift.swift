/// How much more (or less) often a trait value occurs among the best customers than among the rest: the risk ratio
/// of a 2×2 table, with a confidence interval.
///
/// |            | has the value | has not   |
/// |------------|---------------|-----------|
/// | best       | a             | b = n₁ − a |
/// | rest       | c             | d = n₀ − c |
///
/// lift = (a / n₁) / (c / n₀). The interval is Katz's log interval: ln(lift) ± z·√(1/a − 1/n₁ + 1/c − 1/n₀), with
/// z = 1.96 for 95 %. When any of the four cells is zero the lift or its interval is undefined (a value only the best
/// customers have gives an infinite lift), so 0.5 is added to **every** cell (the Haldane–Anscombe correction) for both
/// the lift and the interval, and the result says so. A lift is *significant* when its interval excludes 1.
public struct TraitLift: Sendable, Hashable, Codable {
    public var lift: Double
    /// lower end of the confidence interval
    public var lower: Double
    /// upper end of the confidence interval
    public var upper: Double
    /// true when a cell was zero and 0.5 was added to each of the four
    public var corrected: Bool

    public init(lift: Double, lower: Double, upper: Double, corrected: Bool) {
        self.lift = lift
        self.lower = lower
        self.upper = upper
        self.corrected = corrected
    }

    /// The interval lies wholly above or wholly below 1.
    public var isSignificant: Bool { lower > 1 || upper < 1 }

    /// The two-sided 95 % normal quantile.
    public static let z95 = 1.959963984540054

    /// The lift of a value that `a` of `n1` best customers and `c` of `n0` other customers have; nil when a group is
    /// empty or a count is out of range.
    public static func compute(bestWith a: Int, best n1: Int, restWith c: Int, rest n0: Int, z: Double = z95) -> TraitLift? {
        guard n1 > 0, n0 > 0, a >= 0, a <= n1, c >= 0, c <= n0 else { return nil }
        let corrected = a == 0 || c == 0 || a == n1 || c == n0
        let k = corrected ? 0.5 : 0
        let withBest = Double(a) + k, best = Double(n1) + 2 * k
        let withRest = Double(c) + k, rest = Double(n0) + 2 * k
        let lift = (withBest / best) / (withRest / rest)
        let se = (1 / withBest - 1 / best + 1 / withRest - 1 / rest).squareRoot()
        let log = PredictionMath.log(lift)
        return TraitLift(lift: lift, lower: PredictionMath.exp(log - z * se), upper: PredictionMath.exp(log + z * se),
                         corrected: corrected)
    }
}
