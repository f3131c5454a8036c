import Foundation
import QualifyCore

/// The ABC-XYZ report as text: the table for people, the matrix as CSV, everything as JSON, the customers' CSV.
public struct AbcXyzView {
    public let report: AbcXyzReport
    public let file: String
    public init(report: AbcXyzReport, file: String) {
        self.report = report
        self.file = file
    }

    public var settings: AbcXyzSettings { report.settings }
    public func label(_ period: Int) -> String { settings.period.label(of: period) }
    public static func money(_ v: Double) -> String { AbcXyzMatrix.formatFixed(v, decimals: 2) }
    /// `2297200.861` → `2,297,200.86`, for people (the CSV files keep plain numbers).
    public static func groupedMoney(_ v: Double) -> String {
        let text = AbcXyzMatrix.formatFixed(v, decimals: 2)
        let negative = text.hasPrefix("-")
        let parts = text.drop(while: { $0 == "-" }).split(separator: ".")
        let whole = AbcXyzMatrix.formatCount(Int(parts[0]) ?? 0)
        return (negative ? "-" : "") + whole + "." + parts[1]
    }

    public static func percent(_ v: Double) -> String { AbcXyzMatrix.formatPercent(v) }
    public static func count(_ n: Int) -> String { AbcXyzMatrix.formatCount(n) }

    /// "monthly, 2020-01 … 2023-12 (48 months)"
    var periodText: String {
        guard let first = report.firstPeriod, let last = report.lastPeriod else { return settings.period.adjective }
        let n = last - first + 1
        return "\(settings.period.adjective), \(label(first)) … \(label(last)) (\(n) \(settings.period.rawValue)\(n == 1 ? "" : "s"))"
    }

    /// "23,502 customers" or "23,570 customers (23,502 classified)"
    var customersText: String {
        let classified = report.customers.count, all = classified + report.unclassified.count
        return classified == all ? "\(Self.count(all)) customers" : "\(Self.count(all)) customers (\(Self.count(classified)) classified)"
    }

    var headline: String {
        "\(file): \(customersText), \(Self.count(report.transactionCount)) transactions, "
            + "revenue \(Self.groupedMoney(report.classifiedRevenue)), \(periodText)"
    }

    var rules: String {
        let abc = settings.abc, xyz = settings.xyz
        let f = { (v: Double) in AbcXyzMatrix.formatFixed(v, decimals: v == v.rounded() ? 0 : 2) }
        return "ABC: A = first \(f(abc.a)) % of revenue, B = next \(f(abc.b)) %, C = last \(f(abc.c)) %. "
            + "XYZ: CV of \(settings.period.adjective) revenue over each customer's active span; X ≤ \(xyz.x), Y ≤ \(xyz.y), "
            + "Z above (or active in one \(settings.period.rawValue) only)."
    }

    var unclassifiedNote: String? {
        guard !report.unclassified.isEmpty else { return nil }
        let n = report.unclassified.count
        return "Not classified: \(Self.count(n)) customer\(n == 1 ? "" : "s") with zero or negative net revenue "
            + "(listed in --customers with no class)."
    }

    public func tableText(top: Int) -> String {
        var out = [headline, rules, ""]
        let m = report.matrix
        var rows: [[String]] = []
        for abc in AbcClass.allCases {
            var row = [abc.rawValue]
            var n = 0, share = 0.0
            for xyz in XyzClass.allCases {
                let cell = m.cell(abc, xyz)
                row.append("\(Self.count(cell.customers)) · \(Self.percent(cell.share))")
                n += cell.customers
                share += cell.share
            }
            rows.append(row + ["\(Self.count(n)) · \(Self.percent(share))"])
        }
        var totals = ["ALL"]
        for xyz in XyzClass.allCases {
            let cells = AbcClass.allCases.map { m.cell($0, xyz) }
            totals.append("\(Self.count(cells.map(\.customers).reduce(0, +))) · \(Self.percent(cells.map(\.share).reduce(0, +)))")
        }
        rows.append(totals + ["\(Self.count(report.customers.count)) · 100.0 %"])
        out.append("customers · share of revenue")
        out.append(table(header: ["ABC/XYZ", "X", "Y", "Z", "ALL"], rows: rows))
        out.append("")
        out += m.cells.filter { $0.customers > 0 }.map(\.description)
        if let note = unclassifiedNote { out += ["", note] }
        if top > 0, !report.customers.isEmpty {
            out += ["", "TOP \(min(top, report.customers.count)) CUSTOMERS BY REVENUE"]
            let rows = report.customers.prefix(top).map { c in
                ["\(c.rank)", c.customer, Self.groupedMoney(c.revenue), Self.percent(c.share), Self.percent(c.cumulativeShare), c.group,
                 c.cv.map { AbcXyzMatrix.formatFixed($0, decimals: 2) } ?? "—", "\(c.activePeriods)/\(c.spanPeriods)"]
            }
            out.append(table(header: ["RANK", "CUSTOMER", "REVENUE", "SHARE", "CUMULATIVE", "CLASS", "CV",
                                                    "ACTIVE/SPAN"], rows: rows))
        }
        return out.joined(separator: "\n")
    }

