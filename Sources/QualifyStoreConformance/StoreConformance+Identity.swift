import QualifyCore
import QualifyStore
import QualifyUseCases

extension StoreConformance {
    /// The same person, written with a Unicode or an ASCII (Punycode) domain, in any case, with the local part
    /// precomposed (`é`) or decomposed (`e` + U+0301).
    static let oneAddressFourWays = ["josé@münchen.de", "JOSE\u{301}@xn--MNCHEN-3YA.de", "jose\u{301}@MÜNCHEN.DE", "josé@xn--mnchen-3ya.de"]

    static func oneLeadPerPerson(_ store: any LeadStore) async throws {
        try await prepared(store)
        // compared as UTF-8: Swift's == holds precomposed and decomposed forms equal, the database does not
        let keys = Set(oneAddressFourWays.map { Array(key($0).email.utf8) })
        try expect(keys == [Array("jos\u{E9}@xn--mnchen-3ya.de".utf8)], "one identity for the four forms: \(keys)")
        let upserts = oneAddressFourWays.enumerated().map { i, email in
            LeadUpsert(key: key(email), fields: ["job_title": "CTO", "note\(i)": email], origin: "test:\(i + 1)")
        }
        let created = try await store.upsertLeads(upserts, source: "test", at: t0)
        try expect(created.first == .created && created.dropFirst().allSatisfy({ $0 != .created }), "created once, then merged: \(created)")
        let events = oneAddressFourWays.enumerated().map { i, email in event("p\(i)", email, "page_view", day(1, hour: Int64(i))) }
        let outcomes = try await store.ingest(events, options: IngestOptions(), now: now)
        try expect(outcomes == Array(repeating: .applied, count: 4), "every form's event reaches the lead: \(outcomes)")
        let stats = try await store.statistics()
        try expect(stats.leads == 1, "one lead, got \(stats.leads)")
        guard let lead = try await store.lead(key("JOSÉ@münchen.DE")) else { throw ConformanceFailure("lead not found by another form") }
        try expect(lead.events.filter({ if case .activity = $0.kind { return true } else { return false } }).count == 4,
                   "four activities on the one lead: \(lead.events.map(\.id))")
        try expect(lead.state.fields["note3"] == "josé@xn--mnchen-3ya.de", "fields from every form merged: \(lead.state.fields)")
        try expect(lead.account?.domain == "xn--mnchen-3ya.de", "account by the ASCII domain: \(String(describing: lead.account))")
    }
}
