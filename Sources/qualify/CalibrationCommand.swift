import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

struct CalibrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibration",
        abstract: "Does the rule model predict outcomes? Won/lost deals by grade, temperature, fit band and stage reached.",
        discussion: """
            A deal's outcome is a person's move: `qualify stage EMAIL win|lose --reason …` (or POST \
            /leads/{email}/stage). Each decided lead is taken as the active model sees it just before its (latest) \
            outcome: its grade, fit points, temperature and stage then. For each group: decided leads, won, the win \
            rate and its lift over the overall rate; then each grade against the next one down, and hot against warm \
            against cold, with a two-proportion z-test at 95 %.
            """)

    @Option(help: "table or json.") var format: CalibrationFormat = .table
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let now = Timestamp.now()
        let store = try await db.open(now: now)
        let lists = try StoreOpener.lists(forDatabase: db.location)
        let bar = ProgressBar()
        let decided = try await RuleCalibrationRun.decided(store: store, lists: lists, now: now) { bar.count($0, "leads read") }
        bar.finish()
        guard !decided.isEmpty else {
            throw Failure("no lead has an outcome yet: record won and lost deals with `qualify stage EMAIL win|lose --reason …`")
        }
        let report = RuleCalibration.report(decided)
        switch format {
        case .json:
            print(try prettyJSON(report))
        case .table:
            print("\(report.leads) decided leads, \(report.won) won: \(Int((report.rate * 100).rounded())) %")
            for (title, rows) in [("grade", report.byGrade), ("temperature", report.byTemperature),
                                  ("fit points", report.byFitBand), ("stage before the outcome", report.byStage)] {
                print("\n\(title.uppercased().padding(toLength: 26, withPad: " ", startingAt: 0))  LEADS    WON   RATE   LIFT")
                for r in rows {
                    print("\(r.group.padding(toLength: 26, withPad: " ", startingAt: 0))  \(String(r.leads).leftPad(5))  \(String(r.won).leftPad(5))  \(String(Int((r.rate * 100).rounded())).leftPad(4)) %  \(r.lift.formatted(2).leftPad(5))")
                }
            }
            if !report.findings.isEmpty {
                print("")
                report.findings.forEach { print($0) }
            }
        }
    }
}

enum CalibrationFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
