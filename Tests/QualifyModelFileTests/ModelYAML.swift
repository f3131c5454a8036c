import QualifyCore
import QualifyModelFile
import Testing

/// A small valid model and edits of it, so each test changes one thing and knows the line it changed.
enum ModelYAML {
    static let file = "tiny.yaml"

    static let tiny = #"""
    name: tiny
    fit:
      rules:
        - { id: decision-maker, when: { field: job_title, matches: "(?i)\\b(vp|head)\\b" }, points: 20 }
        - { id: company-size, when: { field: employees, between: [50, 5000] }, points: 20 }
        - { id: free-mail, when: { email: free_provider }, points: -15 }
      grades: { A: 40, B: 30, C: 10 }
    engagement:
      half_life: 30d
      temperature: { hot: 60, warm: 25 }
      rules:
        - { id: visit, on: page_view, points: 1, cap: { points: 10, per: 7d } }
        - { id: download, on: content_download, points: 15 }
        - { id: demo, on: demo_request, points: 50 }
    stages:
      - { id: iql, when: { event: content_download } }
      - { id: mql, when: { all: [ { count: { of: [content_download], at_least: 2 } }, { grade: { at_least: C } } ] } }
      - { id: sql, when: { event: demo_request } }

    """#

    /// `tiny` with each `old` text (which must occur exactly once) replaced by `new`.
    static func tiny(_ edits: [(old: String, new: String)], sourceLocation: SourceLocation = #_sourceLocation) -> String {
        var text = tiny
        for edit in edits {
            let count = text.components(separatedBy: edit.old).count - 1
            #expect(count == 1, "'\(edit.old)' occurs \(count) times in the tiny model", sourceLocation: sourceLocation)
            text = text.replacingOccurrences(of: edit.old, with: edit.new)
        }
        return text
    }

    /// The 1-based line and column where `marker` first occurs.
    static func position(of marker: String, in text: String) -> (line: Int, column: Int)? {
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            if let range = line.range(of: marker) {
                return (i + 1, line.distance(from: line.startIndex, to: range.lowerBound) + 1)
            }
        }
        return nil
    }

    static func parse(_ text: String) -> Result<(QualificationModel, [ModelIssue]), ModelIssues> {
        ModelFile.parse(yaml: text, file: file)
    }

    /// The issues of a model that must not parse.
    static func issues(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ModelIssue] {
        switch parse(text) {
        case .success:
            Issue.record("the model parsed, but errors were expected", sourceLocation: sourceLocation)
            return []
        case .failure(let issues):
            return issues.issues
        }
    }
}
