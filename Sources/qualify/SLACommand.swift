import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyUseCases

struct SLACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sla",
        abstract: "How the hand-off went: per salesperson and for the team, leads assigned, hours to the first touch (median, p90), the share touched within the SLA, escalations.",
        discussion: """
            A touch is a logged activity (qualify log) or a person's stage move after the assignment. The SLA is the \
            model's for the routing stage, in the owner's working calendar; assignments never touched count as \
            outside it. Reads every lead's hand-off events.
            """)
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let report = try await store.slaReport(now: now)
        func hours(_ h: Double?) -> String { h.map { String(format: "%.2f", $0) } ?? "" }
        func share(_ s: Double?) -> String { s.map { String(format: "%.0f %%", $0 * 100) } ?? "—" }
        switch format {
        case .json:
            print(try prettyJSON(report))
        case .csv:
            print("who,assigned,touched,median_hours_to_touch,p90_hours_to_touch,within_sla,with_sla,escalations")
            for r in report.rows {
                print([r.who, "\(r.assigned)", "\(r.touched)", hours(r.medianHoursToTouch), hours(r.p90HoursToTouch), "\(r.withinSLA)",
                       "\(r.withSLA)", "\(r.escalations)"].joined(separator: ","))
            }
        case .table:
            if report.rows.count == 1 && report.rows[0].assigned == 0 {
                print("no lead has been assigned yet (routing needs a team: and routing: in the model)")
                return
            }
            print(table(header: ["WHO", "ASSIGNED", "TOUCHED", "MEDIAN H", "P90 H", "WITHIN SLA", "ESCALATIONS"],
                        rows: report.rows.map { r in
                            [r.who, "\(r.assigned)", "\(r.touched)", hours(r.medianHoursToTouch), hours(r.p90HoursToTouch),
                             r.withSLA == 0 ? "—" : "\(r.withinSLA) of \(r.withSLA) (\(share(r.withinShare)))", "\(r.escalations)"]
                        }))
        }
    }
}
