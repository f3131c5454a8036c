/// A problem in a model file, located by file, line, column and key path, saying what was expected.
public struct ModelIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }

    public var severity: Severity
    public var file: String?
    public var line: Int?
    public var column: Int?
    /// e.g. `engagement.rules[2].points`
    public var path: String
    public var message: String

    public init(severity: Severity = .error, file: String? = nil, line: Int? = nil, column: Int? = nil, path: String,
                message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        var location = file ?? "model"
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(severity.rawValue): \(path.isEmpty ? "" : path + ": ")\(message)"
    }
}

/// All the problems found in a model file; thrown when at least one is an error.
public struct ModelIssues: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [ModelIssue]
    public init(_ issues: [ModelIssue]) { self.issues = issues }
    public var errors: [ModelIssue] { issues.filter { $0.severity == .error } }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Where a node starts in its file (1-based).
public struct SourceMark: Sendable, Hashable, Codable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A YAML document as the core reads it: scalars keep their text and whether they were quoted, and every node its
/// position. The YAML library lives outside the core and only builds this tree.
public indirect enum ModelNode: Sendable, Hashable {
    case scalar(String, quoted: Bool, SourceMark)
    case mapping([Pair], SourceMark)
    case sequence([ModelNode], SourceMark)

    public struct Pair: Sendable, Hashable {
        public var key: String
        public var keyMark: SourceMark
        public var value: ModelNode
        public init(key: String, keyMark: SourceMark, value: ModelNode) {
            self.key = key
            self.keyMark = keyMark
            self.value = value
        }
    }

    public var mark: SourceMark {
        switch self {
        case .scalar(_, _, let m), .mapping(_, let m), .sequence(_, let m): return m
        }
    }

    var kindName: String {
        switch self {
        case .scalar(let s, let quoted, _): return s.isEmpty && !quoted ? "nothing" : "'\(s)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}
