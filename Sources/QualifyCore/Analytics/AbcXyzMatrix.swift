/// The 3 × 3 ABC-XYZ matrix: customers and revenue per group, with a generated description of each group.
public struct AbcXyzMatrix: Sendable, Hashable, Codable {
    public struct Cell: Sendable, Hashable, Codable {
        public var abc: AbcClass
        public var xyz: XyzClass
        public var customers: Int
        public var revenue: Double
        /// fraction of the classified revenue (0…1); the nine cells add up to 1
        public var share: Double
        /// customers in the cell whose span is a single period (always Z)
        public var singlePeriodCustomers: Int
        public var description: String

        public var group: String { abc.rawValue + xyz.rawValue }
    }

    /// AX, AY, AZ, BX, … CZ (row by row).
    public var cells: [Cell]

    public func cell(_ abc: AbcClass, _ xyz: XyzClass) -> Cell {
        cells[Self.position(abc, xyz)]
    }

    static func position(_ abc: AbcClass, _ xyz: XyzClass) -> Int {
        let row: Int
        switch abc {
        case .a: row = 0
        case .b: row = 1
        case .c: row = 2
        }
        switch xyz {
        case .x: return row * 3
        case .y: return row * 3 + 1
        case .z: return row * 3 + 2
        }
    }

    public init(customers: [CustomerClassification], classifiedRevenue: Double, period: AnalysisPeriod) {
        var counts = [Int](repeating: 0, count: 9)
        var revenue = [Double](repeating: 0, count: 9)
        var single = [Int](repeating: 0, count: 9)
        for c in customers {
            let k = Self.position(c.abc, c.xyz)
            counts[k] += 1
            revenue[k] += c.revenue
            if c.spanPeriods == 1 { single[k] += 1 }
        }
        var cells: [Cell] = []
        for abc in AbcClass.allCases {
            for xyz in XyzClass.allCases {
                let k = Self.position(abc, xyz)
                let share = classifiedRevenue > 0 ? revenue[k] / classifiedRevenue : 0
                cells.append(Cell(abc: abc, xyz: xyz, customers: counts[k], revenue: revenue[k], share: share,
                                  singlePeriodCustomers: single[k],
                                  description: Self.describe(abc, xyz, customers: counts[k], share: share,
                                                             singlePeriod: single[k], period: period)))
            }
        }
        self.cells = cells
    }

    /// "AX: 12 customers, 61.0 % of revenue — key customers, steady monthly buyers; keep them served and grow them".
    public static func describe(_ abc: AbcClass, _ xyz: XyzClass, customers: Int, share: Double, singlePeriod: Int,
                                period: AnalysisPeriod) -> String {
        let who: String
        switch abc {
        case .a: who = "key customers"
        case .b: who = "mid-value customers"
        case .c: who = "small customers"
        }
        var how: String
        switch xyz {
        case .x: how = "steady \(period.adjective) buyers"
        case .y: how = "fluctuating \(period.adjective) buyers"
        case .z: how = "irregular buyers"
        }
        if singlePeriod > 0 {
            how += singlePeriod == customers ? " (all bought in one \(period.rawValue) only)"
                : " (\(formatCount(singlePeriod)) bought in one \(period.rawValue) only)"
        }
        let advice: String
        switch (abc, xyz) {
        case (.a, .x): advice = "protect and grow them: reliable revenue to plan on"
        case (.a, .y): advice = "plan around their peaks with account management"
        case (.a, .z): advice = "large but unpredictable: find out what triggers their orders"
        case (.b, .x): advice = "steady: candidates to upsell toward A"
        case (.b, .y): advice = "regular attention; smooth their ordering"
        case (.b, .z): advice = "serve on demand"
        case (.c, .x): advice = "low value but dependable: automate and serve at low cost"
        case (.c, .y): advice = "low-touch, automated service"
        case (.c, .z): advice = "occasional small buyers: lowest priority"
        }
        let noun = customers == 1 ? "customer" : "customers"
        return "\(abc.rawValue)\(xyz.rawValue): \(formatCount(customers)) \(noun), \(formatPercent(share)) of revenue — "
            + "\(who), \(how); \(advice)"
    }

    /// `0.6123` → `61.2 %`
    public static func formatPercent(_ fraction: Double, decimals: Int = 1) -> String {
        formatFixed(fraction * 100, decimals: decimals) + " %"
    }

    /// `1234567` → `1,234,567`
    public static func formatCount(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// A number with a fixed count of decimals, rounded half away from zero: `formatFixed(2.345, 2)` → `2.35`
    /// (no Foundation `String(format:)` in the core).
    public static func formatFixed(_ value: Double, decimals: Int) -> String {
        var bytes: [UInt8] = []
        appendFixed(value, decimals: decimals, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``formatFixed(_:decimals:)`` appended as UTF-8 bytes: a million CSV rows without a `String` per number.
    public static func appendFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: (value.isNaN ? "nan" : value < 0 ? "-inf" : "inf").utf8)
            return
        }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        let units = UInt64(scaled)
        if value < 0 && units != 0 { out.append(45) }
        appendDigits(units / scale, to: &out)
        if decimals > 0 {
            out.append(46)
            appendDigits(units % scale, to: &out, width: decimals)
        }
    }

    /// The decimal digits of a number, appended, left-padded with zeros to `width`.
    public static func appendDigits(_ value: UInt64, to out: inout [UInt8], width: Int = 1) {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        count = max(count, width)
        let start = out.count
        out.append(contentsOf: repeatElement(48, count: count))
        var v = value
        var k = start + count - 1
        while v > 0 {
            out[k] = 48 + UInt8(v % 10)
            v /= 10
            k -= 1
        }
    }
}
