import Foundation
import QualifyCore

/// A CSV field for a file people open in a spreadsheet: quoted when it must be, formulas neutralised
/// (``CSVCell``).
public func csvField(_ s: String) -> String { CSVCell.field(s) }

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
