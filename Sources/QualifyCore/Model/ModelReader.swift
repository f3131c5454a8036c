/// Reads typed values out of a ``ModelNode`` tree, collecting every problem with its position instead of stopping
/// at the first one.
struct ModelReader {
    let file: String?
    var issues: [ModelIssue] = []

    mutating func error(_ node: ModelNode?, _ path: String, _ message: String, mark: SourceMark? = nil) {
        let m = mark ?? node?.mark
        issues.append(ModelIssue(file: file, line: m?.line, column: m?.column, path: path, message: message))
    }

    mutating func warning(_ mark: SourceMark?, _ path: String, _ message: String) {
        issues.append(ModelIssue(severity: .warning, file: file, line: mark?.line, column: mark?.column, path: path,
                                 message: message))
    }

    /// The pairs of a mapping, reporting keys not in `allowed` (with a suggestion) and duplicates.
    mutating func mapping(_ node: ModelNode, _ path: String, allowed: [String]) -> [String: ModelNode.Pair]? {
        guard case .mapping(let pairs, _) = node else {
            error(node, path, "expected a mapping with keys \(allowed.joined(separator: ", ")), got \(node.kindName)")
            return nil
        }
        var out: [String: ModelNode.Pair] = [:]
        for pair in pairs {
            let childPath = path.isEmpty ? pair.key : "\(path).\(pair.key)"
            if !allowed.contains(pair.key) {
                let hint = Spelling.closest(to: pair.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                error(nil, childPath, "unknown key '\(pair.key)'\(hint); expected one of: \(allowed.joined(separator: ", "))",
                      mark: pair.keyMark)
            } else if out[pair.key] != nil {
                error(nil, childPath, "key '\(pair.key)' appears twice", mark: pair.keyMark)
            } else {
                out[pair.key] = pair
            }
        }
        return out
    }

    mutating func required(_ map: [String: ModelNode.Pair], _ key: String, _ path: String, in node: ModelNode) -> ModelNode? {
        if let pair = map[key] { return pair.value }
        error(node, path, "missing key '\(key)'")
        return nil
    }

    mutating func string(_ node: ModelNode, _ path: String) -> String? {
        guard case .scalar(let s, let quoted, _) = node, !(s.isEmpty && !quoted) else {
            error(node, path, "expected text, got \(node.kindName)")
            return nil
        }
        return s
    }

    mutating func identifier(_ node: ModelNode, _ path: String) -> String? {
        guard let s = string(node, path) else { return nil }
        let ok = !s.isEmpty && s.utf8.count <= 64
            && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.:".unicodeScalars.contains($0) }
        if !ok { error(node, path, "'\(s)' is not a valid id (letters, digits, '_', '-', '.', ':'; at most 64)") }
        return ok ? s : nil
    }

    mutating func int(_ node: ModelNode, _ path: String) -> Int? {
        guard case .scalar(let s, false, _) = node, let v = Int(s) else {
            error(node, path, "expected a whole number, got \(node.kindName)")
            return nil
        }
        return v
    }

    mutating func number(_ node: ModelNode, _ path: String) -> Double? {
        guard case .scalar(let s, false, _) = node, let v = Double(s), v.isFinite else {
            error(node, path, "expected a number, got \(node.kindName)")
            return nil
        }
        return v
    }

    mutating func bool(_ node: ModelNode, _ path: String) -> Bool? {
        guard case .scalar(let s, false, _) = node, ["true", "false"].contains(s) else {
            error(node, path, "expected true or false, got \(node.kindName)")
            return nil
        }
        return s == "true"
    }

    mutating func span(_ node: ModelNode, _ path: String) -> TimeSpan? {
        guard case .scalar(let s, _, _) = node, let v = TimeSpan(text: s), v.millis > 0 else {
            error(node, path, "expected a positive duration like 30d, 12h, 2w or 90m, got \(node.kindName)")
            return nil
        }
        return v
    }

    mutating func list(_ node: ModelNode, _ path: String) -> [ModelNode]? {
        guard case .sequence(let items, _) = node else {
            error(node, path, "expected a list, got \(node.kindName)")
            return nil
        }
        return items
    }

    /// A list of strings, also accepting one string alone.
    mutating func strings(_ node: ModelNode, _ path: String) -> [String]? {
        if case .scalar = node { return string(node, path).map { [$0] } }
        guard let items = list(node, path) else { return nil }
        let values = items.enumerated().compactMap { string($1, "\(path)[\($0)]") }
        return values.count == items.count ? values : nil
    }
}

/// Spelling suggestions for unknown keys and values.
enum Spelling {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, word.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
