/// The customers an ideal customer profile compares: every customer, and whether it is one of the best.
public struct IcpPopulation: Sendable, Hashable {
    public var customers: [String]
    public var best: [Bool]
    /// how the best were chosen, for people: "AX, AY, BX"
    public var bestLabel: String

    public init(customers: [String], best: [Bool], bestLabel: String) {
        precondition(customers.count == best.count)
        self.customers = customers
        self.best = best
        self.bestLabel = bestLabel
    }

    /// Every customer of an ABC-XYZ report: the best are those in `classes`; the rest are all the others, including
    /// the customers left unclassified for a zero or negative net revenue.
    public init(_ report: AbcXyzReport, classes: BestClasses) {
        customers = report.customers.map(\.customer) + report.unclassified.map(\.customer)
        best = report.customers.map { classes.contains($0.group) } + report.unclassified.map { _ in false }
        bestLabel = classes.label
    }

    public var bestCount: Int { best.lazy.filter { $0 }.count }
    public var restCount: Int { best.count - bestCount }
}
