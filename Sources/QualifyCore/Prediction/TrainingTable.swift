/// A CSV file's cells as read, before any meaning is given to them: the header, then every row with the line it
/// starts on (so a problem found later can still name its line).
public struct TrainingTable: Sendable, Hashable {
    public var headers: [String]
    public var rows: [[String]]
    public var lines: [Int]

    public init(headers: [String], rows: [[String]], lines: [Int]? = nil) {
        self.headers = headers
        self.rows = rows
        self.lines = lines ?? rows.indices.map { $0 + 2 }
    }
}

/// A row left out, with the line it starts on and why.
public struct RowProblem: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
    public var description: String { "line \(line): \(reason)" }
}

/// What a target cell means: 1 (the outcome happened) or 0.
public enum TargetValue {
    /// Read as 1, compared case-insensitively after trimming.
    public static let positive = ["1", "1.0", "true", "t", "yes", "y", "won", "win", "converted"]
    /// Read as 0.
    public static let negative = ["0", "0.0", "false", "f", "no", "n", "lost", "lose", "not converted", "unconverted"]
    private static let table: [String: Bool] = {
        var t: [String: Bool] = [:]
        for v in positive { t[v] = true }
        for v in negative { t[v] = false }
        return t
    }()

    /// 1 → true, 0 → false, anything else → nil.
    public static func parse(_ cell: String) -> Bool? {
        if cell == "1" { return true }  // the common case, without lowercasing
        if cell == "0" { return false }
        return table[cell.trimmingSpaces.lowercased()]
    }

    /// The accepted spellings, for an error message.
    public static var accepted: String { "1/0, true/false, yes/no, won/lost, converted/not converted" }
}

/// Cells that mean "no value": empty, `NA`, `N/A`, `NaN`, `null` (any case).
public enum MissingValue {
    public static func isMissing(_ cell: String) -> Bool {
        guard let first = cell.utf8.first else { return true }
        // Every token starts with n or N: most cells are ruled out by one byte.
        guard first | 0x20 == UInt8(ascii: "n"), cell.utf8.count <= 4 else { return false }
        switch cell.lowercased() {
        case "na", "n/a", "nan", "null": return true
        default: return false
        }
    }
}
