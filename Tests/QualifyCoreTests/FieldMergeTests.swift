import QualifyCore
import Testing

struct FieldMergeTests {
    static let key = try! EmailAddress.parse("ada@acme.io").get()
    static let at = Timestamp(iso8601: "2026-03-02T09:00:00Z")!

    @Test func laterNonEmptyValuesWinAndEmptyOnesNeverOverwrite() throws {
        let merged = try #require(FieldMerge.merge(["company": " ", "job_title": " CTO ", "country": "UK"],
                                                   into: ["company": "Acme", "country": "UK"], key: Self.key, origin: "f:2",
                                                   at: Self.at, eventCount: 3, created: false))
        #expect(merged.changes == ["job_title": "CTO"])
        #expect(merged.event.id == EventID("$fields:ada@acme.io:\(Self.at.millis):3"))
        #expect(merged.event.kind == .fieldsUpdate(fields: ["job_title": "CTO"], source: "f:2"))
    }

    @Test func nothingNewIsNoMergeUnlessTheLeadIsNew() {
        #expect(FieldMerge.merge(["country": "UK", "city": ""], into: ["country": "UK"], key: Self.key, origin: "f",
                                 at: Self.at, eventCount: 1, created: false) == nil)
        let first = FieldMerge.merge([:], into: [:], key: Self.key, origin: "f", at: Self.at, eventCount: 0, created: true)
        #expect(first?.changes == [:] && first?.event.kind == .fieldsUpdate(fields: [:], source: "f"))
    }
}
