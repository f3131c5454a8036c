import QualifyCore
import QualifyStore

extension LeadStore {
    /// The funnel report over every lead, read page by page from the stage history (``LeadStore/funnelLeads``) and
    /// tallied as it goes; `progress` hears the leads read so far after each page.
    public func funnel(_ options: FunnelOptions, group: FunnelGroup?, pageSize: Int = 5000,
                       progress: (@Sendable (Int) -> Void)? = nil) async throws -> FunnelReport {
        var tally = FunnelTally(options: options, groupedBy: group?.name)
        var after: Int64 = 0
        var read = 0
        while true {
            let page = try await funnelLeads(afterID: after, limit: pageSize, group: group)
            guard let last = page.last else { break }
            for (_, lead) in page {
                var lead = lead
                if group == .month { lead.group = String(lead.arrivedAt.isoDate.prefix(7)) }
                tally.add(lead)
            }
            read += page.count
            progress?(read)
            after = last.id
        }
        return tally.report()
    }
}
