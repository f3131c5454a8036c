import Foundation
import QualifyApp
import QualifyCore
import Testing

/// The ideal customer profile on the public data sets, checked against a plain recomputation: the classes from
/// ``ReferenceAbcXyz``, each customer's trait value counted with dictionaries over rows split by hand, the lift and its
/// interval written out again here. Nothing below calls the profile's code except to get the report under test.
@Suite struct IcpDataTests {
    struct Expected {
        var best = 0, rest = 0
    }

    /// The customer's most frequent value; ties to the smaller (numerically when `numeric`, else by UTF-8 bytes).
    static func modes(_ rows: [(customer: String, value: String)], numeric: Bool) -> [String: String] {
        var counts: [String: [String: Int]] = [:]
        for row in rows where !row.value.isEmpty { counts[row.customer, default: [:]][row.value, default: 0] += 1 }
        return counts.mapValues { values in
            values.sorted { l, r in
                if l.value != r.value { return l.value > r.value }
                if numeric { return Double(l.key)! < Double(r.key)! }
                return Array(l.key.utf8).lexicographicallyPrecedes(Array(r.key.utf8))
            }[0].key
        }
    }

    /// Checks one trait of the report against expected counts per label.
    static func check(_ trait: IcpTrait, _ expected: [String: Expected], best n1: Int, rest n0: Int) {
        #expect(Set(trait.values.map(\.value)) == Set(expected.keys), "\(trait.name)")
        for row in trait.values {
            guard let e = expected[row.value] else { continue }
            #expect(row.best == e.best && row.rest == e.rest, "\(trait.name) = \(row.value)")
            #expect(row.bestShare == Double(e.best) / Double(n1))
            #expect(row.restShare == Double(e.rest) / Double(n0))
            let k = (e.best == 0 || e.rest == 0 || e.best == n1 || e.rest == n0) ? 0.5 : 0
            let a = Double(e.best) + k, c = Double(e.rest) + k, m1 = Double(n1) + 2 * k, m0 = Double(n0) + 2 * k
            let lift = (a / m1) / (c / m0)
            let se = sqrt(1 / a - 1 / m1 + 1 / c - 1 / m0)
            #expect(abs(row.lift.lift - lift) < 1e-9 * lift)
            #expect(abs(row.lift.lower - lift * exp(-1.959963984540054 * se)) < 1e-9 * lift)
            #expect(abs(row.lift.upper - lift * exp(1.959963984540054 * se)) < 1e-9 * row.lift.upper)
            let verdict: TraitVerdict = e.best < 5 ? .tooFew
                : lift * exp(-1.959963984540054 * se) > 1 ? .higher : lift * exp(1.959963984540054 * se) < 1 ? .lower : .notSignificant
            #expect(row.verdict == verdict, "\(trait.name) = \(row.value)")
        }
    }

    static func profile(_ path: String, traits: [String], period: AnalysisPeriod, delimiter: TransactionDelimiter = .comma) throws -> IcpReport {
        let read = try CustomerProfileImporter(transactions: TransactionImporter(period: period, delimiter: delimiter), traits: .named(traits))
            .run(path: path)
        let abcxyz = AbcXyzAnalysis.run(read.imported.ledger, settings: AbcXyzSettings(period: period))
        return try IdealCustomerProfile.run(IcpPopulation(abcxyz, classes: .standard), tally: read.tally, traits: read.traits)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: SharedData.saas) || ProcessInfo.processInfo.environment["CI"] != nil,
                   SharedData.missing(SharedData.saas)))
    func saasSalesIndustryAndSegmentSharesMatchAPlainCount() throws {
        // by month every SaaS customer is Z (no AX, AY or BX): by quarter, 31 are AY
        let report = try Self.profile(SharedData.saas, traits: ["Industry", "Segment"], period: .quarter)
        let reference = ReferenceAbcXyz.classify(try ReferenceAbcXyz.saasRows(), period: .quarter)
        let best = Set(reference.classes.filter { ["AX", "AY", "BX"].contains($0.value.abc + $0.value.xyz) }.keys)
        let everyone = Set(reference.classes.keys).union(reference.unclassified)
        #expect(report.bestCount == best.count && report.restCount == everyone.count - best.count)
        #expect(report.bestCount > 0)
        // Customer ID is field 10, Industry 11, Segment 12 (no quoted fields in this file)
        let lines = try String(contentsOfFile: SharedData.saas, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        let fields = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        for (column, name) in [(11, "Industry"), (12, "Segment")] {
            let modes = Self.modes(fields.map { ($0[10], $0[column]) }, numeric: false)
            var expected: [String: Expected] = [:]
            for customer in everyone {
                let value = modes[customer] ?? "(blank)"
                if best.contains(customer) { expected[value, default: Expected()].best += 1 } else { expected[value, default: Expected()].rest += 1 }
            }
            let trait = try #require(report.traits.first { $0.name == name })
            #expect(trait.kind == .categories)
            Self.check(trait, expected, best: best.count, rest: everyone.count - best.count)
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: SharedData.cdnow) || ProcessInfo.processInfo.environment["CI"] != nil,
                   SharedData.missing(SharedData.cdnow)))
    func cdnowCDsPerOrderBandsMatchAPlainCount() throws {
        let report = try Self.profile(SharedData.cdnow, traits: ["number_of_cds"], period: .month, delimiter: .whitespace)
        let reference = ReferenceAbcXyz.classify(try ReferenceAbcXyz.cdnowRows(), period: .month)
        let best = Set(reference.classes.filter { ["AX", "AY", "BX"].contains($0.value.abc + $0.value.xyz) }.keys)
        let everyone = Set(reference.classes.keys).union(reference.unclassified)
        #expect(report.bestCount == best.count && report.restCount == everyone.count - best.count)
        let lines = try String(contentsOfFile: SharedData.cdnow, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        let rows = lines.map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }.filter { $0.count == 4 }
        let modes = Self.modes(rows.map { ($0[0], $0[2]) }, numeric: true)
        // many distinct CD counts: quartile bands of the customers' values, edges at sorted[⌊k·n/4⌋], repeats dropped
        let values = everyone.compactMap { modes[$0].flatMap(Double.init) }.sorted()
        #expect(Set(values).count > 10)
        var edges = [values[0]]
        for k in 1..<4 where values[k * values.count / 4] > edges.last! { edges.append(values[k * values.count / 4]) }
        func band(_ v: Double) -> Int { edges.lastIndex { $0 <= v } ?? 0 }
        var lo: [Int: Double] = [:], hi: [Int: Double] = [:]
        for v in values {
            lo[band(v)] = min(lo[band(v)] ?? v, v)
            hi[band(v)] = max(hi[band(v)] ?? v, v)
        }
        func label(_ b: Int) -> String {
            let (l, h) = (Int(lo[b]!), Int(hi[b]!))
            return l == h ? "\(l)" : "\(l)–\(h)"
        }
        var expected: [String: Expected] = [:]
        for customer in everyone {
            let value = modes[customer].flatMap(Double.init).map { label(band($0)) } ?? "(blank)"
            if best.contains(customer) { expected[value, default: Expected()].best += 1 } else { expected[value, default: Expected()].rest += 1 }
        }
        let trait = try #require(report.traits.first)
        #expect(trait.kind == .bands)
        Self.check(trait, expected, best: best.count, rest: everyone.count - best.count)
    }
}
