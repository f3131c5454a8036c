extension IcpReport {
    /// The profile in words: which trait values make a customer more (and less) likely to be one of the best.
    ///
    /// "Your best customers (AX, AY, BX: 12 of 99) are 2.4× as likely as the rest to have Industry Finance (41.7 % vs
    /// 17.2 %), … They are less likely to have … 31 other values are not significant at 95 %; 40 have fewer than 5 best
    /// customers to judge."
    public func summary(higher: Int = 3, lower: Int = 2) -> String {
        let who = "Your best customers (\(bestLabel): \(AbcXyzMatrix.formatCount(bestCount)) of \(AbcXyzMatrix.formatCount(customerCount)))"
        let up = ranked.filter { $0.verdict == .higher }
        let down = ranked.filter { $0.verdict == .lower }.sorted { $0.lift.lift < $1.lift.lift }
        let confidence = Self.confidenceText(settings.z)
        var out: String
        if up.isEmpty && down.isEmpty {
            out = "No trait value sets your \(who.dropFirst(5)) apart from the rest at \(confidence) confidence."
        } else if up.isEmpty {
            out = "\(who) are not more likely than the rest to have any trait value (at \(confidence) confidence)."
        } else {
            let phrases = up.prefix(higher).enumerated().map { i, row in
                "\(Self.times(row.lift.lift)) as likely\(i == 0 ? " as the rest" : "") to have \(row.trait) \(row.value) "
                    + "(\(Self.percent(row.bestShare)) vs \(Self.percent(row.restShare)))"
            }
            out = "\(who) are \(Self.list(phrases))"
            if up.count > higher { out += " (and \(up.count - higher) more value\(up.count - higher == 1 ? "" : "s") above 1)" }
            out += "."
        }
        if !down.isEmpty {
            let phrases = down.prefix(lower).map { row in
                "\(row.trait) \(row.value) (\(Self.times(row.lift.lift)): \(Self.percent(row.bestShare)) vs \(Self.percent(row.restShare)))"
            }
            out += " They are less likely to have \(Self.list(phrases))."
        }
        let weak = ranked.filter { $0.verdict == .notSignificant }.count
        let few = ranked.filter { $0.verdict == .tooFew }.count
        var notes: [String] = []
        if weak > 0 { notes.append("\(AbcXyzMatrix.formatCount(weak)) \(up.isEmpty && down.isEmpty ? "" : "other ")value\(weak == 1 ? " is" : "s are") not significant at \(confidence)") }
        if few > 0 {
            notes.append("\(AbcXyzMatrix.formatCount(few)) value\(few == 1 ? " has" : "s have") fewer than \(settings.minimumBest) best customers to judge")
        }
        if !notes.isEmpty { out += " " + notes.joined(separator: "; ").capitalizedFirst + "." }
        return out
    }

    /// `2.4×`, `0.35×`
    static func times(_ lift: Double) -> String {
        AbcXyzMatrix.formatFixed(lift, decimals: lift < 1 ? 2 : 1) + "×"
    }

    static func percent(_ share: Double) -> String { AbcXyzMatrix.formatPercent(share) }

    /// "95 %" for z = 1.96
    static func confidenceText(_ z: Double) -> String {
        abs(z - TraitLift.z95) < 1e-6 ? "95 %" : "z = \(AbcXyzMatrix.formatFixed(z, decimals: 2))"
    }

    /// "a", "a and b", "a, b and c"
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
