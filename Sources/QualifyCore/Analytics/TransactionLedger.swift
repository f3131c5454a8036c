/// Transactions summed per customer and per period, the input of the ABC-XYZ analysis.
///
/// Built row by row in any order (files are streamed). Each customer keeps, in one 32-byte record, its revenue total,
/// first and last period, transaction count and its *current* cell (the period it last bought in, with that period's
/// running sum). A row for the current period adds to it; a row for another period files the current cell in the
/// cell list and opens a new one. So a chronological file stores one cell per customer per active period and a row
/// touches one record of memory; rows out of order leave two cells for a period, merged when the analysis runs.
public struct TransactionLedger: Sendable {
    struct CustomerState: Sendable {
        var total: Double
        var currentAmount: Double
        var first: Int32
        var last: Int32
        var transactions: Int32
        var currentPeriod: Int32
    }

    public let period: AnalysisPeriod
    public private(set) var customers = CustomerTable()
    public private(set) var transactionCount = 0
    private(set) var states: [CustomerState] = []
    /// filed cells (every customer's current cell is in `states`)
    private var cellCustomers: [Int32] = []
    private var cellPeriods: [Int32] = []
    private var cellAmounts: [Double] = []
    private var batchIndexes: [Int32] = []

    public init(period: AnalysisPeriod) {
        self.period = period
    }

    public var customerCount: Int { states.count }
    public func total(_ customer: Int) -> Double { states[customer].total }
    public func transactions(_ customer: Int) -> Int { Int(states[customer].transactions) }
    public func firstPeriod(_ customer: Int) -> Int { Int(states[customer].first) }
    public func lastPeriod(_ customer: Int) -> Int { Int(states[customer].last) }

    /// Smallest and largest period with a transaction, or nil when empty.
    public var periodRange: ClosedRange<Int>? {
        guard let lo = states.lazy.map(\.first).min(), let hi = states.lazy.map(\.last).max() else { return nil }
        return Int(lo)...Int(hi)
    }

    /// Adds a transaction (the convenient form for tests and small inputs).
    public mutating func add(customer name: String, at time: Timestamp, amount: Double) {
        let customer = customers.intern(name)
        add(customer: customer, periodIndex: Int32(truncatingIfNeeded: period.index(of: time)), amount: amount)
    }

    /// One parsed row waiting in a batch: where its customer key lies in the input, its period and amount.
    struct PendingRow {
        var keyStart: Int
        var keyEnd: Int
        var period: Int32
        var amount: Double
    }

    /// Adds a batch of rows whose keys lie in `input`: all keys are interned first, then all rows are added. Two tight
    /// loops over independent rows let the CPU overlap their cache misses (a row alone waits for its slot, then for its
    /// customer record); row order, and so every sum, is the file's.
    mutating func add(_ rows: [PendingRow], keysIn input: UnsafeBufferPointer<UInt8>) {
        batchIndexes.removeAll(keepingCapacity: true)
        for row in rows {
            batchIndexes.append(customers.intern(UnsafeBufferPointer(rebasing: input[row.keyStart..<row.keyEnd])))
        }
        for (row, customer) in zip(rows, batchIndexes) {
            add(customer: customer, periodIndex: row.period, amount: row.amount)
        }
    }

    @inline(__always)
    mutating func add(customer: Int32, periodIndex p: Int32, amount: Double) {
        let c = Int(customer)
        transactionCount += 1
        if c == states.count {
            states.append(CustomerState(total: amount, currentAmount: amount, first: p, last: p, transactions: 1, currentPeriod: p))
            return
        }
        var s = states[c]
        s.total += amount
        s.transactions += 1
        if p == s.currentPeriod {
            s.currentAmount += amount
        } else {
            if p < s.first { s.first = p }
            if p > s.last { s.last = p }
            cellCustomers.append(customer)
            cellPeriods.append(s.currentPeriod)
            cellAmounts.append(s.currentAmount)
            s.currentPeriod = p
            s.currentAmount = amount
        }
        states[c] = s
    }

    /// Calls `body` once per customer with its revenue per period: distinct periods in ascending order, each with the
    /// sum of its transactions. Periods with no transaction are absent (the caller counts them as zero).
    func forEachSeries(_ body: (_ customer: Int, _ periods: UnsafeBufferPointer<Int32>, _ amounts: UnsafeBufferPointer<Double>) -> Void) {
        let n = states.count
        // Counting sort of the cells by customer (stable: filed cells in filing order, then the current one).
        var offsets = [Int](repeating: 0, count: n + 1)
        for c in cellCustomers { offsets[Int(c) + 1] += 1 }
        for i in 0..<n { offsets[i + 1] += offsets[i] + 1 }
        let cellCount = offsets[n]
        var periods = [Int32](repeating: 0, count: cellCount)
        var amounts = [Double](repeating: 0, count: cellCount)
        var fill = offsets
        for k in 0..<cellCustomers.count {
            let c = Int(cellCustomers[k])
            periods[fill[c]] = cellPeriods[k]
            amounts[fill[c]] = cellAmounts[k]
            fill[c] += 1
        }
        for c in 0..<n {
            periods[fill[c]] = states[c].currentPeriod
            amounts[fill[c]] = states[c].currentAmount
        }
        periods.withUnsafeMutableBufferPointer { periods in
            amounts.withUnsafeMutableBufferPointer { amounts in
                for c in 0..<n {
                    let lo = offsets[c], hi = offsets[c + 1]
                    var sorted = true
                    var k = lo + 1
                    while k < hi {
                        if periods[k] <= periods[k - 1] {
                            sorted = false
                            break
                        }
                        k += 1
                    }
                    var end = hi
                    if !sorted { Self.sortAndMerge(periods, amounts, lo, hi, into: &end) }
                    body(c, UnsafeBufferPointer(rebasing: periods[lo..<end]), UnsafeBufferPointer(rebasing: amounts[lo..<end]))
                }
            }
        }
    }

    /// Sorts one customer's cells by period and adds up cells of the same period; `end` becomes the end of the merged run.
    private static func sortAndMerge(_ periods: UnsafeMutableBufferPointer<Int32>, _ amounts: UnsafeMutableBufferPointer<Double>,
                                     _ lo: Int, _ hi: Int, into end: inout Int) {
        var pairs = (lo..<hi).map { (periods[$0], amounts[$0]) }
        pairs.sort { $0.0 < $1.0 }
        var w = lo
        for (p, a) in pairs {
            if w > lo, periods[w - 1] == p {
                amounts[w - 1] += a
            } else {
                periods[w] = p
                amounts[w] = a
                w += 1
            }
        }
        end = w
    }
}
