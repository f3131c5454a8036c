/// How often each customer was seen with each value of each trait column, and from that each customer's value.
///
/// **A customer's value of a trait is its most frequent non-blank value across its rows** (transaction files repeat
/// the account's industry or country on every line, and exports are not always consistent). Ties go to the smaller
/// value: numerically for a numeric trait, else in byte order of the text (`Enterprise` before `SMB`) — a rule that
/// does not depend on the order of the rows. A customer whose rows are all blank for the trait has no value (reported
/// as "(blank)"). Values are compared as written, after trimming spaces.
public struct CustomerTraitTally: Sendable {
    /// One trait column's counts.
    struct Column: Sendable {
        var header: String
        var valueIndex: [String: Int32] = [:]
        var values: [String] = []
        /// (customer << 32 | value) → rows
        var counts: [UInt64: Int32] = [:]
        /// every non-blank value read as a finite number
        var numeric = true
        /// distinct values over all rows exceeded the automatic limit: counts were dropped
        var dropped = false
    }

    public private(set) var customers = CustomerTable()
    var columns: [Column]

    /// - Parameter traits: the trait columns' headers, in the order they are reported.
    public init(traits: [String]) {
        columns = traits.map { Column(header: $0) }
    }

    /// The trait columns still counted (the automatic selection drops some while reading).
    public var traits: [String] { columns.filter { !$0.dropped }.map(\.header) }

    /// Whether every non-blank value of a trait reads as a number.
    public func isNumeric(_ trait: String) -> Bool {
        columns.first { $0.header == trait }?.numeric ?? false
    }

    /// Distinct non-blank values of a column over all rows (not per customer).
    func distinctCount(_ column: Int) -> Int { columns[column].values.count }

    /// Counts one row: `values[i]` is the row's text for trait column i (trimmed; empty for blank).
    public mutating func add(customer: String, values: [String]) {
        add(customer: customers.intern(customer), values: values)
    }

    mutating func add(customer: Int32, values: [String]) {
        for (i, value) in values.enumerated() where i < columns.count && !columns[i].dropped && !value.isEmpty {
            let v: Int32
            if let known = columns[i].valueIndex[value] {
                v = known
            } else {
                v = Int32(columns[i].values.count)
                columns[i].valueIndex[value] = v
                columns[i].values.append(value)
                if columns[i].numeric, Self.number(value) == nil { columns[i].numeric = false }
            }
            columns[i].counts[UInt64(UInt32(bitPattern: customer)) << 32 | UInt64(UInt32(bitPattern: v)), default: 0] += 1
        }
    }

    /// Stops counting a column and frees its counts.
    mutating func drop(_ column: Int) {
        columns[column].dropped = true
        columns[column].counts = [:]
    }

    func isDropped(_ column: Int) -> Bool { columns[column].dropped }

    /// Every customer's value of `trait` (by customer key), blank customers left out; nil for an unknown trait.
    public func values(of trait: String) -> [String: String]? {
        guard let column = columns.first(where: { $0.header == trait && !$0.dropped }) else { return nil }
        var best: [Int32: (value: Int32, count: Int32)] = [:]
        for (key, count) in column.counts {
            let customer = Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32))
            let value = Int32(bitPattern: UInt32(truncatingIfNeeded: key))
            if let held = best[customer] {
                if count > held.count
                    || (count == held.count && Self.precedes(column.values[Int(value)], column.values[Int(held.value)], numeric: column.numeric)) {
                    best[customer] = (value, count)
                }
            } else {
                best[customer] = (value, count)
            }
        }
        var out: [String: String] = [:]
        out.reserveCapacity(best.count)
        for (customer, held) in best { out[customers.name(customer)] = column.values[Int(held.value)] }
        return out
    }

    /// The tie rule: the smaller number for numeric traits, else byte order.
    public static func precedes(_ a: String, _ b: String, numeric: Bool) -> Bool {
        if numeric, let x = number(a), let y = number(b), x != y { return x < y }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// A value read as a number: plain decimal notation such as `12`, `-3.5`, `1e3`; nil for anything else.
    public static func number(_ text: String) -> Double? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= 48 && first <= 57),
              let v = Double(text), v.isFinite else { return nil }
        return v
    }
}
