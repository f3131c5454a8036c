import Foundation
import QualifyApp
import QualifyCore
import Testing

/// The public data sets next to the repository (`../shared/data`, see DESIGN.md "Data on hand").
enum SharedData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data").standardized
    static let saas = root.appendingPathComponent("aws-saas-sales/SaaS-Sales.csv").path
    static let cdnow = root.appendingPathComponent("cdnow-transactions/CDNOW_master.txt").path
    static func missing(_ path: String) -> Comment { "skipped: \(path) not found (the public data sets live in ../shared/data; see its README)" }
}

/// An independent ABC-XYZ, written the plain way: dictionaries keyed by customer and period, every period of the span
/// materialized (zeros included), Foundation's calendar for dates. It shares no code with the product.
struct ReferenceAbcXyz {
    struct Row {
        var customer: String
        var date: DateComponents
        var amount: Double
    }

    struct Result {
        var abc: String
        var xyz: String
        var revenue: Double
        var cv: Double?
    }

    static func classify(_ rows: [Row], period: AnalysisPeriod) -> (classes: [String: Result], unclassified: Set<String>) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var dayCache: [DateComponents: Int] = [:]
        func key(_ d: DateComponents) -> Int {
            switch period {
            case .month: return d.year! * 12 + d.month! - 1
            case .quarter: return d.year! * 4 + (d.month! - 1) / 3
            case .week:
                let days = dayCache[d] ?? {
                    let v = Int((calendar.date(from: d)!.timeIntervalSince1970 / 86_400).rounded(.down))
                    dayCache[d] = v
                    return v
                }()
                return Int((Double(days + 3) / 7).rounded(.down))  // weeks from Monday 1969-12-29
            }
        }
        var perPeriod: [String: [Int: Double]] = [:]
        var totals: [String: Double] = [:]
        for row in rows {
            perPeriod[row.customer, default: [:]][key(row.date), default: 0] += row.amount
            totals[row.customer, default: 0] += row.amount
        }
        let positive = totals.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let grand = positive.reduce(0.0) { $0 + $1.value }
        var classes: [String: Result] = [:]
        var running = 0.0
        for (customer, revenue) in positive {
            let abc = running / grand < 0.8 - 1e-9 ? "A" : running / grand < 0.95 - 1e-9 ? "B" : "C"
            running += revenue
            let periods = perPeriod[customer]!
            let first = periods.keys.min()!, last = periods.keys.max()!
            let series = (first...last).map { periods[$0] ?? 0 }
            var cv: Double?
            if series.count > 1 {
                let mean = series.reduce(0, +) / Double(series.count)
                let variance = series.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(series.count)
                cv = variance.squareRoot() / mean
            }
            let xyz = cv.map { $0 <= 0.5 + 1e-9 ? "X" : $0 <= 1.0 + 1e-9 ? "Y" : "Z" } ?? "Z"
            classes[customer] = Result(abc: abc, xyz: xyz, revenue: revenue, cv: cv)
        }
        return (classes, Set(totals.filter { $0.value <= 0 }.keys))
    }

    /// SaaS-Sales.csv: no quoted fields, so a plain split; dates M/D/YYYY; Customer ID (col 10) and Sales (col 15).
    static func saasRows() throws -> [Row] {
        let text = try String(contentsOfFile: SharedData.saas, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let mdy = f[2].split(separator: "/").map { Int($0)! }
            return Row(customer: String(f[10]), date: DateComponents(year: mdy[2], month: mdy[0], day: mdy[1]), amount: Double(f[15])!)
        }
    }

    /// CDNOW_master.txt: whitespace-separated id, YYYYMMDD, CDs, dollars, after a header line.
    static func cdnowRows() throws -> [Row] {
        let text = try String(contentsOfFile: SharedData.cdnow, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count == 4, let ymd = Int(f[1]) else { return nil }
            return Row(customer: String(f[0]), date: DateComponents(year: ymd / 10_000, month: ymd / 100 % 100, day: ymd % 100),
                       amount: Double(f[3])!)
        }
    }
}

