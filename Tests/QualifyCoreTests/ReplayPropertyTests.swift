import QualifyCore
import Testing

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so every run of these tests sees the same events.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random but reproducible histories of one lead: activities of every kind the fixture model scores (and some it does
/// not), fields updates that make fit rules match and stop matching, people's stage moves, and ties in time.
enum History {
    static let activities: [(type: String, properties: [String: String])] = [
        ("page_view", [:]), ("page_view", ["url": "/pricing"]), ("page_view", ["url": "/product-x/docs"]),
        ("page_view", ["url": "/blog"]), ("email_click", [:]), ("content_download", [:]), ("webinar_register", [:]),
        ("webinar_attend", [:]), ("trial_start", [:]), ("unsubscribe", [:]), ("email_bounce", [:]),
        ("demo_request", [:]), ("product_x_demo", [:]), ("podcast_listen", [:]),
    ]
    static let titles = ["VP Sales", "Engineer", "Head of IT", "", "Intern", "Chief Executive"]
    static let sizes = ["20", "51-200", "1,200", "10000+", "", "unknown"]
    static let industries = ["software", "retail", "SaaS", ""]

    static func events(seed: UInt64, count: Int, lead: LeadKey = Fixtures.ana) -> [Event] {
        var rng = SplitMix64(seed: seed)
        var at = Fixtures.t0
        var events: [Event] = []
        for n in 0..<count {
            // mostly minutes to days apart, sometimes the same millisecond, sometimes weeks
            switch rng.next() % 10 {
            case 0: break
            case 1: at = at.adding(.days(Int64(rng.next() % 40)))
            default: at = at.adding(TimeSpan(millis: Int64(rng.next() % 86_400_000)))
            }
            // ids are not in time order, so ties in time are broken by id
            let id = EventID("e\(String(UInt64(n) &* 7919 % 100_003))")
            let roll = rng.next() % 100
            let kind: Event.Kind
            if roll < 12 {
                var fields: [String: String] = [:]
                if rng.next() % 2 == 0 { fields["job_title"] = titles[Int(rng.next() % UInt64(titles.count))] }
                if rng.next() % 2 == 0 { fields["employees"] = sizes[Int(rng.next() % UInt64(sizes.count))] }
                if rng.next() % 3 == 0 { fields["industry"] = industries[Int(rng.next() % UInt64(industries.count))] }
                kind = .fieldsUpdate(fields: fields, source: "source-\(n)")
            } else if roll < 16 {
                let action = StageAction.allCases[Int(rng.next() % UInt64(StageAction.allCases.count))]
                kind = .stageMove(action: action, reason: "reason \(n)", by: "person", code: nil)
            } else {
                let a = activities[Int(rng.next() % UInt64(activities.count))]
                kind = .activity(type: a.type, properties: a.properties)
            }
            events.append(Event(id: id, lead: lead, at: at, kind: kind))
        }
        return events
    }

    static func shuffled(_ events: [Event], seed: UInt64) -> [Event] {
        var rng = SplitMix64(seed: seed ^ 0xDEAD_BEEF)
        return events.shuffled(using: &rng)
    }
}

@Suite struct ReplayPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 1_234, 99_991, 0xC0FFEE, 2_026_03_01]

    @Test("Applying events one by one equals replaying them shuffled", arguments: seeds)
    func applyEqualsReplay(seed: UInt64) {
        let engine = Fixtures.engine()
        let events = History.events(seed: seed, count: 300)
        let inOrder = events.sorted { $0.order < $1.order }
        let stepwise = Fixtures.run(inOrder, engine: engine)
        let replay = engine.replay(Fixtures.ana, events: History.shuffled(events, seed: seed))
        #expect(replay.state == stepwise.state)
        #expect(replay.ledger == stepwise.ledger)
        #expect(replay.state.stageHistory == stepwise.changes)
        #expect(replay.state.eventCount == events.count)
        #expect(replay.state.last == inOrder.last?.order)
        // the histories are rich enough to mean something
        #expect(Set(stepwise.ledger.map(\.ruleID)).count >= 8)
        #expect(stepwise.changes.count >= 2)
    }

    @Test("The ledger sums to the scores", arguments: seeds)
    func ledgerSumsToScores(seed: UInt64) {
        let engine = Fixtures.engine()
        let replay = engine.replay(Fixtures.ana, events: History.events(seed: seed, count: 300))
        let state = replay.state
        let end = state.last!.at
        for now in [end, end.adding(.days(1)), end.adding(.days(45)), end.adding(.days(400))] {
            for group in Fixtures.model.engagement.groups {
                let fromLedger = replay.ledger.filter { $0.kind == .engagement && $0.group == group.id }
                    .map { $0.value(at: now, halfLife: group.halfLife) }.reduce(0, +)
                let fromState = state.engagement(group.id, at: now, halfLife: group.halfLife)
                #expect(fromLedger.isClose(to: fromState, relative: 1e-6), "group \(group.id) at \(now): \(fromLedger) vs \(fromState)")
            }
        }
        let fit = replay.ledger.filter { $0.kind == .fit }
        #expect(fit.map(\.points).reduce(0, +) == state.fitPoints)
        #expect(state.fitMatches.values.reduce(0, +) == state.fitPoints)
        for rule in Fixtures.fitRules {
            #expect(fit.filter { $0.ruleID == rule.id }.map(\.points).reduce(0, +) == state.fitMatches[rule.id] ?? 0)
        }
        #expect(state.grade == Fixtures.model.fit.grades.grade(for: state.fitPoints))
    }

    @Test("Caps, once and stage history hold in every history", arguments: seeds)
    func invariants(seed: UInt64) {
        let engine = Fixtures.engine()
        let replay = engine.replay(Fixtures.ana, events: History.events(seed: seed, count: 300))
        let rules = Dictionary(uniqueKeysWithValues: Fixtures.engagementRules.map { ($0.id, $0) })
        for entry in replay.ledger where entry.kind == .engagement {
            let rule = rules[entry.ruleID]!
            #expect(entry.group == rule.group)
            #expect(entry.points != 0 && entry.points.signum() == rule.points.signum())
            #expect(abs(entry.points) <= abs(rule.points))
            #expect((abs(entry.points) < abs(rule.points)) == (entry.note != nil))
        }
        for rule in Fixtures.engagementRules where rule.once {
            #expect(replay.ledger.filter { $0.ruleID == rule.id }.count <= 1)
        }
        var stage = Stage.new
        for change in replay.state.stageHistory {
            #expect(change.from == stage)
            #expect(change.from != change.to)
            #expect(!change.reason.isEmpty)
            if change.by == "model" {
                #expect(change.from.allowsAutomaticMove(to: change.to))
            }
            stage = change.to
        }
        #expect(replay.state.stage == stage)
    }

    @Test("A replay until a time equals replaying only the events up to it", arguments: seeds)
    func replayUntil(seed: UInt64) {
        let engine = Fixtures.engine()
        let events = History.events(seed: seed, count: 200)
        let cut = events.sorted { $0.order < $1.order }[120].at
        let until = engine.replay(Fixtures.ana, events: events, until: cut)
        let prefix = engine.replay(Fixtures.ana, events: events.filter { $0.at <= cut })
        #expect(until == prefix)
        #expect(until.state.eventCount > 120)
        #expect(until.state.eventCount < 200)
    }

    @Test func splitMixIsTheReferenceGenerator() {
        // first outputs for seed 0, from the reference C implementation
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}
