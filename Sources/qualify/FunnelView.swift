import QualifyApp
import QualifyCore

/// `qualify funnel`'s text and CSV.
enum FunnelView {
    static func days(_ d: Double?) -> String { d.map { $0.formatted(1) } ?? "—" }

    static func text(_ r: FunnelReport) -> String {
        var out: [String] = []
        let window = "\(r.from.map { $0.isoDate } ?? "the start") – \(r.to.iso8601)"
        out.append("funnel of \(r.arrivals) lead\(r.arrivals == 1 ? "" : "s") that arrived from \(window)")
        out.append("")
        out.append(table(header: ["STAGE", "ENTERED", "WENT FURTHER (95 % CI)", "MEDIAN DAYS", "P90 DAYS", "STILL THERE", "STALLED > P90"],
                         rows: r.stages.map { s in
                             [s.stage.label, "\(s.entered)", s.advanced.text, days(s.medianDays), days(s.p90Days), "\(s.stillThere)", "\(s.stalled)"]
                         }))
        out.append("")
        if r.exits.isEmpty {
            out.append("exits: none in the window")
        } else {
            out.append(table(header: ["EXIT TO", "ACTION", "REASON CODE", "LEADS"],
                             rows: r.exits.map { [$0.to.label, $0.action, $0.code ?? "—", "\($0.count)"] }))
        }
        out.append("")
        let horizons = r.horizons.map { "\($0)D" }
        out.append(table(header: ["ARRIVED", "LEADS"] + horizons.map { "SQL ≤ \($0)" } + horizons.map { "CUSTOMER ≤ \($0)" },
                         rows: r.cohorts.map { c in
                             [c.month, "\(c.arrivals)"] + c.reachedSQL.map { $0?.text ?? "—" } + c.reachedCustomer.map { $0?.text ?? "—" }
                         }))
        if let by = r.groupedBy {
            out.append("")
            out.append("by \(by): the share of each group's arrivals that reached each stage since (95 % Wilson interval)")
            out.append(table(header: [by.uppercased(), "LEADS"] + Stage.funnel.dropFirst().map { "→ \($0.label)" },
                             rows: r.groups.map { g in [g.value, "\(g.arrivals)"] + g.reached.map(\.share.text) }))
        }
        return out.joined(separator: "\n")
    }

    /// One measure per line: `section,key,measure,value` (cohort and group keys name the horizon or stage too).
    static func csv(_ r: FunnelReport) -> String {
        var lines = ["section,key,measure,value"]
        func add(_ section: String, _ key: String, _ measure: String, _ value: String?) {
            // CSVCell.field: a group value or reason code is the users' text; a leading = + - @ must not become a formula
            lines.append([section, key, measure, value ?? ""].map(CSVCell.field).joined(separator: ","))
        }
        func share(_ section: String, _ key: String, _ measure: String, _ p: Proportion?) {
            add(section, key, measure, p?.rate.map { "\($0)" })
            add(section, key, measure + "_low", p?.low.map { "\($0)" })
            add(section, key, measure + "_high", p?.high.map { "\($0)" })
        }
        add("total", "", "arrivals", "\(r.arrivals)")
        for s in r.stages {
            let k = s.stage.rawValue
            add("stage", k, "entered", "\(s.entered)")
            share("stage", k, "went_further", s.advanced)
            add("stage", k, "median_days", s.medianDays.map { "\($0)" })
            add("stage", k, "p90_days", s.p90Days.map { "\($0)" })
            add("stage", k, "still_there", "\(s.stillThere)")
            add("stage", k, "stalled", "\(s.stalled)")
        }
        for e in r.exits { add("exit", "\(e.to.rawValue):\(e.action):\(e.code ?? "")", "leads", "\(e.count)") }
        for c in r.cohorts {
            add("cohort", c.month, "arrivals", "\(c.arrivals)")
            for (h, days) in r.horizons.enumerated() {
                share("cohort", c.month, "sql_within_\(days)d", c.reachedSQL[h])
                share("cohort", c.month, "customer_within_\(days)d", c.reachedCustomer[h])
            }
        }
        for g in r.groups {
            add("group", g.value, "arrivals", "\(g.arrivals)")
            for s in g.reached { share("group", g.value, "reached_\(s.stage.rawValue)", s.share) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