    public func matrixCSV() -> String {
        var out = "group,abc,xyz,customers,revenue,share,single_period_customers,description\n"
        for c in report.matrix.cells {
            out += [c.group, c.abc.rawValue, c.xyz.rawValue, "\(c.customers)", Self.money(c.revenue),
                    AbcXyzMatrix.formatFixed(c.share, decimals: 6), "\(c.singlePeriodCustomers)", c.description]
                .map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    static let customersHeader = "rank,customer,revenue,share,cumulative_share,abc,xyz,class,cv,transactions,active_periods,"
        + "span_periods,first_period,last_period,note\n"

    /// Every customer by rank, then the unclassified ones (no rank, no class, a note). Written as bytes: with a
    /// million customers, building a `String` per field cost more than the whole analysis.
    public func writeCustomersCSV(_ write: ([UInt8]) -> Void) {
        var out = Array(Self.customersHeader.utf8)
        out.reserveCapacity(1 << 17)
        var labels: [Int: [UInt8]] = [:]
        func label(_ period: Int) -> [UInt8] {
            if let known = labels[period] { return known }
            let text = Array(self.label(period).utf8)
            labels[period] = text
            return text
        }
        let oneOnly = Array("one \(settings.period.rawValue) only".utf8)
        // ",A,X,AX," … for the abc, xyz and class columns
        let classFields = AbcClass.allCases.flatMap { abc in
            XyzClass.allCases.map { xyz in Array(",\(abc.rawValue),\(xyz.rawValue),\(abc.rawValue)\(xyz.rawValue),".utf8) }
        }
        let comma = UInt8(ascii: ",")
        for c in report.customers {
            AbcXyzMatrix.appendDigits(UInt64(c.rank), to: &out)
            out.append(comma)
            Self.appendField(c.customer, to: &out)
            out.append(comma)
            AbcXyzMatrix.appendFixed(c.revenue, decimals: 2, to: &out)
            out.append(comma)
            AbcXyzMatrix.appendFixed(c.share, decimals: 8, to: &out)
            out.append(comma)
            AbcXyzMatrix.appendFixed(c.cumulativeShare, decimals: 8, to: &out)
            out += classFields[AbcClass.allCases.firstIndex(of: c.abc)! * 3 + XyzClass.allCases.firstIndex(of: c.xyz)!]
            if let cv = c.cv { AbcXyzMatrix.appendFixed(cv, decimals: 6, to: &out) }
            out.append(comma)
            AbcXyzMatrix.appendDigits(UInt64(c.transactions), to: &out)
            out.append(comma)
            AbcXyzMatrix.appendDigits(UInt64(c.activePeriods), to: &out)
            out.append(comma)
            AbcXyzMatrix.appendDigits(UInt64(c.spanPeriods), to: &out)
            out.append(comma)
            out += label(c.firstPeriod)
            out.append(comma)
            out += label(c.lastPeriod)
            out.append(comma)
            if c.spanPeriods == 1 { out += oneOnly }
            out.append(UInt8(ascii: "\n"))
            if out.count > 1 << 16 {
                write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        for u in report.unclassified {
            out.append(comma)
            Self.appendField(u.customer, to: &out)
            out.append(comma)
            AbcXyzMatrix.appendFixed(u.revenue, decimals: 2, to: &out)
            out += Array(",,,,,,,".utf8)
            AbcXyzMatrix.appendDigits(UInt64(u.transactions), to: &out)
            out += Array(",,,,,zero or negative net revenue\n".utf8)
        }
        write(out)
    }

    /// A CSV field (``CSVCell``: quoted when it must be, a customer name that looks like a formula neutralised).
    static func appendField(_ text: String, to out: inout [UInt8]) { CSVCell.append(text, to: &out) }

    struct JSONReport: Encodable {
        struct Cell: Encodable {
            var group, abc, xyz: String
            var customers: Int
            var revenue, share: Double
            var singlePeriodCustomers: Int
            var description: String
        }
        struct Customer: Encodable {
            var rank: Int
            var customer: String
            var revenue, share, cumulativeShare: Double
            var abc, xyz, `class`: String
            var cv: Double?
            var transactions, activePeriods, spanPeriods: Int
            var firstPeriod, lastPeriod: String
        }
        var file, period: String
        var abcCutoffs: [String: Double]
        var xyzThresholds: [String: Double]
        var transactions: Int
        var classifiedRevenue: Double
        var firstPeriod, lastPeriod: String?
        var matrix: [Cell]
        var customers: [Customer]
        var unclassified: [UnclassifiedCustomer]
    }

    public func json() throws -> String {
        let r = report
        let value = JSONReport(
            file: file, period: settings.period.rawValue,
            abcCutoffs: ["a": settings.abc.a, "b": settings.abc.b, "c": settings.abc.c],
            xyzThresholds: ["x": settings.xyz.x, "y": settings.xyz.y], transactions: r.transactionCount,
            classifiedRevenue: r.classifiedRevenue, firstPeriod: r.firstPeriod.map(label), lastPeriod: r.lastPeriod.map(label),
            matrix: r.matrix.cells.map {
                .init(group: $0.group, abc: $0.abc.rawValue, xyz: $0.xyz.rawValue, customers: $0.customers, revenue: $0.revenue,
                      share: $0.share, singlePeriodCustomers: $0.singlePeriodCustomers, description: $0.description)
            },
            customers: r.customers.map {
                .init(rank: $0.rank, customer: $0.customer, revenue: $0.revenue, share: $0.share, cumulativeShare: $0.cumulativeShare,
                      abc: $0.abc.rawValue, xyz: $0.xyz.rawValue, class: $0.group, cv: $0.cv, transactions: $0.transactions,
                      activePeriods: $0.activePeriods, spanPeriods: $0.spanPeriods, firstPeriod: label($0.firstPeriod),
                      lastPeriod: label($0.lastPeriod))
            },
            unclassified: r.unclassified)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
