import QualifyCore

/// The funnel as hand-written SVG (as ``AbcXyzChart``): one centred bar per stage, as wide as the leads that entered
/// it, with the count, the share that went further (and its 95 % interval) and the median days in the stage; beside
/// each bar, how many are stalled. Readable without the table.
public struct FunnelChart {
    public let report: FunnelReport
    public init(report: FunnelReport) { self.report = report }

    private let width = 960.0, barArea = 560.0, left = 40.0, top = 100.0, rowHeight = 62.0

    public func svg() -> String {
        let stages = report.stages
        let height = top + Double(stages.count) * rowHeight + 60
        let most = Double(max(stages.map(\.entered).max() ?? 0, 1))
        let window = "\(report.from.map(\.isoDate) ?? "the first lead") to \(report.to.iso8601)"
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Lead funnel: leads entering each stage" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" \
            font-family="Helvetica, Arial, sans-serif" font-size="13" fill="#222">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="24" y="34" font-size="21" font-weight="bold">Lead funnel</text>
            <text x="24" y="58" fill="#555">\(esc("\(report.arrivals) leads arrived, \(window); bars: leads entering each stage"))</text>
            <text x="\(n(left + barArea + 30))" y="\(n(top - 14))" font-weight="bold">went further (95 % CI) · median days · stalled</text>

            """
        let centre = left + barArea / 2
        for (i, s) in stages.enumerated() {
            let y = top + Double(i) * rowHeight
            let w = max(Double(s.entered) / most * barArea, s.entered > 0 ? 2 : 0)
            let shade = 0.35 + 0.65 * Double(stages.count - i) / Double(stages.count)
            out += "<rect x=\"\(n(centre - w / 2))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(rowHeight - 16))\" rx=\"3\" "
                + "fill=\"#2f6fb0\" fill-opacity=\"\(n(shade))\"/>\n"
            out += "<text x=\"\(n(centre))\" y=\"\(n(y + (rowHeight - 16) / 2 + 5))\" text-anchor=\"middle\" font-weight=\"bold\" "
                + "fill=\"\(w > 120 ? "#ffffff" : "#222")\">\(esc(s.stage.label)): \(s.entered)</text>\n"
            let median = s.medianDays.map { "\($0.formatted(1)) d" } ?? "—"
            out += "<text x=\"\(n(left + barArea + 30))\" y=\"\(n(y + (rowHeight - 16) / 2 + 5))\">"
                + "\(esc(s.advanced.text)) · \(esc(median)) · \(s.stalled) stalled</text>\n"
        }
        out += "<text x=\"24\" y=\"\(n(height - 24))\" fill=\"#555\">Stalled: still in the stage at the report's date, longer than the p90 of the stays that ended.</text>\n"
        out += "</svg>\n"
        return out
    }

    private func n(_ x: Double) -> String { SVGText.number(x, decimals: 1) }
    private func esc(_ s: String) -> String { SVGText.escape(s) }
}
