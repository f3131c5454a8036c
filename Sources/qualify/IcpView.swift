import Foundation
import QualifyApp
import QualifyCore

/// The ideal customer profile as text: the words and a table for people, CSV and JSON for tools.
struct IcpView {
    let report: IcpReport
    let file: String

    static func percent(_ v: Double) -> String { AbcXyzMatrix.formatPercent(v) }
    static func fixed(_ v: Double) -> String { AbcXyzMatrix.formatFixed(v, decimals: 2) }
    static func count(_ n: Int) -> String { AbcXyzMatrix.formatCount(n) }

    var headline: String {
        "\(file): \(Self.count(report.customerCount)) customers, \(Self.count(report.bestCount)) best (\(report.bestLabel)), "
            + "\(Self.count(report.restCount)) others; \(report.traits.count) trait\(report.traits.count == 1 ? "" : "s")"
    }

    func tableText() -> String {
        var out = [headline, "", report.summary(), ""]
        let rows = report.ranked.map { r in
            [r.trait, r.value, Self.count(r.best), Self.percent(r.bestShare), Self.count(r.rest), Self.percent(r.restShare),
             Self.fixed(r.lift.lift) + (r.lift.corrected ? "*" : ""), "\(Self.fixed(r.lift.lower))–\(Self.fixed(r.lift.upper))",
             r.verdict.rawValue]
        }
        out.append(table(header: ["TRAIT", "VALUE", "BEST", "SHARE", "REST", "SHARE", "LIFT", "95 % CI", ""], rows: rows))
        out.append("")
        out.append("lift = share among the best / share among the rest; 95 % CI: Katz log interval"
                   + (report.ranked.contains { $0.lift.corrected } ? " (* a zero cell: 0.5 added to each cell)" : "")
                   + "; \"too few\": fewer than \(report.settings.minimumBest) best customers have the value.")
        let banded = report.traits.filter { $0.kind == .bands }.map(\.name)
        if !banded.isEmpty {
            out.append("Banded into quartiles of the customers' values: \(banded.joined(separator: ", ")).")
        }
        return out.joined(separator: "\n")
    }

    func csv() -> String {
        var out = "trait,value,best,best_share,rest,rest_share,lift,lift_low,lift_high,corrected,verdict\n"
        for r in report.ranked {
            out += [r.trait, r.value, "\(r.best)", AbcXyzMatrix.formatFixed(r.bestShare, decimals: 6), "\(r.rest)",
                    AbcXyzMatrix.formatFixed(r.restShare, decimals: 6), AbcXyzMatrix.formatFixed(r.lift.lift, decimals: 6),
                    AbcXyzMatrix.formatFixed(r.lift.lower, decimals: 6), AbcXyzMatrix.formatFixed(r.lift.upper, decimals: 6),
                    r.lift.corrected ? "true" : "false", r.verdict.rawValue].map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    struct JSONReport: Encodable {
        struct Row: Encodable {
            var trait, value: String
            var best, rest: Int
            var bestShare, restShare, lift, liftLow, liftHigh: Double
            var corrected: Bool
            var verdict: String
            var between: [Double]?
        }
        struct Trait: Encodable {
            var name, kind: String
            var blank: Int
        }
        var file, best, summary: String
        var customers, bestCustomers, otherCustomers, minimumBest: Int
        var traits: [Trait]
        var skipped: [SkippedTraitColumn]
        var values: [Row]
    }

    func json(skipped: [SkippedTraitColumn]) throws -> String {
        let r = report
        let value = JSONReport(
            file: file, best: r.bestLabel, summary: r.summary(), customers: r.customerCount, bestCustomers: r.bestCount,
            otherCustomers: r.restCount, minimumBest: r.settings.minimumBest,
            traits: r.traits.map { .init(name: $0.name, kind: $0.kind.rawValue, blank: $0.blank) }, skipped: skipped,
            values: r.ranked.map { row in
                var between: [Double]?
                if case .between(let lo, let hi) = row.test { between = [lo, hi] }
                return .init(trait: row.trait, value: row.value, best: row.best, rest: row.rest, bestShare: row.bestShare,
                             restShare: row.restShare, lift: row.lift.lift, liftLow: row.lift.lower, liftHigh: row.lift.upper,
                             corrected: row.lift.corrected, verdict: row.verdict.rawValue, between: between)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