@Suite struct TransactionImportDataTests {
    func compare(_ report: AbcXyzReport, with reference: (classes: [String: ReferenceAbcXyz.Result], unclassified: Set<String>)) {
        #expect(report.customers.count == reference.classes.count)
        #expect(Set(report.unclassified.map(\.customer)) == reference.unclassified)
        var differing: [String] = []
        for c in report.customers {
            guard let r = reference.classes[c.customer] else {
                differing.append("\(c.customer): not in the reference")
                continue
            }
            let cvAgrees = switch (c.cv, r.cv) {
            case (nil, nil): true
            case (let a?, let b?): abs(a - b) <= 1e-9 * max(1, abs(b))
            default: false
            }
            if c.abc.rawValue != r.abc || c.xyz.rawValue != r.xyz || abs(c.revenue - r.revenue) > 1e-6 * max(1, r.revenue) || !cvAgrees {
                differing.append("\(c.customer): \(c.group) \(c.revenue) cv \(c.cv ?? -1) vs \(r.abc)\(r.xyz) \(r.revenue) cv \(r.cv ?? -1)")
            }
        }
        #expect(differing.count == 0, "customers differ, e.g. \(differing.prefix(5))")
        let counts = Dictionary(grouping: reference.classes.values, by: { $0.abc + $0.xyz }).mapValues(\.count)
        for cell in report.matrix.cells {
            #expect(cell.customers == counts[cell.group, default: 0], "\(cell.group)")
        }
        #expect(abs(report.matrix.cells.map(\.share).reduce(0, +) - 1) < 1e-9)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: SharedData.saas), SharedData.missing(SharedData.saas)),
          arguments: AnalysisPeriod.allCases)
    func saasSalesClassesMatchAPlainRecomputation(_ period: AnalysisPeriod) throws {
        let imported = try TransactionImporter(period: period).run(path: SharedData.saas)
        let c = imported.columns
        #expect([c.headers[c.customer], c.headers[c.date], c.headers[c.amount]] == ["Customer ID", "Order Date", "Sales"])
        #expect(imported.rows == 9994)
        #expect(imported.rejectedCount == 0)
        let report = AbcXyzAnalysis.run(imported.ledger, settings: AbcXyzSettings(period: period))
        #expect(report.customers.count == 99)
        #expect(abs(report.classifiedRevenue - 2_297_200.86) < 0.01)  // SOURCE.md: total Sales
        #expect(report.customers.filter { $0.abc == .a }.count == 64)  // SOURCE.md: 64 of the 99 make up 80 %
        compare(report, with: ReferenceAbcXyz.classify(try ReferenceAbcXyz.saasRows(), period: period))
    }

    /// CDNOW is read through the documented `--delimiter whitespace` option (no converter).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: SharedData.cdnow), SharedData.missing(SharedData.cdnow)),
          arguments: AnalysisPeriod.allCases)
    func cdnowClassesMatchAPlainRecomputation(_ period: AnalysisPeriod) throws {
        let imported = try TransactionImporter(period: period, delimiter: .whitespace).run(path: SharedData.cdnow)
        let c = imported.columns
        #expect([c.headers[c.customer], c.headers[c.date], c.headers[c.amount]] == ["customer_id", "date", "dollar_value"])
        #expect(imported.rows == 69_659)
        #expect(imported.rejectedCount == 0)
        let report = AbcXyzAnalysis.run(imported.ledger, settings: AbcXyzSettings(period: period))
        #expect(report.customers.count + report.unclassified.count == 23_570)  // SOURCE.md
        #expect(abs(report.classifiedRevenue - 2_500_315.63) < 0.01)
        compare(report, with: ReferenceAbcXyz.classify(try ReferenceAbcXyz.cdnowRows(), period: period))
    }
}
