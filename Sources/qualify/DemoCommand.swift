import ArgumentParser
import Foundation
import QualifyApp
import QualifyCore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write a realistic synthetic data set (leads.csv, events.csv) to load with the import commands.",
        discussion: """
            Leads share company domains (accounts), have CRM-like fields, and act over months: most only browse, some download \
            and come back, a few ask for a demo or trial — better-fit leads more often. The history ends now, or at --end: \
            the same --seed and --end give the same files byte for byte (without --end the dates follow the clock). \
            Events are written lead by lead, each lead's in time order.
            """)
    @Option(help: "How many leads.") var leads = 1000
    @Option(help: "Random seed (same seed, same data).") var seed: UInt64 = 1
    @Option(help: "Average events per lead.") var eventsPerLead = 10.0
    @Option(help: "Output directory (created if missing).") var out = "demo"
    @Option(help: "How many months of history, ending today (or at --end).") var months = 6
    @Option(help: ArgumentHelp("End the history at this date or time instead of now (ISO-8601, e.g. 2026-06-30), for files that are the same on every run.", valueName: "date"))
    var end: String?

    func validate() throws {
        if leads < 1 || leads > 50_000_000 { throw ValidationError("--leads must be between 1 and 50000000") }
        if eventsPerLead <= 0 || eventsPerLead > 1000 { throw ValidationError("--events-per-lead must be above 0 and at most 1000") }
        if months < 1 || months > 120 { throw ValidationError("--months must be between 1 and 120") }
        if let end, Timestamp(iso8601: end) == nil {
            throw ValidationError("--end '\(end)' is not a date like 2026-06-30 or 2026-06-30T12:00:00Z")
        }
    }

    func run() async throws {
        // a bare date ends at that day's end, as --as-of reads it
        let end = self.end.flatMap { text in Timestamp(iso8601: text).map { text.count == 10 ? $0.adding(TimeSpan(millis: 86_400_000 - 1)) : $0 } }
            ?? Timestamp.now()
        let start = end.subtracting(.days(Int64(months) * 30))
        let generator = DemoGenerator(seed: seed, leads: leads, start: start, end: end, eventsPerLead: eventsPerLead)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let leadsPath = (out as NSString).appendingPathComponent("leads.csv")
        let eventsPath = (out as NSString).appendingPathComponent("events.csv")
        guard FileManager.default.createFile(atPath: leadsPath, contents: nil),
              FileManager.default.createFile(atPath: eventsPath, contents: nil),
              let leadsFile = FileHandle(forWritingAtPath: leadsPath), let eventsFile = FileHandle(forWritingAtPath: eventsPath) else {
            throw Failure("cannot write to '\(out)'")
        }
        let columns = ["first_name", "last_name", "company", "job_title", "industry", "employees", "country", "lead_source", "phone"]
        var leadText = "Email,First Name,Last Name,Company,Job Title,Industry,Number of Employees,Country,Lead Source,Phone,Create Date\n"
        var eventText = "id,email,type,at,url,asset,campaign\n"
        var eventCount = 0
        let bar = ProgressBar()
        for i in 0..<leads {
            let lead = generator.lead(i)
            leadText += ([lead.email] + columns.map { lead.fields[$0] ?? "" } + [lead.createdAt.iso8601]).map(CSVCell.verbatim).joined(separator: ",") + "\n"
            for e in generator.events(forLead: i) {
                eventText += [e.id, e.email, e.type, e.at.iso8601, e.properties["url"] ?? "", e.properties["asset"] ?? "",
                              e.properties["campaign"] ?? ""].map(CSVCell.verbatim).joined(separator: ",") + "\n"
                eventCount += 1
            }
            if eventText.utf8.count > 4 << 20 || i == leads - 1 {
                leadsFile.write(Data(leadText.utf8))
                eventsFile.write(Data(eventText.utf8))
                leadText = ""
                eventText = ""
                bar.update(ImportProgress(file: "demo", fraction: Double(i + 1) / Double(leads), rows: i + 1, rejected: 0))
            }
        }
        bar.finish()
        try leadsFile.close()
        try eventsFile.close()
        print("wrote \(leads) leads to \(leadsPath) and \(eventCount) events to \(eventsPath)")
    }
}
