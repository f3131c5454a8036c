import QualifyCore
import Testing

/// The logistic-regression solver against solutions computed independently.
@Suite struct PredictionSolverTests {
    /// Two points, x = +1 (y = 1) and x = −1 (y = 0). By symmetry b = 0 and the optimum solves λ·w = 2·σ(−w).
    /// Reference values: bisection on that equation in Python (200 halvings of [0, 100]), not this code.
    @Test(arguments: [(0.1, 2.1280345184662273), (1.0, 0.6748316143423994), (10.0, 0.09524152042799969)])
    func theTwoPointProblemMatchesItsClosedFormEquation(lambda: Double, expected: Double) {
        let x = SparseRows(dense: [[1], [-1]])
        let fit = LogisticRegression.fit(x, labels: [true, false], lambda: lambda)
        #expect(abs(fit.weights[0] - expected) < 1e-9)
        #expect(abs(fit.intercept) < 1e-9)
        #expect(fit.converged)
    }

    static let x: [[Double]] = [[0.5, 1.0], [1.5, -0.5], [-1.0, 0.3], [2.0, 1.2], [-0.3, -1.1],
                                [0.8, 0.0], [-1.7, 0.9], [1.1, -1.4], [0.2, 0.6], [-0.6, -0.2]]
    static let y = [true, true, false, true, false, false, false, true, true, false]

    /// Reference: scikit-learn 1.9.1, `LogisticRegression(C=1/λ, solver="newton-cholesky", tol=1e-14)` on the rows
    /// above (intercept unpenalized), cross-checked with scipy's BFGS on the same objective (agreement ~1e-7).
    @Test(arguments: [
        (0.1, -0.664123869725399, 2.342439954982215, 0.8131240229583809),
        (1.0, -0.31878192788818926, 1.211917999914144, 0.31019339634519916),
        (10.0, -0.08210517353483192, 0.31310719963101274, 0.04822205327396488),
    ])
    func aSmallProblemMatchesScikitLearn(lambda: Double, intercept: Double, w1: Double, w2: Double) {
        let fit = LogisticRegression.fit(SparseRows(dense: Self.x), labels: Self.y, lambda: lambda)
        #expect(abs(fit.intercept - intercept) < 1e-8)
        #expect(abs(fit.weights[0] - w1) < 1e-8)
        #expect(abs(fit.weights[1] - w2) < 1e-8)
        #expect(fit.converged)
        #expect(fit.iterations < 20)
    }

    @Test func fittingTwiceGivesTheSameBits() {
        let a = LogisticRegression.fit(SparseRows(dense: Self.x), labels: Self.y, lambda: 0.5)
        let b = LogisticRegression.fit(SparseRows(dense: Self.x), labels: Self.y, lambda: 0.5)
        #expect(a == b)
        #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern))
    }

    @Test func aWarmStartReachesTheSameOptimum() {
        let cold = LogisticRegression.fit(SparseRows(dense: Self.x), labels: Self.y, lambda: 1)
        let warm = LogisticRegression.fit(SparseRows(dense: Self.x), labels: Self.y, lambda: 1,
                                          start: LogisticFit(intercept: 3, weights: [-2, 5], lambda: 1))
        #expect(abs(cold.intercept - warm.intercept) < 1e-9)
        #expect(zip(cold.weights, warm.weights).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func separableDataStillGivesFiniteWeightsUnderThePenalty() {
        let x = SparseRows(dense: [[-2], [-1], [1], [2]])
        let fit = LogisticRegression.fit(x, labels: [false, false, true, true], lambda: 0.01)
        #expect(fit.converged)
        #expect(fit.weights[0].isFinite && fit.weights[0] > 3)
    }

    @Test func sparseRowsKeepOnlyNonZerosAndSelectRowsInOrder() {
        let m = SparseRows(dense: [[0, 2, 0], [1, 0, 3], [0, 0, 0]])
        #expect(m.count == 3)
        #expect(m.indices == [1, 0, 2])
        let picked = m.rows([1, 0])
        #expect(picked.values == [1, 3, 2])
        #expect(picked.dot(row: 0, weights: [1, 1, 1], intercept: 0.5) == 4.5)
    }

    /// The λ chosen by cross-validation is one of the grid, and ties go to the stronger penalty.
    @Test func crossValidationChoosesALambdaFromTheGrid() {
        let folds = StratifiedFolds.assign(labels: Self.y, folds: 2, seed: 3)
        let (lambda, losses) = LogisticRegression.chooseLambda(SparseRows(dense: Self.x), labels: Self.y,
                                                               grid: [0.1, 1, 10], folds: folds, foldCount: 2)
        #expect([0.1, 1, 10].contains(lambda))
        #expect(losses.count == 3)
        #expect(losses.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(losses[[0.1, 1, 10].firstIndex(of: lambda)!] == losses.min())
    }
}
