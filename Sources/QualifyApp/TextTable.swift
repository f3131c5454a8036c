import Foundation

/// A CSV field, quoted when it must be (the CLI's CSV outputs, the ABC-XYZ files).
public func csvField(_ s: String) -> String {
    s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"\(s.replacingOccurrences(of: "\"", with: "\"\""))\"" : s
}

/// Rows as a plain-text table (columns padded, cells cut at 40 characters): the CLI's lists.
public func table(header: [String], rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], min(cell.count, 40)) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            let cell = c.count > 40 ? String(c.prefix(39)) + "…" : c
            return cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
        }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}
