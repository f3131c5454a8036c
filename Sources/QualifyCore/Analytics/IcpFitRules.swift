/// Fit rules written from an ideal customer profile, in the model file's syntax, ready to paste under `fit: rules:`.
///
/// One rule per trait value whose lift is significantly above 1 (the ``TraitVerdict/higher`` ones), worth
/// `round(10 × ln(lift))` points: a lift of 2 gives 7 points, e (2.72) gives 10, 4 gives 14 — log-odds-like points, so
/// two independent traits add up the way their lifts multiply. Values worth 0 points after rounding and blank values
/// are left out. The field is the lead field the column imports to (`Industry` → `industry`, `Number of Employees` →
/// `employees`, other headers in snake_case), a category becomes `equals` (compared ignoring case) and a band becomes
/// `between: [lowest, highest]` (the values seen in it).
public enum IcpFitRules {
    /// points per unit of ln(lift)
    public static let scale = 10.0

    /// The rule lines are indented for the default model's layout (`fit:` → `  rules:` → `    - { … }`).
    public static let indent = "    "

    public static func points(lift: Double, scale: Double = scale) -> Int {
        Int((scale * PredictionMath.log(lift)).rounded(.toNearestOrAwayFromZero))
    }

    /// The rules with a comment header naming where they came from (`source`: the command and file).
    public static func yaml(_ report: IcpReport, source: String, scale: Double = scale) -> String {
        let confidence = IcpReport.confidenceText(report.settings.z)
        var lines = [
            "# Ideal customer profile fit rules, from \(source):",
            "# best customers \(report.bestLabel) (\(report.bestCount) of \(report.customerCount)) against the other \(report.restCount).",
            "# One rule per trait value significantly more common among the best (\(confidence) interval of the lift above 1,",
            "# at least \(report.settings.minimumBest) best customers); points = round(\(NumericBands.plain(scale)) × ln(lift)).",
            "# Paste these lines under `fit: rules:` in your model file (indented as here), then: qualify model check FILE",
        ]
        var used: Set<String> = []
        var rules = 0
        for row in report.ranked where row.verdict == .higher {
            let points = points(lift: row.lift.lift, scale: scale)
            guard points > 0 else { continue }
            let field = LeadFields.field(forHeader: row.trait)
            let test: String
            switch row.test {
            case .equals(let value): test = "equals: \(quoted(value))"
            case .between(let lo, let hi): test = "between: [\(NumericBands.plain(lo)), \(NumericBands.plain(hi))]"
            case .blank: continue
            }
            var id = String("icp-\(slug(field))-\(slug(row.value))".prefix(60))
            while id.hasSuffix("-") { id.removeLast() }
            var unique = id
            var n = 2
            while !used.insert(unique).inserted {
                unique = "\(id)-\(n)"
                n += 1
            }
            let ci = "\(AbcXyzMatrix.formatFixed(row.lift.lift, decimals: 2)) (\(AbcXyzMatrix.formatFixed(row.lift.lower, decimals: 2))–"
                + "\(AbcXyzMatrix.formatFixed(row.lift.upper, decimals: 2)))"
            lines.append("- { id: \(unique), when: { field: \(quoted(field)), \(test) }, points: \(points) }"
                         + "  # lift \(ci): \(IcpReport.percent(row.bestShare)) of best vs \(IcpReport.percent(row.restShare)) of the rest")
            rules += 1
        }
        if rules == 0 {
            lines.append("# No trait value is significantly more common among the best customers: no rule to add.")
        }
        return lines.map { indent + $0 }.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Letters and digits lowercased; every other run becomes one `-`.
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for u in text.lowercased().unicodeScalars {
            if u.properties.isAlphabetic || ("0"..."9").contains(u) {
                if dash && !out.isEmpty { out += "-" }
                dash = false
                out.unicodeScalars.append(u)
            } else {
                dash = true
            }
        }
        return out.isEmpty ? "value" : out
    }
}
