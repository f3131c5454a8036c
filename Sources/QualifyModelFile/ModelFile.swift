import Foundation
import QualifyCore
import Yams

/// Reads a model from YAML text: Yams builds the node tree (with line and column of every node), the core checks it.
public enum ModelFile {
    /// Parses and validates; every problem is reported with `file`, line and key.
    public static func parse(yaml: String, file: String) -> Result<(QualificationModel, [ModelIssue]), ModelIssues> {
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
        return ModelParser.parse(convert(root), file: file, zoneExists: { TimeZone(identifier: $0) != nil })
    }

    /// The built-in default model, parsed (it is tested to parse without issues).
    public static func defaultModel() -> QualificationModel {
        switch parse(yaml: DefaultModel.yaml, file: DefaultModel.fileName) {
        case .success(let (model, _)): return model
        case .failure(let issues): preconditionFailure("the built-in model is invalid:\n\(issues)")
        }
    }

    static func convert(_ node: Node) -> ModelNode {
        let mark = SourceMark(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        switch node {
        case .scalar(let s):
            let quoted = s.style == .singleQuoted || s.style == .doubleQuoted || s.style == .literal || s.style == .folded
            // YAML's null (`~`, `null`, empty) reads as empty unquoted text: "nothing" in messages.
            let isNull = !quoted && (s.string == "~" || s.string == "null" || s.string == "Null" || s.string == "NULL")
            return .scalar(isNull ? "" : s.string, quoted: quoted, mark)
        case .mapping(let m):
            return .mapping(m.map { key, value in
                let keyText: String
                if case .scalar(let s) = key { keyText = s.string } else { keyText = "\(key)" }
                return ModelNode.Pair(
                    key: keyText,
                    keyMark: SourceMark(line: key.mark?.line ?? 0, column: key.mark?.column ?? 0),
                    value: convert(value))
            }, mark)
        case .sequence(let s):
            return .sequence(s.map(convert), mark)
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
