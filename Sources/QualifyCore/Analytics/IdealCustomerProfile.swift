/// The ideal customer profile: for every trait value, how much more common it is among the best customers (by default
/// the ABC-XYZ groups AX, AY and BX) than among all the others.
///
/// For each trait (a column of the transactions file such as industry, segment, country or size) every customer has
/// one value: its most frequent one (``CustomerTraitTally``). A numeric trait with more than ten distinct customer
/// values is cut into quartile bands (``NumericBands``). For each value: the share of the best customers that have it,
/// the share of the rest, the lift (best share / rest share) and its 95 % interval (``TraitLift``: Katz's log interval,
/// 0.5 added to every cell when one is zero). A value held by fewer than five best customers is "too few" to judge;
/// otherwise it is significant when its interval excludes 1. Shares are of all best (or all other) customers, so a
/// customer with no value for a trait counts under "(blank)".
public enum IdealCustomerProfile {
    /// - Parameters:
    ///   - population: every customer and whether it is one of the best
    ///   - tally: the customers' trait values
    ///   - traits: the traits to profile, in report order
    public static func run(_ population: IcpPopulation, tally: CustomerTraitTally, traits: [String],
                           settings: IcpSettings = IcpSettings()) throws(IcpProblem) -> IcpReport {
        let n1 = population.bestCount, n0 = population.restCount
        guard n1 > 0 else { throw .noBestCustomers(population.bestLabel, customers: population.customers.count) }
        guard n0 > 0 else { throw .noOtherCustomers(population.bestLabel, customers: population.customers.count) }
        var profiled: [IcpTrait] = []
        for trait in traits {
            let values = tally.values(of: trait) ?? [:]
            profiled.append(profile(trait, values: population.customers.map { values[$0] }, numeric: tally.isNumeric(trait),
                                    best: population.best, n1: n1, n0: n0, settings: settings))
        }
        return IcpReport(settings: settings, bestLabel: population.bestLabel, bestCount: n1, restCount: n0, traits: profiled,
                         ranked: rank(profiled))
    }

    /// One trait: `values[i]` is customer i's value (nil: blank), `best[i]` whether it is one of the best.
    static func profile(_ trait: String, values: [String?], numeric: Bool, best: [Bool], n1: Int, n0: Int,
                        settings: IcpSettings) -> IcpTrait {
        let distinct = Set(values.compactMap { $0 })
        var labels: [String?]
        var tests: [String: TraitTest] = [:]
        var order: [String] = []
        let kind: IcpTrait.Kind
        if numeric, distinct.count > settings.maxCategories {
            kind = .bands
            let numbers = values.map { $0.flatMap(CustomerTraitTally.number) }
            let bands = NumericBands(values: numbers.compactMap { $0 }, count: settings.bands)
            var ranges = [(lo: Double, hi: Double)?](repeating: nil, count: bands.count)
            let bandOf = numbers.map { $0.map(bands.band) }
            for (number, band) in zip(numbers, bandOf) {
                guard let number, let band else { continue }
                let r = ranges[band] ?? (number, number)
                ranges[band] = (min(r.lo, number), max(r.hi, number))
            }
            let names = ranges.map { r in
                r.map { $0.lo == $0.hi ? NumericBands.plain($0.lo) : "\(NumericBands.plain($0.lo))–\(NumericBands.plain($0.hi))" }
            }
            for (band, r) in ranges.enumerated() {
                guard let r, let name = names[band] else { continue }
                tests[name] = .between(r.lo, r.hi)
                order.append(name)
            }
            labels = bandOf.map { $0.flatMap { names[$0] } }
        } else {
            kind = .categories
            labels = values
            for v in distinct { tests[v] = .equals(v) }
        }
        var counts: [String: (best: Int, rest: Int)] = [:]
        var blank = (best: 0, rest: 0)
        for (label, isBest) in zip(labels, best) {
            guard let label else {
                if isBest { blank.best += 1 } else { blank.rest += 1 }
                continue
            }
            var c = counts[label] ?? (0, 0)
            if isBest { c.best += 1 } else { c.rest += 1 }
            counts[label] = c
        }
        if kind == .categories {
            order = counts.keys.sorted { l, r in
                let a = counts[l]!, b = counts[r]!
                if a.best != b.best { return a.best > b.best }
                if a.rest != b.rest { return a.rest > b.rest }
                return l.utf8.lexicographicallyPrecedes(r.utf8)
            }
        }
        func row(_ label: String, _ test: TraitTest, _ c: (best: Int, rest: Int)) -> TraitValueLift {
            let lift = TraitLift.compute(bestWith: c.best, best: n1, restWith: c.rest, rest: n0, z: settings.z)!
            let verdict: TraitVerdict = c.best < settings.minimumBest ? .tooFew
                : lift.lower > 1 ? .higher : lift.upper < 1 ? .lower : .notSignificant
            return TraitValueLift(trait: trait, value: label, test: test, best: c.best, rest: c.rest,
                                  bestShare: Double(c.best) / Double(n1), restShare: Double(c.rest) / Double(n0), lift: lift, verdict: verdict)
        }
        var rows = order.compactMap { label in counts[label].map { row(label, tests[label]!, $0) } }
        if blank.best + blank.rest > 0 { rows.append(row("(blank)", .blank, blank)) }
        return IcpTrait(name: trait, kind: kind, blank: blank.best + blank.rest, values: rows)
    }

    /// Significant values by lift (highest first), then the others by lift, then "too few" by best customers; ties in
    /// trait and value order.
    static func rank(_ traits: [IcpTrait]) -> [TraitValueLift] {
        var all: [(row: TraitValueLift, position: Int)] = []
        for trait in traits { for row in trait.values { all.append((row, all.count)) } }
        func group(_ v: TraitVerdict) -> Int {
            switch v {
            case .higher, .lower: return 0
            case .notSignificant: return 1
            case .tooFew: return 2
            }
        }
        all.sort { l, r in
            let gl = group(l.row.verdict), gr = group(r.row.verdict)
            if gl != gr { return gl < gr }
            if gl == 2, l.row.best != r.row.best { return l.row.best > r.row.best }
            if gl < 2, l.row.lift.lift != r.row.lift.lift { return l.row.lift.lift > r.row.lift.lift }
            return l.position < r.position
        }
        return all.map(\.row)
    }
}

public enum IcpProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case noBestCustomers(String, customers: Int)
    case noOtherCustomers(String, customers: Int)

    public var description: String {
        switch self {
        case .noBestCustomers(let label, let n):
            return "none of the \(n) customers is in \(label); a profile needs best customers to learn from — "
                + "widen --best (e.g. --best A or --best AX,AY,AZ,BX,BY), try a longer --period (quarter), or check the ABC-XYZ classes with `qualify abcxyz`"
        case .noOtherCustomers(let label, let n):
            return "all \(n) customers are in \(label), so there is no one to compare them with; narrow --best"
        }
    }
}
