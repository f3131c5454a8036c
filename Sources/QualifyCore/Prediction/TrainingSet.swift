/// One candidate feature column, interned: its distinct values (trimmed; "" when missing; cells with the same
/// ``CategoryKey`` are one value) and each row's code into them — so folds count and look up small integers, not
/// strings — plus, when every present value is a number, the numbers (NaN when missing).
public struct RawColumn: Sendable {
    public var name: String
    /// Distinct values in order of first appearance, each as first written ("" = missing).
    public var values: [String]
    /// Per row, the index of its value in ``values``.
    public var codes: [Int32]
    public var numbers: [Double]?

    public var isNumeric: Bool { numbers != nil }
    public var rows: Int { codes.count }

    public init(name: String, cells: [String]) {
        self.name = name
        var index: [String: Int32] = [:]
        var values: [String] = []
        var codes: [Int32] = []
        codes.reserveCapacity(cells.count)
        for raw in cells {
            var cell = Self.needsTrimming(raw) ? raw.trimmingSpaces : raw
            if MissingValue.isMissing(cell) { cell = "" }
            if let code = index[cell] {
                codes.append(code)
            } else if let code = index[CategoryKey.of(cell)] {
                index[cell] = code  // another spelling of a value already seen
                codes.append(code)
            } else {
                let code = Int32(values.count)
                index[cell] = code
                index[CategoryKey.of(cell)] = code
                values.append(cell)
                codes.append(code)
            }
        }
        self.values = values
        self.codes = codes
        // Numeric when every distinct present value parses as a finite number (each parsed once).
        var parsed: [Double] = []
        var present = false
        for value in values {
            if value.isEmpty {
                parsed.append(.nan)
            } else if let x = Double(value), x.isFinite {
                parsed.append(x)
                present = true
            } else {
                numbers = nil
                return
            }
        }
        numbers = present ? codes.map { parsed[Int($0)] } : nil
    }

    /// Whether a cell may have spaces to trim: empty, or not visible ASCII at either end (checked on the bytes).
    static func needsTrimming(_ s: String) -> Bool {
        let ends = s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard let first = b.first, let last = b.last else { return false }
            return first <= 32 || first >= 128 || last <= 32 || last >= 128
        }
        return ends ?? true
    }
}

/// The rows and columns a model learns from: target parsed, bad target rows set aside with their line, and every
/// column either a feature or excluded with a reason.
public struct TrainingSet: Sendable {
    public var target: String
    public var labels: [Bool]
    public var lines: [Int]
    /// Feature columns, in file order.
    public var columns: [RawColumn]
    public var excluded: [ExcludedColumn]
    /// Rows whose target could not be read.
    public var rejected: [RowProblem]
    /// Columns detected as identifiers (kept in `predict` output so scored rows can be matched back).
    public var identifiers: [String]
    /// What the target cells said, by meaning (e.g. ["1"] and ["0"]), most frequent first.
    public var positiveValues: [String]
    public var negativeValues: [String]
    /// Column → the lead field an import of a file with the same headers fills from it (``HeaderMapping/fieldNames(headers:)``).
    public var leadFields: [String: String] = [:]

    public var rows: Int { labels.count }
    public var positives: Int { labels.reduce(0) { $0 + ($1 ? 1 : 0) } }

