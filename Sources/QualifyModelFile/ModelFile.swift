import Foundation
import QualifyCore
import Yams

/// Reads a model from YAML text: Yams builds the node tree (with line and column of every node), the core checks it.
public enum ModelFile {
    /// Parses and validates; every problem is reported with `file`, line and key.
    public static func parse(yaml: String, file: String) -> Result<(QualificationModel, [ModelIssue]), ModelIssues> {
        guard yaml.utf8.count <= maximumBytes else {
            return .failure(ModelIssues([ModelIssue(file: file, line: 1, path: "", message: """
                the model is \(yaml.utf8.count) bytes, over the limit of \(maximumBytes) (the built-in one is about 10 KB)
                """)]))
        }
        if let line = aliasKeyLine(yaml) {
            return .failure(ModelIssues([ModelIssue(file: file, line: line, path: "", message: """
                a YAML alias (*name) used as a mapping key is not accepted in a model: write the key out
                """)]))
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return .failure(ModelIssues([issue(from: error, file: file, yaml: yaml)]))
        } catch {
            return .failure(ModelIssues([ModelIssue(file: file, path: "", message: "not YAML: \(error)")]))
        }
        guard let root else {
            return .failure(ModelIssues([ModelIssue(file: file, line: 1, path: "", message: "the file is empty; expected a model (see `qualify model show-default`)")]))
        }
        var budget = maximumNodes
        guard let tree = convert(root, budget: &budget) else {
            return .failure(ModelIssues([ModelIssue(file: file, line: 1, path: "", message: """
                the model expands to more than \(maximumNodes) values: YAML aliases (*name) repeated inside each other? \
                A model needs no aliases; write the values out
                """)]))
        }
        return ModelParser.parse(tree, file: file, zoneExists: { TimeZone(identifier: $0) != nil })
    }

    /// The line of the first alias used as a mapping key (`*name:` or `? *name`), nil if there is none. Refused
    /// before Yams composes the text, which hashes a key's whole expansion (aliases of aliases: billions of values).
    /// Aliases as values are followed, their expansion counted against ``maximumNodes``. Names are libyaml's
    /// (letters, digits, `-`, `_`); text in quotes or comments is not told apart, so the check can only refuse more.
    static func aliasKeyLine(_ yaml: String) -> Int? {
        guard yaml.contains("*") else { return nil }
        func isNameCharacter(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_") }
        for (number, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let i = rest.firstIndex(of: "*") {
                let before = line[line.startIndex..<i].reversed().drop { $0 == " " || $0 == "\t" }.first
                let afterStar = rest[rest.index(after: i)...]
                let name = afterStar.prefix(while: isNameCharacter)
                let next = afterStar.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }.first
                if !name.isEmpty, next == ":" || before == "?" { return number + 1 }
                rest = afterStar
            }
        }
        return nil
    }

    /// The most values (scalars, mappings, sequences) a model may expand to, aliases counted each time they are used:
    /// the built-in model has about 400; a YAML alias bomb (a few hundred bytes naming aliases of aliases) would
    /// otherwise expand to billions and exhaust memory.
    public static let maximumNodes = 100_000
    /// The largest model text read (1 MiB).
    public static let maximumBytes = 1 << 20

    /// The built-in default model, parsed (it is tested to parse without issues).
    public static func defaultModel() -> QualificationModel {
        switch parse(yaml: DefaultModel.yaml, file: DefaultModel.fileName) {
        case .success(let (model, _)): return model
        case .failure(let issues): preconditionFailure("the built-in model is invalid:\n\(issues)")
        }
    }

    /// The node as the core's tree, or nil once more than `budget` values have been converted.
    static func convert(_ node: Node, budget: inout Int) -> ModelNode? {
        budget -= 1
        guard budget >= 0 else { return nil }
        let mark = SourceMark(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        switch node {
        case .scalar(let s):
            let quoted = s.style == .singleQuoted || s.style == .doubleQuoted || s.style == .literal || s.style == .folded
            // YAML's null (`~`, `null`, empty) reads as empty unquoted text: "nothing" in messages.
            let isNull = !quoted && (s.string == "~" || s.string == "null" || s.string == "Null" || s.string == "NULL")
            return .scalar(isNull ? "" : s.string, quoted: quoted, mark)
        case .mapping(let m):
            var pairs: [ModelNode.Pair] = []
            for (key, value) in m {
                let keyText: String
                if case .scalar(let s) = key { keyText = s.string } else { keyText = "(a key that is not text)" }
                guard let converted = convert(value, budget: &budget) else { return nil }
                pairs.append(ModelNode.Pair(key: keyText, keyMark: SourceMark(line: key.mark?.line ?? 0, column: key.mark?.column ?? 0),
                                            value: converted))
            }
            return .mapping(pairs, mark)
        case .sequence(let s):
            var items: [ModelNode] = []
            for item in s {
                guard let converted = convert(item, budget: &budget) else { return nil }
                items.append(converted)
            }
            return .sequence(items, mark)
        case .alias:
            return .scalar("", quoted: false, mark)
        }
    }

    static func issue(from error: YamlError, file: String, yaml: String) -> ModelIssue {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams reports the mapping, not the repeated key: find the key's second occurrence after the mapping starts.
            let key = duplicates.sorted().first ?? ""
            var line = context.mark.line
            var seen = 0
            for (i, text) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i + 1 >= context.mark.line {
                let trimmed = text.drop { $0 == " " || $0 == "-" }
                if trimmed.hasPrefix("\(key):") || trimmed.hasPrefix("\(key) :") || trimmed.hasPrefix("{ \(key):") {
                    seen += 1
                    if seen == 2 { line = i + 1; break }
                }
            }
            return ModelIssue(file: file, line: line, path: key, message: "key '\(key)' appears twice in the same mapping")
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            return ModelIssue(file: file, line: mark.line, column: mark.column, path: "", message: "not valid YAML: \(what)")
        case .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            return ModelIssue(file: file, line: mark.line, column: mark.column, path: "", message: "not valid YAML: \(what)")
        default:
            return ModelIssue(file: file, path: "", message: "not valid YAML: \(error)")
        }
    }
}
