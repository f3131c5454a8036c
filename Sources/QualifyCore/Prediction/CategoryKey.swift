/// How category cells are compared in training and scoring: case and spacing do not matter — `May`, `may` and
/// ` MAY ` are one category, `New  York` and `new york` another — so a file typed by people scores like the one the
/// model was trained on.
public enum CategoryKey {
    /// The cell lowercased, trimmed, runs of spaces and tabs collapsed to one space.
    public static func of(_ cell: String) -> String {
        // Most cells are already keys: lowercase visible ASCII with single inner spaces. Checked on the bytes.
        var plain = true
        var previousSpace = true  // a leading space needs work
        for b in cell.utf8 {
            if b >= 0x80 || (b >= 0x41 && b <= 0x5A) || b == 0x09 || (b == 0x20 && previousSpace) || b < 0x20 {
                plain = false
                break
            }
            previousSpace = b == 0x20
        }
        if plain && !previousSpace || cell.isEmpty { return cell }
        var out = ""
        var pendingSpace = false
        for ch in cell.lowercased() {
            if ch == " " || ch == "\t" || ch.isNewline {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            }
        }
        return out
    }
}
