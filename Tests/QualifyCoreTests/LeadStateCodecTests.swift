@testable import QualifyCore
import Testing

@Suite struct LeadStateCodecTests {
    @Test func anEmptyStateRoundTrips() throws {
        let s = LeadState(key: LeadKey(normalizedEmail: "ana@acme.com"))
        #expect(try LeadStateCodec.decode(LeadStateCodec.encode(s)) == s)
        #expect(try LeadStateCodec.headline(LeadStateCodec.encode(s)) == LeadStateCodec.Headline(stage: .new, grade: s.grade, groups: [:]))
    }

    @Test func aFullStateRoundTripsAndEqualStatesGiveEqualBytes() throws {
        var s = LeadState(key: LeadKey(normalizedEmail: "zoë@例え.jp"))
        s.fields = ["job_title": "VP \"Sales\"", "employees": "51-200", "note": "line\nbreak"]
        s.fitMatches = ["a": 20, "b": -15]
        s.fitPoints = 5
        s.grade = .c
        s.groups = ["main": GroupScore(value: 12.75, at: Timestamp(millis: 1_790_000_000_123)), "x": GroupScore(value: -3e-9, at: Timestamp(millis: -5))]
        s.cycleGroups = ["main": GroupScore(value: 1, at: Timestamp(millis: 7))]
        s.onceFired = ["trial", "unsub"]
        s.capWindows = ["visit": CapWindow(start: Timestamp(millis: 99), used: 10)]
        s.typeCounts = ["page_view": 300, "demo_request": 1]
        s.satisfiedEventCriteria = [0, 3, 12]
        s.stage = .sql
        s.stageHistory = [StageChange(from: .new, to: .sql, at: Timestamp(millis: 5), eventID: EventID("e1"), reason: "did demo_request", by: "model")]
        s.last = EventOrder(at: Timestamp(millis: Int64.max), id: EventID("e9"))
        s.eventCount = 1_000_000
        s.firstSeen = Timestamp(millis: Int64.min)
        s.lastActivity = nil
        s.fitEvaluated = true
        s.nurture.taken = ["webinar": Timestamp(millis: 11)]
        s.nurture.stopped = "replied"
        let bytes = LeadStateCodec.encode(s)
        #expect(try LeadStateCodec.decode(bytes) == s)
        #expect(try LeadStateCodec.headline(bytes) == LeadStateCodec.Headline(s))
        // versions 1–3 share the layout up to the stage (later versions only added fields at the end)
        for version: UInt8 in 1...3 {
            #expect(try LeadStateCodec.headline([version] + bytes.dropFirst()) == LeadStateCodec.Headline(s))
        }
        #expect(try LeadStateCodec.headline(bytes).engagement(at: Timestamp(millis: 1_790_000_000_123), halfLife: .days(14)) == 12.75)
        var copy = s
        copy.fields = Dictionary(uniqueKeysWithValues: s.fields.reversed())
        #expect(LeadStateCodec.encode(copy) == bytes)
    }

    @Test func damagedBytesAreAnErrorNotACrash() {
        var s = LeadState(key: LeadKey(normalizedEmail: "ana@acme.com"))
        s.fields = ["company": "Acme"]
        let bytes = LeadStateCodec.encode(s)
        for cut in 0..<bytes.count {
            #expect(throws: (any Error).self) { try LeadStateCodec.decode(bytes.prefix(cut)) }
        }
        #expect(throws: (any Error).self) { try LeadStateCodec.decode([9] + bytes.dropFirst()) }
        #expect(throws: (any Error).self) { try LeadStateCodec.headline([9] + bytes.dropFirst()) }
        // the headline stops at the stage: a cut state gives an error or, cut after the stage, the same headline
        let full = LeadStateCodec.Headline(s)
        var read = 0
        for cut in 0..<bytes.count {
            if let headline = try? LeadStateCodec.headline(bytes.prefix(cut)) {
                #expect(headline == full)
                read += 1
            }
        }
        #expect(read > 0 && read < bytes.count / 2, "only cuts after the stage read: \(read) of \(bytes.count)")
        #expect(throws: (any Error).self) { try LeadStateCodec.decode(bytes + [0]) }
    }
}