    public static func prepare(_ table: TrainingTable, options: TrainingOptions) -> Result<TrainingSet, TrainingError> {
        let headers = table.headers.map(\.trimmingSpaces)
        var seen = Set<String>()
        for h in headers where !seen.insert(h).inserted { return .failure(.duplicateHeader(h)) }
        guard let targetIndex = headers.firstIndex(of: options.target)
            ?? headers.firstIndex(where: { $0.lowercased() == options.target.lowercased() }) else {
            return .failure(.targetNotFound(options.target, headers: headers))
        }
        for (option, names) in [("--exclude", options.exclude), ("--keep", options.keep)] {
            for name in names where !headers.contains(name) {
                return .failure(.unknownColumn(option: option, column: name, headers: headers))
            }
        }
        if options.folds < 2 { return .failure(.badOption("--folds must be at least 2 (got \(options.folds))")) }
        if let l = options.lambda, !(l > 0 && l.isFinite) { return .failure(.badOption("--l2 must be a positive number (got \(l))")) }

        // The target: rows whose target is not readable are set aside with their line.
        var labels: [Bool] = []
        var kept: [Int] = []
        var rejected: [RowProblem] = []
        var positiveCounts: [String: Int] = [:], negativeCounts: [String: Int] = [:]
        for (r, row) in table.rows.enumerated() {
            let cell = targetIndex < row.count ? row[targetIndex].trimmingSpaces : ""
            guard let y = TargetValue.parse(cell) else {
                let shown = cell.isEmpty ? "is empty" : "'\(cell)' is not one of \(TargetValue.accepted)"
                rejected.append(RowProblem(line: table.lines[r], reason: "target '\(headers[targetIndex])' \(shown); row left out"))
                continue
            }
            labels.append(y)
            kept.append(r)
            if y { positiveCounts[cell, default: 0] += 1 } else { negativeCounts[cell, default: 0] += 1 }
        }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        if positives < max(options.folds, 2) || negatives < max(options.folds, 2) {
            return .failure(.tooFewRows(rows: labels.count, positives: positives, negatives: negatives, folds: options.folds))
        }

        // The columns.
        let keep = Set(options.keep), exclude = Set(options.exclude)
        let leakage = Set(TrainingOptions.defaultLeakageColumns.map { $0.lowercased() })
        var columns: [RawColumn] = []
        var excluded: [ExcludedColumn] = []
        var identifiers: [String] = []
        for (c, name) in headers.enumerated() where c != targetIndex {
            if exclude.contains(name) {
                excluded.append(ExcludedColumn(column: name, reason: .requested))
                continue
            }
            if leakage.contains(name.lowercased()) && !keep.contains(name) {
                excluded.append(ExcludedColumn(column: name, reason: .leakage))
                continue
            }
            let column = RawColumn(name: name, cells: kept.map { c < table.rows[$0].count ? table.rows[$0][c] : "" })
            if isIdentifier(column) {
                identifiers.append(name)
                if !keep.contains(name) {
                    excluded.append(ExcludedColumn(column: name, reason: .identifier))
                    continue
                }
            }
            if column.values.count <= 1 {
                excluded.append(ExcludedColumn(column: name, reason: .constant))
                continue
            }
            columns.append(column)
        }
        if columns.isEmpty { return .failure(.noFeatures(excluded: excluded)) }
        for (name, direction) in (options.monotone ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard headers.contains(name) else { return .failure(.unknownColumn(option: "--monotone", column: name, headers: headers)) }
            guard direction == 1 || direction == -1 else { return .failure(.badOption("--monotone \(name): the direction is increasing or decreasing")) }
            guard let column = columns.first(where: { $0.name == name }) else {
                return .failure(.badOption("--monotone names '\(name)', which is not a feature (\(excluded.first { $0.column == name }?.reason.explanation ?? "left out"))"))
            }
            guard column.isNumeric else {
                return .failure(.badOption("--monotone names '\(name)', a categorical column; only a numeric column can rise or fall with its value"))
            }
        }
        func ordered(_ counts: [String: Int]) -> [String] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        }
        return .success(TrainingSet(target: headers[targetIndex], labels: labels, lines: kept.map { table.lines[$0] },
                                    columns: columns, excluded: excluded, rejected: rejected, identifiers: identifiers,
                                    positiveValues: ordered(positiveCounts), negativeValues: ordered(negativeCounts),
                                    leadFields: Dictionary(zip(headers, HeaderMapping.fieldNames(headers: headers)), uniquingKeysWith: { a, _ in a })))
    }

    /// A column identifies rows when every row has a value and no two rows share one — text (a UUID, an email) or
    /// whole numbers (a lead number); measured values such as 12.5 can be unique by chance and are not identifiers.
    /// Tables under 20 rows are too small to tell.
    static func isIdentifier(_ column: RawColumn) -> Bool {
        guard column.rows >= 20, column.values.count == column.rows, !column.values.contains("") else { return false }
        if let numbers = column.numbers, !numbers.allSatisfy({ $0 == $0.rounded() }) { return false }
        return true
    }
}
