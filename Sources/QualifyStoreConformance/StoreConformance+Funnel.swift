import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

extension StoreConformance {
    static func funnelLeads(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)  // fields at t0: her first event
        _ = try await store.ingest([event("f1", "ada@acme.io", "content_download", day(1)),
                                    event("f2", "ada@acme.io", "demo_request", day(2))], options: IngestOptions(), now: now)
        _ = try await store.upsertLeads([LeadUpsert(key: key("bo@shop.io"), fields: ["industry": "Retail", "employees": "40"],
                                                    origin: "test:2")], source: "test", at: day(3))
        _ = try await store.ingest([event("f3", "bo@shop.io", "content_download", day(3, hour: 2))], options: IngestOptions(), now: now)
        _ = try await store.moveStage(key("ada@acme.io"), action: .recycle, reason: "no budget until Q3", by: "sam",
                                      id: EventID("fm1"), at: day(4))
        _ = try await store.upsertLeads([LeadUpsert(key: key("ada@acme.io"), fields: ["industry": "Fintech"], origin: "test:3")],
                                        source: "test", at: day(5))

        let first = try await store.funnelLeads(afterID: 0, limit: 1, group: .field("industry"))
        try expect(first.count == 1, "a page of one: \(first.count)")
        let ada = first[0].lead
        try expect(ada.arrivedAt == t0, "arrival is the first event: \(ada.arrivedAt)")
        try expect(ada.moves.map { "\($0.from.rawValue)→\($0.to.rawValue)" } == ["new→iql", "iql→sql", "sql→recycled"],
                   "moves oldest first: \(ada.moves)")
        try expect(ada.moves.map(\.at) == [day(1), day(2), day(4)], "move times: \(ada.moves.map(\.at))")
        try expect(ada.moves[2].reason == "recycle: no budget until Q3", "a person's reason as recorded: \(ada.moves[2].reason)")
        try expect(ada.group == "Fintech", "the latest value of the field: \(ada.group ?? "nil")")
        let second = try await store.funnelLeads(afterID: first[0].id, limit: 10, group: .field("industry"))
        try expect(second.count == 1 && second[0].lead.group == "Retail" && second[0].lead.arrivedAt == day(3)
                   && second[0].lead.moves.map(\.to) == [.iql], "the next page: \(second)")
        let numbers = try await store.funnelLeads(afterID: 0, limit: 10, group: .field("employees"))
        try expect(numbers.map(\.lead.group) == ["250", "40"], "a number-valued field as text: \(numbers.map(\.lead.group))")
        let grades = try await store.funnelLeads(afterID: 0, limit: 10, group: .grade)
        try expect(grades.allSatisfy { ["A", "B", "C", "D"].contains($0.lead.group ?? "") }, "grades: \(grades.map(\.lead.group))")
        let owners = try await store.funnelLeads(afterID: 0, limit: 10, group: .owner)
        try expect(owners.allSatisfy { $0.lead.group == nil }, "no owners yet: \(owners.map(\.lead.group))")
        let missing = try await store.funnelLeads(afterID: 0, limit: 10, group: .field("no such field"))
        try expect(missing.count == 2 && missing.allSatisfy { $0.lead.group == nil }, "a field nobody has: \(missing.map(\.lead.group))")
        let past = try await store.funnelLeads(afterID: second[0].id, limit: 10, group: nil)
        try expect(past.isEmpty, "past the last lead: empty")
    }
}
