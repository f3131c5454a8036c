import QualifyCore
import QualifyModelFile
import Testing

/// The journey the shipped model encodes: a download makes an IQL, coming back for more an MQL, a demo request an SQL.
@Suite struct DefaultModelStageTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    /// a company address: the default model gives it 10 fit points (grade C) from its first event
    static let ana = LeadKey(normalizedEmail: "ana@acme.com")
    /// a free-mail address: -15 fit points, grade D
    static let bob = LeadKey(normalizedEmail: "bob@gmail.com")

    let engine: Engine
    init() throws { engine = try Engine(model: ModelFile.defaultModel()) }

    static func at(days: Int64) -> Timestamp { t0.adding(.days(days)) }

    static func activity(_ id: String, _ type: String, _ at: Timestamp, lead: LeadKey = ana,
                         _ properties: [String: String] = [:]) -> Event {
        Event.activity(id: id, lead: lead, type: type, at: at, properties: properties)
    }

    static func move(_ id: String, _ action: StageAction, _ at: Timestamp, lead: LeadKey = ana) -> Event {
        Event(id: EventID(id), lead: lead, at: at, kind: .stageMove(action: action, reason: "asked to wait", by: "maria", code: nil))
    }

    func run(_ events: [Event], lead: LeadKey = ana) -> (state: LeadState, ledger: [LedgerEntry], changes: [StageChange]) {
        var state = LeadState(key: lead)
        var ledger: [LedgerEntry] = []
        var changes: [StageChange] = []
        for event in events {
            let application = engine.apply(event, to: &state)
            ledger += application.ledger
            changes += application.stageChanges
        }
        let replay = engine.replay(lead, events: events.reversed())
        #expect(replay.state == state)
        #expect(replay.ledger == ledger)
        return (state, ledger, changes)
    }

    @Test func downloadThenAnotherDownloadThenADemoRequest() {
        let (state, ledger, changes) = run([
            Self.activity("d1", "content_download", Self.t0),
            Self.activity("d2", "content_download", Self.at(days: 1)),
            Self.activity("r1", "demo_request", Self.at(days: 2)),
        ])
        #expect(changes.map(\.from) == [.new, .iql, .mql])
        #expect(changes.map(\.to) == [.iql, .mql, .sql])
        #expect(changes.map(\.eventID.rawValue) == ["d1", "d2", "r1"])
        #expect(changes[0].reason == "did content_download")
        #expect(changes[1].reason.hasPrefix("2 × content_download/webinar_register/webinar_attend/sample_request/form_submit (at least 2) and grade C (at least C)"))
        #expect(changes[2].reason == "did demo_request")
        #expect(changes.allSatisfy { $0.by == "model" && !$0.reason.isEmpty })
        #expect(state.stage == .sql)
        #expect(state.grade == .c)
        #expect(ledger.map(\.ruleID) == ["company-email", "download", "download", "demo"])
        #expect(ledger.first?.eventType == "content_download")
    }

    @Test func aSecondDownloadWithGradeDStaysIQL() {
        let (state, _, changes) = run([
            Self.activity("d1", "content_download", Self.t0, lead: Self.bob),
            Self.activity("d2", "content_download", Self.at(days: 1), lead: Self.bob),
        ], lead: Self.bob)
        #expect(state.grade == .d)
        #expect(state.fitPoints == -15)
        #expect(changes.map(\.to) == [.iql])
        #expect(state.stage == .iql)
    }

    @Test func aDemoRequestFirstJumpsStraightToSQLWithOneChange() {
        let (state, _, changes) = run([Self.activity("r1", "demo_request", Self.t0)])
        #expect(changes == [StageChange(from: .new, to: .sql, at: Self.t0, eventID: EventID("r1"), reason: "did demo_request", by: "model")])
        #expect(state.stageHistory == changes)
    }

    @Test("Each SQL event qualifies on its own", arguments: ["demo_request", "trial_start", "consultation_request", "contact_sales"])
    func sqlEvents(type: String) {
        let (state, _, changes) = run([Self.activity("e1", type, Self.t0, lead: Self.bob)], lead: Self.bob)
        #expect(state.stage == .sql)
        #expect(changes.first?.reason == "did \(type)")
    }

    @Test func aPricingVisitMakesAnMQL() {
        let (_, ledger, changes) = run([Self.activity("p1", "page_view", Self.t0, lead: Self.bob, ["url": "https://acme.io/pricing"])], lead: Self.bob)
        #expect(changes.map(\.to) == [.mql])
        #expect(changes.first?.reason == "did page_view where url contains '/pricing'")
        #expect(ledger.map(\.ruleID) == ["free-mail", "visit", "pricing-page"])
    }

    @Test func recycleResetsCountsSoALaterSingleDownloadReentersIQL() {
        let (state, _, changes) = run([
            Self.activity("d1", "content_download", Self.t0),
            Self.move("m1", .recycle, Self.at(days: 40)),
            Self.activity("d2", "content_download", Self.at(days: 80)),
        ])
        // engagement at day 80 is 15 · 2^(−80/30) + 15 ≈ 17.4, below MQL's 25; only one download since the recycle
        #expect(changes.map(\.to) == [.iql, .recycled, .iql])
        #expect(changes[1].reason == "recycle: asked to wait")
        #expect(changes[1].by == "maria")
        #expect(state.typeCounts == ["content_download": 1])
        #expect(state.engagement(at: Self.at(days: 80), halfLife: .days(30)) < 25)
    }

    @Test func disqualifiedLeadsDoNotMoveOnTheirOwn() {
        let (state, ledger, changes) = run([
            Self.activity("d1", "content_download", Self.t0),
            Self.move("m1", .disqualify, Self.at(days: 1)),
            Self.activity("r1", "demo_request", Self.at(days: 2)),
            Self.activity("c1", "contact_sales", Self.at(days: 3)),
        ])
        #expect(changes.map(\.to) == [.iql, .disqualified])
        #expect(state.stage == .disqualified)
        #expect(ledger.map(\.ruleID).suffix(2) == ["demo", "contact-sales"])
    }
}
