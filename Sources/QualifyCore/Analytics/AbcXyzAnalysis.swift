/// One customer's place in the ABC-XYZ analysis.
public struct CustomerClassification: Sendable, Hashable, Codable {
    public var customer: String
    /// 1 = the highest revenue
    public var rank: Int
    public var revenue: Double
    /// fraction of the classified revenue (0…1)
    public var share: Double
    /// fraction of the classified revenue brought by this customer and every customer ranked above it
    public var cumulativeShare: Double
    public var abc: AbcClass
    public var transactions: Int
    public var firstPeriod: Int
    public var lastPeriod: Int
    /// periods from the first to the last with a transaction, both included
    public var spanPeriods: Int
    /// periods with at least one transaction
    public var activePeriods: Int
    /// population standard deviation / mean of the revenue per period over the span; nil with a span of one period
    public var cv: Double?
    public var xyz: XyzClass

    public var group: String { abc.rawValue + xyz.rawValue }
}

/// A customer left out of the classes because its net revenue is zero or negative (refunds and credits cancel its
/// purchases, or it only had free orders): a revenue share of zero or less has no place on a Pareto curve, and a CV
/// needs a positive mean.
public struct UnclassifiedCustomer: Sendable, Hashable, Codable {
    public var customer: String
    public var revenue: Double
    public var transactions: Int
}

/// The outcome of ``AbcXyzAnalysis/run(_:settings:)``.
public struct AbcXyzReport: Sendable, Hashable, Codable {
    public var settings: AbcXyzSettings
    /// classified customers, by rank (revenue descending)
    public var customers: [CustomerClassification]
    public var unclassified: [UnclassifiedCustomer]
    public var matrix: AbcXyzMatrix
    /// the sum of the classified customers' revenue: the 100 % of every share
    public var classifiedRevenue: Double
    public var transactionCount: Int
    public var firstPeriod: Int?
    public var lastPeriod: Int?
}

/// ABC by cumulative revenue share, XYZ by the coefficient of variation of revenue per period.
///
/// **ABC.** Customers with a positive net revenue are ranked by revenue, highest first (ties: customer key in byte
/// order, so results are reproducible). A customer's class is decided by the cumulative share of the customers ranked
/// *above* it: A if that share is below the A cut-off (80 %), B if below A + B (95 %), else C. So the customer that
/// crosses 80 % is still A (it is needed to reach 80 %), the top customer is always A, and the A group holds at least
/// 80 % of revenue.
///
/// **XYZ.** Revenue is summed per period (week, month or quarter). Over the customer's *active span* — from its first to
/// its last period with a transaction, both included — periods without a transaction count as zero, so a customer
/// buying every other month is less steady than one buying monthly; periods before its first or after its last
/// purchase do not count (a new customer is not penalized for months before it existed, and churn is not what XYZ
/// measures). CV = population standard deviation / mean over the span's periods. X if CV ≤ 0.5, Y if CV ≤ 1.0,
/// else Z. A customer whose span is **one period** has no variation to measure: its CV is undefined (reported empty)
/// and it is **Z** — one purchase is no evidence of regular demand, and X must mean "you can plan on it".
public enum AbcXyzAnalysis {
    public static func run(_ ledger: TransactionLedger, settings: AbcXyzSettings) -> AbcXyzReport {
        let n = ledger.customerCount
        let states = ledger.states
        let totals = states.map(\.total)
        let names = ledger.customers
        var ranked: [Int32] = []
        ranked.reserveCapacity(n)
        var unclassified: [UnclassifiedCustomer] = []
        for c in 0..<n {
            if totals[c] > 0 {
                ranked.append(Int32(c))
            } else {
                unclassified.append(UnclassifiedCustomer(customer: names.name(Int32(c)), revenue: totals[c],
                                                         transactions: Int(states[c].transactions)))
            }
        }
        // sort (revenue, index) pairs: the key sits next to the index, not behind it in a 1M-element array
        var pairs = ranked.map { (totals[Int($0)], $0) }
        pairs.sort { l, r in l.0 != r.0 ? l.0 > r.0 : names.precedes(l.1, r.1) }
        ranked = pairs.map(\.1)
        var classified = 0.0
        for c in ranked { classified += totals[Int(c)] }

        // XYZ per customer index (every customer; unclassified ones are simply not read).
        var cvs = [Double](repeating: -1, count: n)  // -1: undefined (one-period span)
        var actives = [Int32](repeating: 0, count: n)
        ledger.forEachSeries { c, _, amounts in
            actives[c] = Int32(amounts.count)
            let span = Int(states[c].last - states[c].first) + 1
            guard span > 1, totals[c] > 0 else { return }
            cvs[c] = coefficientOfVariation(amounts, span: span, total: totals[c])
        }

        let tolerance = AbcXyzSettings.tolerance
        let cutA = settings.abc.a / 100 - tolerance
        let cutB = (settings.abc.a + settings.abc.b) / 100 - tolerance
        var customers: [CustomerClassification] = []
        customers.reserveCapacity(ranked.count)
        var before = 0.0
        for (position, index) in ranked.enumerated() {
            let c = Int(index)
            let shareBefore = before / classified
            let abc: AbcClass = shareBefore < cutA ? .a : shareBefore < cutB ? .b : .c
            before += totals[c]
            let cv: Double? = cvs[c] < 0 ? nil : cvs[c]
            customers.append(CustomerClassification(
                customer: names.name(index), rank: position + 1, revenue: totals[c], share: totals[c] / classified,
                cumulativeShare: before / classified, abc: abc, transactions: Int(states[c].transactions),
                firstPeriod: Int(states[c].first), lastPeriod: Int(states[c].last), spanPeriods: Int(states[c].last - states[c].first) + 1,
                activePeriods: Int(actives[c]), cv: cv, xyz: xyzClass(cv: cv, settings.xyz)))
        }
        let range = ledger.periodRange
        return AbcXyzReport(
            settings: settings, customers: customers, unclassified: unclassified,
            matrix: AbcXyzMatrix(customers: customers, classifiedRevenue: classified, period: settings.period),
            classifiedRevenue: classified, transactionCount: ledger.transactionCount,
            firstPeriod: range?.lowerBound, lastPeriod: range?.upperBound)
    }

    /// Population CV of a revenue series: `amounts` holds the periods that had transactions; the other
    /// `span − amounts.count` periods of the span are zero.
    public static func coefficientOfVariation(_ amounts: UnsafeBufferPointer<Double>, span: Int, total: Double) -> Double {
        let mean = total / Double(span)
        var squares = 0.0
        for v in amounts {
            let d = v - mean
            squares += d * d
        }
        squares += Double(span - amounts.count) * mean * mean
        return (squares / Double(span)).squareRoot() / mean
    }

    /// Population CV of a series given in full (zeros included); nil for fewer than two periods or a mean ≤ 0.
    public static func coefficientOfVariation(_ series: [Double]) -> Double? {
        let total = series.reduce(0, +)
        guard series.count > 1, total > 0 else { return nil }
        let nonZero = series.filter { $0 != 0 }
        return nonZero.withUnsafeBufferPointer { coefficientOfVariation($0, span: series.count, total: total) }
    }

    /// X if CV ≤ x, Y if CV ≤ y, else Z; an undefined CV (one period) is Z.
    public static func xyzClass(cv: Double?, _ thresholds: XyzThresholds) -> XyzClass {
        guard let cv else { return .z }
        if cv <= thresholds.x + AbcXyzSettings.tolerance { return .x }
        if cv <= thresholds.y + AbcXyzSettings.tolerance { return .y }
        return .z
    }
}
