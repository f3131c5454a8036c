import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore
import QualifyUseCases

struct FunnelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funnel",
        abstract: "How the funnel performs: leads entering each stage, conversion onward, time in stage, stalled leads, exits by reason, monthly cohorts, and any field side by side.",
        discussion: """
            Computed from the stage history (the events' truth: a replay or a new model rewrites it), over every lead. \
            A lead arrives with its first event. Per stage (new, IQL, MQL, SQL, opportunity, customer): leads that \
            entered it in the window, the share of them that later reached a further stage (skipping one counts), the \
            median and p90 days of the stays that ended, the stays still open at --to and how many of those are longer \
            than the p90 (stalled). Exits: moves to recycled or disqualified in the window by action (reject, lose, \
            recycle, disqualify) and reason code. Cohorts: the leads that arrived in each month and the share that \
            reached SQL and customer within 30, 60 and 90 days ("—" until that horizon has passed for the whole month). \
            --by puts groups side by side — a field (lead_source, industry, any field), owner, grade (as now) or month \
            (of arrival) — with the share reaching each stage and its 95 % Wilson interval, so a difference can be told \
            from noise. --to reads the history as it stood then; a field's value is its latest.
            """)

    @Option(help: ArgumentHelp("Count stage entries and arrivals from this date (YYYY-MM-DD, UTC) on.", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("Up to the end of this date (YYYY-MM-DD, UTC; or a time): the report's now. Default: now.", valueName: "date"))
    var to: String?
    @Option(help: ArgumentHelp("Put groups side by side: lead_source, owner, grade, month or any field.", valueName: "group")) var by: String?
    @Option(help: "table, csv (section,key,measure,value) or json.") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Also write the stage history the report was computed from: one row per move (lead, arrived_at, group, from, to, at, reason).", valueName: "file.csv"))
    var history: String?
    @Option(help: ArgumentHelp("Also draw the funnel as an SVG chart.", valueName: "funnel.svg")) var chart: String?
    @OptionGroup var db: DatabaseOptions

    /// The window and group asked for, read by the core's one rule (``FunnelRequest``).
    func request(now: Timestamp) throws -> FunnelRequest {
        do { return try FunnelRequest(from: from, to: to, by: by, now: now) } catch { throw ValidationError("--\(error)") }
    }

    func validate() throws { _ = try request(now: Timestamp.now()) }

    func run() async throws {
        let now = Timestamp.now()
        let asked = try request(now: now)
        let store = try await db.open(now: now)
        var writer: HistoryWriter?
        if let history { writer = try HistoryWriter(path: history) }
        let report: FunnelReport
        do {
            report = try await store.funnel(asked.options, group: asked.group, each: writer.map { w in { try w.add($0, $1) } })
            try writer?.close()
        } catch {
            writer?.discard()  // a half-written history would block the next run and mislead a reader
            throw error
        }
        if let chart {
            do { try FunnelChart(report: report).svg().write(toFile: chart, atomically: true, encoding: .utf8) } catch {
                throw Failure("cannot write the chart to '\(chart)': \(error.localizedDescription)")
            }
        }
        switch format {
        case .json:
            print(try prettyJSON(report))
        case .csv: print(FunnelView.csv(report), terminator: "")
        case .table: print(FunnelView.text(report))
        }
    }
}

/// `--history`: the funnel's input as CSV, written as the leads are read.
final class HistoryWriter {
    let path: String
    let handle: FileHandle
    var buffer = "lead,arrived_at,group,from,to,at,reason\n"

    init(path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw Failure("'\(path)' already exists; give --history a new file (nothing is overwritten)")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw Failure("cannot write '\(path)' (check the directory exists and is writable)")
        }
        self.path = path
        self.handle = handle
    }

    func add(_ id: Int64, _ lead: FunnelLead) throws {
        func row(_ cells: [String]) { buffer += cells.map(CSVCell.verbatim).joined(separator: ",") + "\n" }
        let head = ["\(id)", lead.arrivedAt.iso8601, lead.group ?? ""]
        if lead.moves.isEmpty { row(head + ["", "", "", ""]) }
        for move in lead.moves { row(head + [move.from.rawValue, move.to.rawValue, move.at.iso8601, move.reason]) }
        if buffer.utf8.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer = ""
    }

    func close() throws {
        try flush()
        try handle.close()
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
