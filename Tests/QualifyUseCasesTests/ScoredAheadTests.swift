import Foundation
import QualifyCore
import QualifyModelFile
import QualifySQLite
import QualifyStore
@testable import QualifyUseCases
import Testing

/// Large batches are scored on a read snapshot before their write transaction (``ScoredAhead``). Whatever path a
/// lead takes — scored ahead, or in the transaction because it is new, got a late or already stored event, or
/// changed meanwhile — the store must end exactly as if every event had come alone.
@Suite struct ScoredAheadTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static func at(minutes: Int64) -> Timestamp { t0.adding(TimeSpan(millis: minutes * 60_000)) }
    static let now = at(minutes: 60 * 24 * 30)
    static func key(_ i: Int) -> LeadKey { try! EmailAddress.parse("lead\(i)@firm\(i % 7).io").get() }
    static func event(_ id: String, _ lead: Int, _ type: String, minute: Int64, url: String? = nil) -> IncomingEvent {
        IncomingEvent(id: EventID(id), email: key(lead).email, type: type, at: at(minutes: minute),
                      properties: url.map { ["url": $0] } ?? [:])
    }

    /// Two batches over 40 leads: in time order for most, with a new lead, an unknown one, a late event, an id
    /// already stored, one id twice in a batch and moves to SQL.
    static let batches: [[IncomingEvent]] = {
        var first: [IncomingEvent] = [], second: [IncomingEvent] = []
        let types = ["page_view", "content_download", "webinar_register", "page_view"]
        for lead in 0..<40 {
            for n in 0..<2 {
                first.append(event("a\(lead)-\(n)", lead, types[(lead + n) % 4], minute: Int64(60 + lead * 3 + n), url: "/pricing"))
            }
            for n in 0..<2 {
                second.append(event("b\(lead)-\(n)", lead, types[(lead + n) % 4], minute: Int64(600 + lead * 2 + n), url: "/pricing"))
            }
        }
        first.append(event("n1", 900, "content_download", minute: 100))           // a new lead (created)
        second += [
            event("late", 1, "page_view", minute: 30, url: "/pricing"),          // before lead 1's latest: replayed
            event("a2-0", 2, "demo_request", minute: 700),                       // an id already stored: duplicate
            event("twice", 3, "page_view", minute: 701, url: "/docs"),
            event("twice", 3, "page_view", minute: 702, url: "/docs"),           // the same id twice in one batch
            event("d4", 4, "demo_request", minute: 703),                          // a move to SQL
            event("d5", 5, "demo_request", minute: 704),
            event("n2", 900, "demo_request", minute: 705),
        ]
        return [first, second]
    }()

    static func open(_ dir: URL, _ name: String) async throws -> SQLiteLeadStore {
        let store = try SQLiteLeadStore(path: dir.appendingPathComponent(name).path)
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: t0)
        _ = try await store.upsertLeads((0..<40).map {
            LeadUpsert(key: key($0), fields: ["job_title": $0 % 2 == 0 ? "CTO" : "Intern", "company": "Firm \($0 % 7)"], origin: "\($0)")
        }, source: "crm", at: t0)
        return store
    }

    @Test func aLargeBatchEndsAsEveryEventAlone() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-prepared-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let batched = try await Self.open(dir, "batched.sqlite"), single = try await Self.open(dir, "single.sqlite")
        let options = IngestOptions(createLeads: true)
        var batchedOutcomes: [IngestOutcome] = [], singleOutcomes: [IngestOutcome] = []
        for batch in Self.batches {
            #expect(batch.count >= ScoredAhead.minimumEvents, "the batch must be large enough to be scored ahead")
            batchedOutcomes += try await batched.ingest(batch, options: options, now: Self.now)
            for event in batch { singleOutcomes += try await single.ingest([event], options: options, now: Self.now) }
        }
        #expect(batchedOutcomes == singleOutcomes)
        #expect(batchedOutcomes.filter { $0 == .duplicate }.count == 2)
        for lead in Array(0..<40) + [900] {
            let a = try await batched.lead(Self.key(lead)), b = try await single.lead(Self.key(lead))
            #expect(a != nil && a?.state == b?.state && a?.modelVersion == b?.modelVersion, "lead \(lead)")
        }
        #expect(try await batched.lead(Self.key(4))?.state.stage == .sql)
        func stageMessages(_ store: SQLiteLeadStore) async throws -> [String] {
            try await store.outboxMessages(after: 0, limit: 1000).map(\.payload).sorted()
        }
        let messages = try await stageMessages(batched), expected = try await stageMessages(single)
        #expect(!messages.isEmpty && messages == expected)
    }

    @Test func onlyLeadsWithNewEventsInOrderAreScoredAhead() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-prepared-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Self.open(dir, "q.sqlite")
        _ = try await store.ingest(Self.batches[0], options: IngestOptions(createLeads: true), now: Self.now)
        let events = Self.batches[1].map { e in
            Event(id: e.id, lead: try! EmailAddress.parse(e.email).get(), at: e.at, kind: .activity(type: e.type, properties: e.properties))
        }
        let prepared = try await ScoredAhead(store: store, events: events + [Event(id: EventID("x"), lead: Self.key(77), at: Self.now,
                                                                                   kind: .activity(type: "page_view", properties: [:]))],
                                             now: Self.now)
        #expect(prepared.modelVersion == 1)
        #expect(prepared.leads[Self.key(1)] == nil, "a late event: the lead is replayed in the transaction")
        #expect(prepared.leads[Self.key(3)] == nil, "one id twice: the second is a duplicate, known only when written")
        #expect(prepared.leads[Self.key(77)] == nil, "no such lead")
        #expect(prepared.leads[Self.key(0)] != nil && prepared.leads[Self.key(4)]?.changes.last?.to == .sql)
        #expect(prepared.leads.count == 39, "every other lead, the new one of the first batch included")
    }

    @Test func aProjectionScoredAheadIsNotWrittenOverAChangedRow() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualify-prepared-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Self.open(dir, "q.sqlite")
        let key = Self.key(0)
        let event = Event(id: EventID("p"), lead: key, at: Self.at(minutes: 10), kind: .activity(type: "demo_request", properties: [:]))
        let ahead = try await ScoredAhead(store: store, events: [event], now: Self.now)
        let read = try await store.storedLeads([key]).leads[key]!
        let write = try #require(ahead.guardedWrite(of: read))
        #expect(write.changes.last?.to == .sql && write.ifUnchanged?.stateBytes == read.stateBytes, "guarded by the state it was scored from")
        // another writer moves the lead between the read and the write
        _ = try await store.ingest([Self.event("other", 0, "content_download", minute: 5)], options: IngestOptions(), now: Self.now)
        let skipped = try await store.transaction { tx in try await tx.writeLeads([write], modelVersion: 1, at: Self.now) }
        #expect(skipped == [read.id], "the row changed: the guarded write is not made")
        #expect(try await store.lead(key)?.state.stage == .iql, "the other writer's download stands; the demo was not written")
        let current = try await store.storedLeads([key]).leads[key]!
        var changed = write
        changed.ifUnchanged = current
        let again = changed
        let none = try await store.transaction { tx in try await tx.writeLeads([again], modelVersion: 1, at: Self.now) }
        #expect(none.isEmpty, "written when the row is as read")
    }
}
