/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seedable generator with good statistical quality, used for
/// demo data only. A stream is derived from `(seed, stream, index)` by hashing, so every lead and company has its own
/// sequence and can be generated on its own, in any order, on any machine (integer and IEEE arithmetic only).
struct DemoRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64, index: UInt64) {
        state = DemoRandom.mix(seed &+ DemoRandom.mix(stream &* 0xD1B5_4A32_D192_ED03 &+ DemoRandom.mix(index &+ 0x632B_E59B_D9B4_E019)))
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [0, n); `n` must be positive.
    mutating func below(_ n: Int) -> Int { Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high) }

    /// Uniform in [0, n) for 64-bit spans (times in milliseconds).
    mutating func below(_ n: Int64) -> Int64 { Int64(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Exponentially distributed with the given mean.
    mutating func exponential(mean: Double) -> Double {
        let u = Double((next() >> 11) + 1) * 0x1p-53  // (0, 1]
        return -DemoRandom.ln(u) * mean
    }

    /// Poisson-distributed count with mean `lambda`, by counting unit-rate arrivals in [0, lambda]; capped at `cap`.
    mutating func poisson(_ lambda: Double, cap: Int) -> Int {
        var count = 0
        var t = exponential(mean: 1)
        while t <= lambda, count < cap {
            count += 1
            t += exponential(mean: 1)
        }
        return count
    }

    /// Natural logarithm of a positive finite number, from its binary exponent and an atanh series on the significand
    /// (the standard library has no `log` without Foundation or Glibc). Accurate to about 1e-15.
    static func ln(_ x: Double) -> Double {
        var e = Double(x.exponent)
        var m = x.significand  // [1, 2)
        if m > 1.414_213_562_373_095_1 {
            m *= 0.5
            e += 1
        }
        let z = (m - 1) / (m + 1)  // |z| < 0.172
        let z2 = z * z
        var term = z
        var sum = 0.0
        var k = 1.0
        while k < 24 {
            sum += term / k
            term *= z2
            k += 2
        }
        return 2 * sum + e * 0.693_147_180_559_945_3
    }
}

/// A list of values with integer weights, picked in proportion to them.
struct WeightedTable<Value: Sendable>: Sendable {
    let values: [Value]
    private let cumulative: [Int]
    private let total: Int

    init(_ pairs: [(Value, Int)]) {
        values = pairs.map(\.0)
        var sum = 0
        cumulative = pairs.map { sum += $0.1; return sum }
        total = sum
        precondition(total > 0, "a weighted table needs a positive total weight")
    }

    func pickIndex(_ rng: inout DemoRandom) -> Int {
        let r = rng.below(total)
        var i = 0
        while cumulative[i] <= r { i += 1 }
        return i
    }

    func pick(_ rng: inout DemoRandom) -> Value { values[pickIndex(&rng)] }
}
