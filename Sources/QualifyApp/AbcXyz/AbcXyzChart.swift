import Foundation
import QualifyCore

/// The ABC-XYZ chart as hand-written SVG (no library): on the left the Pareto curve — cumulative share of revenue
/// against share of customers ranked by revenue, with the A/B/C bands and cut-offs marked; on the right the 3 × 3 matrix
/// as a heat map (darker = more revenue) with each group's customers and revenue share. Readable without the table.
public struct AbcXyzChart {
    public let view: AbcXyzView
    public init(view: AbcXyzView) { self.view = view }

    private var report: AbcXyzReport { view.report }
    private let width = 1120.0, height = 575.0
    // Pareto plot area
    private let px = 80.0, py = 100.0, pw = 420.0, ph = 340.0
    // matrix area
    private let mx = 640.0, my = 140.0, cw = 150.0, ch = 95.0

    private static let bandFill: [AbcClass: String] = [.a: "#e2f0e2", .b: "#fff1cc", .c: "#eeeeee"]
    private static let bandInk: [AbcClass: String] = [.a: "#3d8b3d", .b: "#c98f00", .c: "#8a8a8a"]

    public func svg() -> String {
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
            font-family="Helvetica, Arial, sans-serif" font-size="13" fill="#222">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="24" y="34" font-size="21" font-weight="bold">ABC-XYZ analysis — \(esc(view.file))</text>
            <text x="24" y="58" fill="#555">\(esc(subtitle))</text>

            """
        out += pareto()
        out += matrix()
        out += "</svg>\n"
        return out
    }

    private var subtitle: String {
        let s = report.settings
        return "\(view.customersText) · revenue \(AbcXyzView.groupedMoney(report.classifiedRevenue)) · "
            + "\(view.periodText) · XYZ on \(s.period.adjective) revenue"
    }

    // MARK: Pareto curve

    private func pareto() -> String {
        let customers = report.customers
        let total = max(customers.count, 1)
        let countA = customers.filter { $0.abc == .a }.count
        let countB = customers.filter { $0.abc == .b }.count
        let x = { (f: Double) in px + f * pw }
        let y = { (f: Double) in py + ph - f * ph }
        var out = "<text x=\"\(n(px))\" y=\"88\" font-size=\"15\" font-weight=\"bold\">Pareto curve: who brings the revenue</text>\n"
        // bands by share of customers
        let edges = [0.0, Double(countA) / Double(total), Double(countA + countB) / Double(total), 1.0]
        for (k, abc) in AbcClass.allCases.enumerated() where edges[k + 1] > edges[k] {
            out += "<rect x=\"\(n(x(edges[k])))\" y=\"\(n(py))\" width=\"\(n((edges[k + 1] - edges[k]) * pw))\" height=\"\(n(ph))\" "
                + "fill=\"\(Self.bandFill[abc]!)\"/>\n"
            if (edges[k + 1] - edges[k]) * pw >= 18 {
                out += "<text x=\"\(n(x((edges[k] + edges[k + 1]) / 2)))\" y=\"\(n(py + ph - 12))\" text-anchor=\"middle\" "
                    + "font-size=\"18\" font-weight=\"bold\" fill=\"\(Self.bandInk[abc]!)\">\(abc.rawValue)</text>\n"
            }
        }
        // grid and ticks
        for step in 0...5 {
            let f = Double(step) / 5
            out += "<line x1=\"\(n(x(f)))\" y1=\"\(n(py))\" x2=\"\(n(x(f)))\" y2=\"\(n(py + ph))\" stroke=\"#d0d0d0\" stroke-width=\"0.6\"/>\n"
            out += "<line x1=\"\(n(px))\" y1=\"\(n(y(f)))\" x2=\"\(n(px + pw))\" y2=\"\(n(y(f)))\" stroke=\"#d0d0d0\" stroke-width=\"0.6\"/>\n"
            out += "<text x=\"\(n(x(f)))\" y=\"\(n(py + ph + 17))\" text-anchor=\"middle\" fill=\"#555\">\(step * 20) %</text>\n"
            out += "<text x=\"\(n(px - 8))\" y=\"\(n(y(f) + 4))\" text-anchor=\"end\" fill=\"#555\">\(step * 20) %</text>\n"
        }
        out += "<rect x=\"\(n(px))\" y=\"\(n(py))\" width=\"\(n(pw))\" height=\"\(n(ph))\" fill=\"none\" stroke=\"#888\"/>\n"
        out += "<line x1=\"\(n(x(0)))\" y1=\"\(n(y(0)))\" x2=\"\(n(x(1)))\" y2=\"\(n(y(1)))\" stroke=\"#999\" stroke-dasharray=\"2 4\"/>\n"
        let (dx, dy) = (x(0.8) + 14, y(0.8) + 17)  // just under the diagonal, along it
        out += "<text x=\"\(n(dx))\" y=\"\(n(dy))\" text-anchor=\"middle\" fill=\"#888\" font-size=\"11\" "
            + "transform=\"rotate(\(n(-atan2(ph, pw) * 180 / Double.pi)) \(n(dx)) \(n(dy)))\">equal revenue per customer</text>\n"
        // cut-offs: revenue share (horizontal) and where each class ends (vertical)
        let a = report.settings.abc.a / 100, ab = (report.settings.abc.a + report.settings.abc.b) / 100
        for (share, label) in [(a, "A/B cut-off \(pct(a, 0))"), (ab, "B/C cut-off \(pct(ab, 0))")] where share < 1 {
            out += "<line x1=\"\(n(px))\" y1=\"\(n(y(share)))\" x2=\"\(n(px + pw))\" y2=\"\(n(y(share)))\" stroke=\"#b03030\" stroke-dasharray=\"6 4\"/>\n"
            // on the left, above the line: the curve is below it there
            out += "<text x=\"\(n(px + 6))\" y=\"\(n(y(share) - 5))\" fill=\"#b03030\" font-size=\"12\">\(label) of revenue</text>\n"
        }
        for edge in [edges[1], edges[2]] where edge > 0 && edge < 1 {
            out += "<line x1=\"\(n(x(edge)))\" y1=\"\(n(py))\" x2=\"\(n(x(edge)))\" y2=\"\(n(py + ph))\" stroke=\"#b03030\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/>\n"
        }
        // the curve (at most ~1,200 points, class boundaries kept exact)
        var indexes = Set([0, countA, countA + countB, customers.count])
        let stride = max(1, customers.count / 1200)
        for k in Swift.stride(from: 0, through: customers.count, by: stride) { indexes.insert(k) }
        let points = indexes.sorted().filter { $0 <= customers.count }.map { k -> String in
            let cumulative = k == 0 ? 0 : customers[k - 1].cumulativeShare
            return "\(n(x(Double(k) / Double(total)), 1)),\(n(y(cumulative), 1))"
        }
        out += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n"
        // axis titles
        out += "<text x=\"\(n(px + pw / 2))\" y=\"\(n(py + ph + 38))\" text-anchor=\"middle\">share of customers, ranked by revenue</text>\n"
        out += "<text x=\"22\" y=\"\(n(py + ph / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 22 \(n(py + ph / 2)))\">cumulative share of revenue</text>\n"
        // legend: one line per class
        for (k, abc) in AbcClass.allCases.enumerated() {
            let members = customers.filter { $0.abc == abc }
            let share = members.reduce(0.0) { $0 + $1.share }
            let ly = py + ph + 66 + Double(k) * 21
            out += "<rect x=\"\(n(px))\" y=\"\(n(ly - 11))\" width=\"14\" height=\"14\" fill=\"\(Self.bandInk[abc]!)\"/>\n"
            out += "<text x=\"\(n(px + 22))\" y=\"\(n(ly))\"><tspan font-weight=\"bold\">\(abc.rawValue)</tspan>: "
                + "\(AbcXyzView.count(members.count)) customers (\(pct(Double(members.count) / Double(total)))) bring "
                + "\(pct(share)) of revenue</text>\n"
        }
        return out
    }

    // MARK: matrix heat map

    private func matrix() -> String {
        let m = report.matrix
        let s = report.settings
        let maxShare = max(m.cells.map(\.share).max() ?? 0, 1e-12)
        var out = "<text x=\"\(n(mx - 80))\" y=\"88\" font-size=\"15\" font-weight=\"bold\">ABC-XYZ matrix: customers and share of revenue</text>\n"
        let columnNotes: [XyzClass: String] = [
            .x: "steady: CV ≤ \(s.xyz.x)", .y: "fluctuating: CV ≤ \(s.xyz.y)", .z: "irregular or one \(s.period.rawValue)",
        ]
        let rowNotes: [AbcClass: String] = [
            .a: "first \(pct(s.abc.a / 100, 0))", .b: "next \(pct(s.abc.b / 100, 0))", .c: "last \(pct(s.abc.c / 100, 0))",
        ]
        for (col, xyz) in XyzClass.allCases.enumerated() {
            let cx = mx + (Double(col) + 0.5) * cw
            out += "<text x=\"\(n(cx))\" y=\"\(n(my - 24))\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">\(xyz.rawValue)</text>\n"
            out += "<text x=\"\(n(cx))\" y=\"\(n(my - 8))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(esc(columnNotes[xyz]!))</text>\n"
        }
        for (row, abc) in AbcClass.allCases.enumerated() {
            let cy = my + (Double(row) + 0.5) * ch
            out += "<text x=\"\(n(mx - 40))\" y=\"\(n(cy - 2))\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\" fill=\"\(Self.bandInk[abc]!)\">\(abc.rawValue)</text>\n"
            out += "<text x=\"\(n(mx - 40))\" y=\"\(n(cy + 14))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(esc(rowNotes[abc]!))</text>\n"
            out += "<text x=\"\(n(mx - 40))\" y=\"\(n(cy + 27))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">of revenue</text>\n"
            for (col, xyz) in XyzClass.allCases.enumerated() {
                let cell = m.cell(abc, xyz)
                let t = (cell.share / maxShare).squareRoot()
                let (fill, ink) = heat(t)
                let x0 = mx + Double(col) * cw, y0 = my + Double(row) * ch
                out += "<rect x=\"\(n(x0))\" y=\"\(n(y0))\" width=\"\(n(cw))\" height=\"\(n(ch))\" fill=\"\(fill)\" stroke=\"#ffffff\" stroke-width=\"2\"/>\n"
                let cx = x0 + cw / 2
                out += "<text x=\"\(n(cx))\" y=\"\(n(y0 + 24))\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\" fill=\"\(ink)\">\(cell.group)</text>\n"
                out += "<text x=\"\(n(cx))\" y=\"\(n(y0 + 46))\" text-anchor=\"middle\" fill=\"\(ink)\">\(AbcXyzView.count(cell.customers)) customer\(cell.customers == 1 ? "" : "s")</text>\n"
                out += "<text x=\"\(n(cx))\" y=\"\(n(y0 + 65))\" text-anchor=\"middle\" fill=\"\(ink)\">\(pct(cell.share)) of revenue</text>\n"
                if cell.singlePeriodCustomers > 0 {
                    out += "<text x=\"\(n(cx))\" y=\"\(n(y0 + 83))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ink)\">"
                        + "\(AbcXyzView.count(cell.singlePeriodCustomers)) in one \(s.period.rawValue) only</text>\n"
                }
            }
        }
        // column totals under the columns, then notes
        let totalsY = my + 3 * ch + 20
        out += "<text x=\"\(n(mx - 40))\" y=\"\(n(totalsY))\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" fill=\"#555\">all</text>\n"
        for (col, xyz) in XyzClass.allCases.enumerated() {
            let cells = AbcClass.allCases.map { m.cell($0, xyz) }
            let lines = ["\(AbcXyzView.count(cells.map(\.customers).reduce(0, +))) customers",
                         "\(pct(cells.map(\.share).reduce(0, +))) of revenue"]
            for (k, text) in lines.enumerated() {
                out += "<text x=\"\(n(mx + (Double(col) + 0.5) * cw))\" y=\"\(n(totalsY + Double(k) * 15))\" text-anchor=\"middle\" "
                    + "font-size=\"12\" fill=\"#333\">\(esc(text))</text>\n"
            }
        }
        var notes = [
            "Darker cells bring more revenue. CV = std / mean of \(s.period.adjective) revenue",
            "over each customer's span, first to last purchase (periods without one count as 0).",
        ]
        if !report.unclassified.isEmpty {
            notes.append("Not shown: \(AbcXyzView.count(report.unclassified.count)) customers with zero or negative net revenue.")
        }
        var ty = totalsY + 24
        for line in notes {
            ty += 18
            out += "<text x=\"\(n(mx - 80))\" y=\"\(n(ty))\" font-size=\"11.5\" fill=\"#555\">\(esc(line))</text>\n"
        }
        return out
    }

    /// White → dark blue; dark text on light cells, white on dark ones.
    private func heat(_ t: Double) -> (fill: String, ink: String) {
        let light = (244.0, 248.0, 251.0), dark = (8.0, 48.0, 107.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * min(max(t, 0), 1)).rounded()) }
        let rgb = [mix(light.0, dark.0), mix(light.1, dark.1), mix(light.2, dark.2)]
        let hex = "#" + rgb.map { v in let h = String(v, radix: 16); return h.count == 1 ? "0" + h : h }.joined()
        return (hex, t > 0.45 ? "#ffffff" : "#10243e")
    }

    private func n(_ v: Double, _ decimals: Int = 2) -> String { SVGText.number(v, decimals: decimals) }

    private func pct(_ fraction: Double, _ decimals: Int = 1) -> String { AbcXyzMatrix.formatPercent(fraction, decimals: decimals) }

    private func esc(_ text: String) -> String { SVGText.escape(text) }
}
