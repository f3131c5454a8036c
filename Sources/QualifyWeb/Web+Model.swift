import Foundation
import Hummingbird
import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

extension Web {
    func modelPage(_ viewer: Viewer, source: String? = nil, issues: [ModelIssue] = [], issuesTitle: String = "",
                   report: (String, RescoreReport)? = nil, flash: String? = nil, status: HTTPResponse.Status = .ok) async throws -> PageResult {
        let versions = try await store.modelVersions()
        guard let active = versions.last else { throw WebProblem.notFound("no model is active yet: activate one with `qualify model activate FILE`") }
        let text = source ?? active.source
        var c = layout(viewer, title: "Model", nav: "model")
        c["flash"] = flash
        c["activeName"] = active.model.name
        c["activeVersion"] = active.version
        c["activatedAt"] = Display.time(active.activatedAt)
        c["activatedBy"] = active.activatedBy
        c["canEdit"] = viewer.user.role.allows(.manageModel)
        c["source"] = text
        let badLines = Set(issues.compactMap(\.line))
        c["lines"] = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
            ["number": i + 1, "text": String(line), "bad": badLines.contains(i + 1)] as [String: Any]
        }
        c["textTitle"] = source == nil ? "Active text (v\(active.version))" : "Text sent"
        c["issuesTitle"] = issuesTitle
        c["issues"] = issues.map { issue -> [String: Any] in
            var row: [String: Any] = ["line": issue.line ?? 1, "message": (issue.severity == .warning ? "warning: " : "") + issue.message]
            if !issue.path.isEmpty { row["key"] = issue.path }
            return row
        }
        if let (title, r) = report {
            c["report"] = [
                "title": title, "leads": r.leads, "stageChanged": r.stageChanged, "gradeChanged": r.gradeChanged,
                "temperatureChanged": r.temperatureChanged,
                "moves": r.stageMoves.sorted { $0.key < $1.key }.map { "stage \($0.key): \($0.value)" }
                    + r.gradeMoves.sorted { $0.key < $1.key }.map { "grade \($0.key): \($0.value)" },
                "examples": r.examples.map { e in
                    ["email": e.email, "stage": "\(e.stage.before.label) → \(e.stage.after.label)", "grade": "\(e.grade.before.rawValue) → \(e.grade.after.rawValue)"]
                },
            ] as [String: Any]
        }
        c["versions"] = versions.reversed().map { v -> [String: Any] in
            ["version": v.version, "name": v.model.name, "at": Display.time(v.activatedAt), "by": v.activatedBy ?? "—",
             "isFrom": v.version == max(1, active.version - 1), "isTo": v.version == active.version]
        }
        return .html(render("model", c), status: status)
    }

    /// Validate, dry run or activate the text sent: each parses it first and lists every problem by line and key.
    func modelAction(_ fields: [String: String], _ viewer: Viewer) async throws -> PageResult {
        let source = (fields["source"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let action = fields["do"] ?? "validate"
        guard ["validate", "dry-run", "activate"].contains(action) else { throw WebProblem.badRequest("Choose validate, dry run or activate.") }
        guard source.utf8.count <= 512 << 10 else { throw WebProblem.badRequest("The model is over 512 KB.") }
        switch ModelFile.parse(yaml: source, file: "model") {
        case .failure(let issues):
            let errors = issues.issues.sorted { ($0.line ?? 0) < ($1.line ?? 0) }
            return try await modelPage(viewer, source: source, issues: errors,
                                       issuesTitle: "\(issues.errors.count) problem\(issues.errors.count == 1 ? "" : "s"): nothing was \(action == "activate" ? "activated" : "run")",
                                       status: .unprocessableContent)
        case .success(let (model, warnings)):
            let warned = warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))"
            switch action {
            case "validate":
                return try await modelPage(viewer, source: source, issues: warnings, issuesTitle: "Warnings", flash: "The model is valid\(warned).")
            case "dry-run":
                let report = try await store.dryRun(model, now: clock(), examples: 10)
                return try await modelPage(viewer, source: source, issues: warnings, issuesTitle: "Warnings",
                                           report: ("Dry run: what activating would change (nothing was written)", report))
            default:
                let (version, report) = try await store.activate(model, source: source, at: clock(), by: viewer.recordedAs)
                return try await modelPage(viewer, issues: warnings, issuesTitle: "Warnings", report: ("Activated as version \(version.version)", report),
                                           flash: "Version \(version.version) is active\(warned).")
            }
        }
    }

    func diffPage(_ request: Request, _ viewer: Viewer) async throws -> PageResult {
        let versions = try await store.modelVersions()
        let q = request.uri.queryParameters
        func version(_ name: String) throws -> ModelVersion {
            guard let text = q.get(name), let n = Int(text), let v = versions.first(where: { $0.version == n }) else {
                throw WebProblem.badRequest("\(name) must be a recorded version (1 to \(versions.count))")
            }
            return v
        }
        let (from, to) = (try version("from"), try version("to"))
        let old = from.source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = to.source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let lines = LineDiff.lines(old: old, new: new)
        var c = layout(viewer, title: "Model v\(from.version) → v\(to.version)", nav: "model")
        c["from"] = from.version
        c["to"] = to.version
        c["added"] = lines.filter { $0.kind == "add" }.count
        c["removed"] = lines.filter { $0.kind == "del" }.count
        c["lines"] = lines.map { ["kind": $0.kind, "mark": $0.kind == "add" ? "+" : $0.kind == "del" ? "−" : "", "spoken": $0.kind == "add" ? "added: " : $0.kind == "del" ? "removed: " : "",
                                  "text": $0.text] }
        return .html(render("diff", c))
    }
}

/// Two texts' lines as one listing: kept, removed and added lines in order (the standard library's
/// `difference(from:)`, a Myers diff).
enum LineDiff {
    struct Line: Equatable {
        var kind: String
        var text: String
    }

    static func lines(old: [String], new: [String]) -> [Line] {
        let diff = new.difference(from: old)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in diff {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var out: [Line] = []
        var (i, j) = (0, 0)
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) {
                out.append(Line(kind: "del", text: old[i])); i += 1
            } else if j < new.count, inserted.contains(j) {
                out.append(Line(kind: "add", text: new[j])); j += 1
            } else {
                if j < new.count { out.append(Line(kind: "same", text: new[j])) }
                i += 1; j += 1
            }
        }
        return out
    }
}
