import Foundation
@testable import QualifyApp
import QualifyCore
import QualifyModelFile
import QualifySQLite
import QualifyStore
@testable import QualifyUseCases
import Testing

/// The importer keeps two batches in flight and never lets them share a lead, so batches committing in either order
/// give what one batch gives. A lead is its address's identity, not the address as written.
struct ImportBatchesInFlightTests {
    static func batch(_ emails: [String]) -> EventBatch {
        var b = EventBatch()
        for (i, email) in emails.enumerated() {
            b.events.append(IncomingEvent(id: EventID("e\(i)"), email: email, type: "page_view", at: Timestamp(millis: Int64(i))))
            b.origins.append(i + 2)
        }
        return b
    }

    @Test func anAddressWrittenAnotherWayIsTheSameBusyLead() {
        let busy: Set<String> = [IngestPipeline.leadIdentity("Ada@ACME.io")]
        let (go, wait) = IngestPipeline.split(Self.batch(["ada@acme.io", "bo@acme.io", " ADA@acme.IO ", "not an address"]),
                                             busyLeads: busy, busyIDs: [])
        #expect(wait.events.map(\.email) == ["ada@acme.io", " ADA@acme.IO "] && wait.origins == [2, 4])
        #expect(go.events.map(\.email) == ["bo@acme.io", "not an address"])
        #expect(IngestPipeline.leadIdentity("ana@MÜNCHEN.de") == IngestPipeline.leadIdentity("ana@xn--mnchen-3ya.de"))
    }

    @Test func anEventWhoseIdABatchInFlightHoldsWaitsAndSoDoLaterOnesWithThatId() {
        var pending = Self.batch(["a@x.io", "b@x.io", "c@x.io"])
        pending.events[2].id = EventID("e1")
        let (go, wait) = IngestPipeline.split(pending, busyLeads: [], busyIDs: [EventID("e1")])
        #expect(go.events.map(\.email) == ["a@x.io"] && wait.events.map(\.email) == ["b@x.io", "c@x.io"])
    }

    /// A file in time order whose leads are written in mixed case, imported in batches of 20 (two in flight) and in
    /// one batch: the same leads, the same stage moves, each recorded once. (Which batch commits first is up to the
    /// scheduler, so this cannot force the race the split tests above rule out; it checks the whole path.)
    @Test func mixedCaseAddressesInSmallBatchesRecordEachMoveOnce() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-inflight-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
        let emails = (0..<12).map { "lead\($0)@firm\($0 % 3).io" }
        let types = ["page_view", "content_download", "webinar_register", "webinar_attend", "demo_request"]
        var lines = ["id,email,type,at,url"]
        for i in 0..<400 {
            let email = emails[i % emails.count]
            let written = i % 2 == 0 ? email : email.uppercased()
            lines.append("e\(i),\(written),\(types[(i / 12) % types.count]),\(t0.adding(TimeSpan(millis: Int64(i) * 60_000)).iso8601),/pricing")
        }
        let events = dir.appendingPathComponent("events.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: events, atomically: true, encoding: .utf8)
        let now = t0.adding(.days(30))

        func importFile(_ name: String, batchSize: Int) async throws -> (SQLiteLeadStore, EventImporter.Report) {
            let store = try SQLiteLeadStore(path: dir.appendingPathComponent(name).path)
            _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: t0)
            _ = try await store.upsertLeads(emails.map { LeadUpsert(key: try! EmailAddress.identity($0).get(), fields: ["job_title": "CTO"], origin: $0) },
                                            source: "crm", at: t0)
            return (store, try await EventImporter(store: store, batchSize: batchSize).run(path: events, now: now))
        }
        let (whole, wholeReport) = try await importFile("whole.sqlite", batchSize: 100_000)
        let (split, splitReport) = try await importFile("split.sqlite", batchSize: 20)
        #expect(wholeReport.applied == 400 && splitReport.applied == 400 && splitReport.rejected.isEmpty)
        func moves(_ store: SQLiteLeadStore) async throws -> [String] {
            try await store.outboxMessages(after: 0, limit: 10_000).map(\.payload).sorted()
        }
        let expected = try await moves(whole), got = try await moves(split)
        #expect(!expected.isEmpty && got == expected, "\(got.count) moves vs \(expected.count)")
        for email in emails {
            let key = try EmailAddress.identity(email).get()
            let a = try await whole.lead(key), b = try await split.lead(key)
            #expect(a != nil && a?.state == b?.state, "\(email)")
        }
    }
}
