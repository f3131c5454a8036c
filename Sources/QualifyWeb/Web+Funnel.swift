import Foundation
import Hummingbird
import QualifyApp
import QualifyCore
import QualifyStore
import QualifyUseCases

extension Web {
    /// `/app/insights/funnel?from=&to=&by=`: what `qualify funnel` prints, as tables and its chart. Reads every lead.
    func funnelPage(_ request: Request, _ viewer: Viewer) async throws -> PageResult {
        let q = request.uri.queryParameters
        var c = layout(viewer, title: "Funnel", nav: "insights")
        let fromText = String((q.get("from") ?? "").prefix(40)), toText = String((q.get("to") ?? "").prefix(40))
        let byText = String((q.get("by") ?? "").prefix(100)).trimmingCharacters(in: .whitespaces)
        c["from"] = fromText
        c["to"] = toText
        c["by"] = byText
        let asked: FunnelRequest
        do { asked = try FunnelRequest(from: fromText, to: toText, by: byText, now: clock()) } catch {
            c["error"] = "\(error.description.prefix(1).uppercased())\(error.description.dropFirst())."
            return .html(render("funnel", c), status: .badRequest)
        }
        let report = try await store.funnel(asked.options, group: asked.group)
        c["arrivals"] = report.arrivals
        c["svg"] = FunnelChart(report: report).svg()
        c["stages"] = report.stages.map { s -> [String: Any] in
            ["stage": s.stage.label, "entered": s.entered, "further": s.advanced.text, "median": s.medianDays.map { $0.formatted(1) } ?? "—",
             "p90": s.p90Days.map { $0.formatted(1) } ?? "—", "still": s.stillThere, "stalled": s.stalled]
        }
        c["exits"] = report.exits.map { ["to": $0.to.label, "action": $0.action, "code": $0.code ?? "—", "count": $0.count] }
        c["noExits"] = report.exits.isEmpty
        c["horizons"] = report.horizons.map { "\($0) days" }
        c["cohorts"] = report.cohorts.map { row -> [String: Any] in
            ["month": row.month, "arrivals": row.arrivals,
             "cells": row.reachedSQL.map { $0?.text ?? "—" } + row.reachedCustomer.map { $0?.text ?? "—" }]
        }
        if let by = report.groupedBy {
            c["grouped"] = ["by": by, "stages": Stage.funnel.dropFirst().map(\.label),
                            "rows": report.groups.map { g -> [String: Any] in ["value": g.value, "arrivals": g.arrivals, "cells": g.reached.map(\.share.text)] }]
        }
        return .html(render("funnel", c))
    }
}
