import QualifyCore
import QualifyStore

extension LeadStore {
    /// The funnel report over every lead, read page by page from the stage history (``LeadStore/funnelLeads``) and
    /// tallied as it goes; `each` sees every lead read (with its group filled in), to keep what the report was
    /// computed from.
    public func funnel(_ options: FunnelOptions, group: FunnelGroup?, pageSize: Int = 5000,
                       each: ((Int64, FunnelLead) throws -> Void)? = nil) async throws -> FunnelReport {
        var tally = FunnelTally(options: options, groupedBy: group?.name)
        var after: Int64 = 0
        while true {
            let page = try await funnelLeads(afterID: after, limit: pageSize, group: group)
            guard let last = page.last else { break }
            for (id, lead) in page {
                var lead = lead
                if group == .month { lead.group = String(lead.arrivedAt.isoDate.prefix(7)) }
                tally.add(lead)
                try each?(id, lead)
            }
            after = last.id
        }
        return tally.report()
    }
}
