/// Weights of a fitted L2-regularized logistic regression: P(y = 1 | x) = σ(b + w·x).
public struct LogisticFit: Sendable, Hashable, Codable {
    public var intercept: Double
    public var weights: [Double]
    /// The L2 strength it was fitted with.
    public var lambda: Double
    /// Newton steps taken, and whether the step size fell below the tolerance before the iteration limit.
    public var iterations: Int
    public var converged: Bool

    public init(intercept: Double, weights: [Double], lambda: Double, iterations: Int = 0, converged: Bool = true) {
        self.intercept = intercept
        self.weights = weights
        self.lambda = lambda
        self.iterations = iterations
        self.converged = converged
    }

    public func probability(_ x: SparseRows, row: Int) -> Double {
        PredictionMath.sigmoid(x.dot(row: row, weights: weights, intercept: intercept))
    }
}

/// L2-regularized logistic regression fitted by Newton's method (iteratively reweighted least squares) with a
/// Cholesky solve and a backtracking line search.
///
/// It minimizes Σᵢ [log(1 + e^ηᵢ) − yᵢ·ηᵢ] + (λ/2)·‖w‖², ηᵢ = b + w·xᵢ, the intercept b unpenalized — the objective
/// scikit-learn's `LogisticRegression(C = 1/λ)` minimizes. Every step is a fixed sequence of floating-point
/// operations over the rows in order, so the same input gives the same weights, bit for bit, on every run.
public enum LogisticRegression {
    public static func fit(_ x: SparseRows, labels: [Bool], lambda: Double, start: LogisticFit? = nil,
                           maxIterations: Int = 100, tolerance: Double = 1e-10) -> LogisticFit {
        precondition(labels.count == x.count, "one label per row")
        let p = x.width + 1
        var theta: [Double]
        if let start, start.weights.count == x.width {
            theta = [start.intercept] + start.weights
        } else {
            theta = [Double](repeating: 0, count: p)
            let positives = Double(labels.reduce(0) { $0 + ($1 ? 1 : 0) })
            let negatives = Double(labels.count) - positives
            if positives > 0 && negatives > 0 { theta[0] = PredictionMath.log(positives / negatives) }
        }
        var f = objective(x, labels, lambda, theta)
        var gradient = [Double](repeating: 0, count: p)
        var hessian = [Double](repeating: 0, count: p * p)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            derivatives(x, labels, lambda, theta, gradient: &gradient, hessian: &hessian)
            guard let step = solve(&hessian, negated: gradient, n: p) else { break }
            var slope = 0.0  // gᵀΔ, negative for a descent direction
            for j in 0..<p { slope += gradient[j] * step[j] }
            if -slope <= 1e-15 * max(1, abs(f)) {
                converged = true
                break
            }
            var t = 1.0
            var candidate = theta
            var accepted = false
            while t >= 1e-12 {
                for j in 0..<p { candidate[j] = theta[j] + t * step[j] }
                let fc = objective(x, labels, lambda, candidate)
                if fc <= f + 1e-4 * t * slope {
                    f = fc
                    accepted = true
                    break
                }
                t *= 0.5
            }
            guard accepted else { break }
            var largestStep = 0.0, largestWeight = 0.0
            for j in 0..<p {
                largestStep = max(largestStep, abs(candidate[j] - theta[j]))
                largestWeight = max(largestWeight, abs(candidate[j]))
            }
            theta = candidate
            if largestStep <= tolerance * (1 + largestWeight) {
                converged = true
                break
            }
        }
        return LogisticFit(intercept: theta[0], weights: Array(theta[1...]), lambda: lambda, iterations: iterations,
                           converged: converged)
    }

    /// The penalized negative log-likelihood at θ = (b, w).
    static func objective(_ x: SparseRows, _ labels: [Bool], _ lambda: Double, _ theta: [Double]) -> Double {
        var loss = 0.0
        theta.withUnsafeBufferPointer { t in
            x.indices.withUnsafeBufferPointer { idx in
                x.values.withUnsafeBufferPointer { val in
                    for r in 0..<x.count {
                        var eta = t[0]
                        for k in x.starts[r]..<x.starts[r + 1] { eta += t[Int(idx[k]) + 1] * val[k] }
                        loss += PredictionMath.softplus(eta) - (labels[r] ? eta : 0)
                    }
                }
            }
        }
        var penalty = 0.0
        for j in 1..<theta.count { penalty += theta[j] * theta[j] }
        return loss + 0.5 * lambda * penalty
    }

    /// Gradient and Hessian (full, symmetric) of the objective at θ.
    static func derivatives(_ x: SparseRows, _ labels: [Bool], _ lambda: Double, _ theta: [Double],
                            gradient: inout [Double], hessian: inout [Double]) {
        let p = theta.count
        for j in 0..<p { gradient[j] = 0 }
        for j in 0..<(p * p) { hessian[j] = 0 }
        theta.withUnsafeBufferPointer { t in
            x.indices.withUnsafeBufferPointer { idx in
                x.values.withUnsafeBufferPointer { val in
                    gradient.withUnsafeMutableBufferPointer { g in
                        hessian.withUnsafeMutableBufferPointer { h in
                            for r in 0..<x.count {
                                let lo = x.starts[r], hi = x.starts[r + 1]
                                var eta = t[0]
                                for k in lo..<hi { eta += t[Int(idx[k]) + 1] * val[k] }
                                let mu = PredictionMath.sigmoid(eta)
                                let residual = mu - (labels[r] ? 1 : 0)
                                let weight = mu * (1 - mu)
                                g[0] += residual
                                h[0] += weight
                                for a in lo..<hi {
                                    let ia = Int(idx[a]) + 1
                                    let va = val[a]
                                    g[ia] += residual * va
                                    let wa = weight * va
                                    h[ia] += wa  // row 0, column ia
                                    let rowStart = ia * p
                                    for b in a..<hi { h[rowStart + Int(idx[b]) + 1] += wa * val[b] }
                                }
                            }
                        }
                    }
                }
            }
        }
        for j in 1..<p {
            gradient[j] += lambda * theta[j]
            hessian[j * p + j] += lambda
        }
        // Mirror the upper triangle (columns ascend within a row, so only i ≤ j was written).
        for i in 0..<p {
            for j in (i + 1)..<p { hessian[j * p + i] = hessian[i * p + j] }
        }
    }

    /// Solves H·Δ = −g by Cholesky; a tiny ridge is added if rounding makes H look indefinite. Destroys H.
    static func solve(_ h: inout [Double], negated g: [Double], n: Int) -> [Double]? {
        let original = h
        var jitter = 0.0
        var largest = 0.0
        for i in 0..<n { largest = max(largest, abs(h[i * n + i])) }
        for _ in 0..<8 {
            if jitter > 0 {
                h = original
                for i in 0..<n { h[i * n + i] += jitter }
            }
            if let solution = Cholesky.solve(&h, g.map { -$0 }, n: n) { return solution }
            jitter = jitter == 0 ? 1e-10 * (1 + largest) : jitter * 100
        }
        return nil
    }

    /// Chooses λ from the grid by the out-of-fold log loss over the given folds (ties go to the stronger λ).
    /// Returns the chosen λ and each candidate's mean log loss, in grid order.
    public static func chooseLambda(_ x: SparseRows, labels: [Bool], grid: [Double], folds: [Int], foldCount: Int)
        -> (lambda: Double, logLoss: [Double]) {
        let order = grid.indices.sorted { grid[$0] > grid[$1] }  // strong to weak: each fit warm-starts the next
        var lossSum = [Double](repeating: 0, count: grid.count)
        for f in 0..<foldCount {
            let train = folds.indices.filter { folds[$0] != f }
            let test = folds.indices.filter { folds[$0] == f }
            let xt = x.rows(train), yt = train.map { labels[$0] }
            let xv = x.rows(test)
            var previous: LogisticFit?
            for g in order {
                let fit = fit(xt, labels: yt, lambda: grid[g], start: previous)
                previous = fit
                for (i, r) in test.enumerated() {
                    let p = PredictionMath.clip(fit.probability(xv, row: i))
                    lossSum[g] -= PredictionMath.log(labels[r] ? p : 1 - p)
                }
            }
        }
        let losses = lossSum.map { $0 / Double(max(labels.count, 1)) }
        var best = order[0]
        for g in order.dropFirst() where losses[g] < losses[best] - 1e-12 { best = g }
        return (grid[best], losses)
    }
}

/// Cholesky factorization A = L·Lᵀ of a symmetric positive-definite matrix (row-major, n × n) and the solve.
enum Cholesky {
    /// Solves A·x = b, overwriting A's lower triangle with L; nil when A is not positive definite.
    static func solve(_ a: inout [Double], _ b: [Double], n: Int) -> [Double]? {
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0, d.isFinite else { return nil }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<n {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / l
            }
        }
        var y = b
        for i in 0..<n {  // L·y = b
            var s = y[i]
            for k in 0..<i { s -= a[i * n + k] * y[k] }
            y[i] = s / a[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {  // Lᵀ·x = y
            var s = y[i]
            for k in (i + 1)..<n { s -= a[k * n + i] * y[k] }
            y[i] = s / a[i * n + i]
        }
        return y
    }
}
