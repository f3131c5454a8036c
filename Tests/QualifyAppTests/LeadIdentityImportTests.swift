import Foundation
import QualifyApp
import QualifyCore
import QualifyStore
import Testing

/// Lead dedupe by identity: one person written with a Unicode or an ASCII (Punycode) domain, in any case, with the local
/// part precomposed or decomposed, is one lead through both file imports.
@Suite struct LeadIdentityImportTests {
    @Test func oneAddressWrittenFourWaysIsOneLeadInLeadAndEventFiles() async throws {
        let ws = try await Workspace()
        defer { ws.cleanUp() }
        let leads = try ws.file("leads.csv", """
            Email,First Name,Job Title,Country
            josé@münchen.de,José,,
            JOSE\u{301}@xn--MNCHEN-3YA.de,,CTO,
            jose\u{301}@MÜNCHEN.DE,,,DE
            ana@acme.io,Ana,,

            """)
        let report = try await LeadImporter(store: ws.store).run(path: leads, now: Workspace.now)
        #expect(report.created == 2 && report.merged == 2, "josé once, merged twice; ana: \(report.created) created, \(report.merged) merged")
        let events = try ws.file("events.csv", """
            event_id,email,type,timestamp
            e1,josé@xn--mnchen-3ya.de,page_view,2026-05-01T10:00:00Z
            e2,jose\u{301}@münchen.de,page_view,2026-05-02T10:00:00Z
            e3,JOSÉ@MÜNCHEN.DE,page_view,2026-05-03T10:00:00Z

            """)
        let imported = try await EventImporter(store: ws.store).run(path: events, now: Workspace.now)
        #expect(imported.applied == 3 && imported.rejected.isEmpty, "\(imported.rejected)")
        #expect(try await ws.store.statistics().leads == 2)
        let key = try EmailAddress.identity("José@München.de").get()
        #expect(Array(key.email.utf8) == Array("jos\u{E9}@xn--mnchen-3ya.de".utf8), "NFC, compared as UTF-8")
        let lead = try #require(try await ws.store.lead(key))
        #expect(lead.state.fields["first_name"] == "José" && lead.state.fields["job_title"] == "CTO" && lead.state.fields["country"] == "DE")
        #expect(lead.state.typeCounts["page_view"] == 3)
        #expect(lead.account?.domain == "xn--mnchen-3ya.de")
    }
}

@Suite struct LeadIdentityCommandLineTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-identity-cli-\(UInt64.random(in: 0...UInt64.max))")

    @Test func aLeadIsFoundAndMovedByAnyFormOfItsAddressAndItsCardShowsTheUnicodeForm() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Email,First Name\njosé@münchen.de,José\n".write(to: dir.appendingPathComponent("leads.csv"), atomically: true, encoding: .utf8)
        let imported = try CLI.run(["import", "leads", "leads.csv"], in: dir)
        #expect(imported.status == 0 && imported.out.contains("1 created"), "\(imported.out)\(imported.err)")
        let card = try CLI.run(["lead", "JOSE\u{301}@xn--MNCHEN-3YA.de"], in: dir)
        #expect(card.status == 0 && card.out.hasPrefix("josé@xn--mnchen-3ya.de (josé@münchen.de) — José"), "\(card.out)\(card.err)")
        let move = try CLI.run(["stage", "jose\u{301}@münchen.de", "disqualify", "--reason", "test", "--by", "t"], in: dir)
        #expect(move.status == 0 && move.out.hasPrefix("josé@xn--mnchen-3ya.de: "), "\(move.out)\(move.err)")
    }
}
