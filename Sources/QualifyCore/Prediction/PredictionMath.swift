#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's functions, under names the enum below does not shadow.
private func cExp(_ x: Double) -> Double { exp(x) }
private func cLog(_ x: Double) -> Double { log(x) }
private func cLog1p(_ x: Double) -> Double { log1p(x) }

/// The few transcendental functions prediction needs, in one place (the core has no Foundation).
enum PredictionMath {
    static func exp(_ x: Double) -> Double { cExp(x) }
    static func log(_ x: Double) -> Double { cLog(x) }
    static func log1p(_ x: Double) -> Double { cLog1p(x) }

    /// The logistic function 1 / (1 + e^−x), without overflow for large |x|.
    static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + cExp(-x)) }
        let e = cExp(x)
        return e / (1 + e)
    }

    /// log(1 + e^x), without overflow.
    static func softplus(_ x: Double) -> Double {
        x > 0 ? x + cLog1p(cExp(-x)) : cLog1p(cExp(x))
    }

    /// The probability kept inside [1e-15, 1 − 1e-15], as log loss conventionally clips it.
    static func clip(_ p: Double) -> Double { min(max(p, 1e-15), 1 - 1e-15) }
}
