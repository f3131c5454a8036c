import QualifyCore
import Testing

@Suite struct LeadRouterTests {
    static let team = [
        Person(id: "sam", name: "Sam Rivera", manager: "mia", capacity: 3),
        Person(id: "lea", name: "Lea Wolf", manager: "mia", capacity: 3),
        Person(id: "tom", name: "Tom Berg", manager: "mia"),
        Person(id: "mia", name: "Mia Chen", capacity: 1),
        Person(id: "ola", name: "Ola Nordmann", away: true),
    ]

    static func router(_ pools: [Pool], rules: [RoutingRule] = [], fallback: String, sticky: Bool = false) -> LeadRouter {
        LeadRouter(HandoffSection(team: team, routing: RoutingSection(stickyAccount: sticky, pools: pools, rules: rules, fallback: fallback),
                              sla: [], reasons: [:]))!
    }

    /// Routes `n` leads one after another, carrying the load forward as the application layer does.
    static func run(_ router: LeadRouter, _ n: Int, grade: Grade = .b, load start: RoutingLoad = RoutingLoad(),
                    matches: @escaping (RoutingRule) -> Bool = { _ in true }) -> [RoutingDecision] {
        var load = start
        var out: [RoutingDecision] = []
        for _ in 0..<n {
            guard case .success(let d) = router.decide(grade: grade, matches: matches, accountOwner: nil, load: load) else { break }
            load.openLeads[d.owner, default: 0] += 1
            if let pool = d.pool, let next = d.nextTurn { load.nextTurn[pool] = next }
            out.append(d)
        }
        return out
    }

    @Test func roundRobinTakesTurnsAndSaysWhich() {
        let r = Self.router([Pool(id: "all", members: ["sam", "lea", "tom"], method: .roundRobin)], fallback: "all")
        let d = Self.run(r, 6, load: RoutingLoad(nextTurn: ["all": 1]))
        #expect(d.map(\.owner) == ["lea", "tom", "sam", "lea", "tom", "sam"])
        #expect(d[0].reason == "routed to Lea Wolf: no rule matched, fallback `all`, pool `all`, round robin, turn 2 of 3")
    }

    @Test func aPersonAtCapacityOrAwayIsSkipped() {
        let r = Self.router([Pool(id: "all", members: ["sam", "ola", "tom"], method: .roundRobin)], fallback: "all")
        let d = Self.run(r, 4, load: RoutingLoad(openLeads: ["sam": 3]))
        #expect(d.map(\.owner) == ["tom", "tom", "tom", "tom"])
    }

    @Test func leastLoadedFillsTheEmptiestAgainstCapacity() {
        let r = Self.router([Pool(id: "two", members: ["sam", "lea"], method: .leastLoaded)], fallback: "two")
        let d = Self.run(r, 3, load: RoutingLoad(openLeads: ["sam": 2]))
        #expect(d.map(\.owner) == ["lea", "lea", "sam"])
        #expect(d[0].reason.contains("least loaded (0 of 3 open)"))
    }

    @Test func weightedGivesEachTheirShareSpreadOut() {
        let pool = Pool(id: "w", members: ["sam", "tom"], method: .weighted, weights: ["sam": 3, "tom": 1])
        #expect(pool.turns == ["sam", "sam", "tom", "sam"])
        let r = Self.router([Pool(id: "w", members: ["tom", "lea"], method: .weighted, weights: ["tom": 2, "lea": 1])], fallback: "w")
        let owners = Self.run(r, 6, load: RoutingLoad()).map(\.owner)
        #expect(owners.filter { $0 == "tom" }.count == 4 && owners.filter { $0 == "lea" }.count == 2)
    }

    @Test func rulesInOrderWithGrades() {
        let rules = [
            RoutingRule(id: "enterprise", when: nil, grades: [.a], to: "tom"),
            RoutingRule(id: "dach", when: .field("country", .oneOf(["DE"])), grades: nil, to: "lea"),
        ]
        let r = Self.router([Pool(id: "all", members: ["sam"], method: .roundRobin)], rules: rules, fallback: "all")
        let a = r.decide(grade: .a, matches: { _ in true }, accountOwner: nil, load: RoutingLoad())
        #expect((try? a.get())?.owner == "tom")
        #expect((try? a.get())?.rule == "enterprise")
        let b = r.decide(grade: .b, matches: { $0.id == "dach" }, accountOwner: nil, load: RoutingLoad())
        #expect((try? b.get())?.reason == "routed to Lea Wolf: rule `dach`")
        let c = r.decide(grade: .c, matches: { _ in false }, accountOwner: nil, load: RoutingLoad())
        #expect((try? c.get())?.owner == "sam")
        // the rule's person is full: the next rule or the fallback, with the skip said
        let full = r.decide(grade: .b, matches: { $0.id == "dach" }, accountOwner: nil, load: RoutingLoad(openLeads: ["lea": 3]))
        #expect((try? full.get())?.owner == "sam")
        #expect((try? full.get())?.reason.contains("skipped: rule `dach`: Lea Wolf is full (3 of 3 open)") == true)
    }

    @Test func stickyAccountsGoToTheirOwner() {
        let r = Self.router([Pool(id: "all", members: ["sam", "lea"], method: .roundRobin)], fallback: "all", sticky: true)
        let d = r.decide(grade: .b, matches: { _ in true }, accountOwner: "lea", load: RoutingLoad())
        #expect((try? d.get())?.owner == "lea")
        #expect((try? d.get())?.reason == "routed to Lea Wolf: the account's owner (sticky account)")
        let away = r.decide(grade: .b, matches: { _ in true }, accountOwner: "ola", load: RoutingLoad())
        #expect((try? away.get())?.owner == "sam")
    }

    @Test func everyoneFullGoesToTheFallbackOverCapacityAndEveryoneAwayToNobody() {
        let r = Self.router([Pool(id: "two", members: ["sam", "lea"], method: .roundRobin)], fallback: "two")
        let d = r.decide(grade: .b, matches: { _ in true }, accountOwner: nil, load: RoutingLoad(openLeads: ["sam": 3, "lea": 3]))
        #expect((try? d.get())?.owner == "sam")
        #expect((try? d.get())?.reason.hasPrefix("routed to Sam Rivera over capacity: everyone is full") == true)
        let nobody = Self.router([Pool(id: "gone", members: ["ola"], method: .roundRobin)], fallback: "gone")
        guard case .failure(.nobodyAvailable(let why)) = nobody.decide(grade: .b, matches: { _ in true }, accountOwner: nil, load: RoutingLoad()) else {
            Issue.record("expected nobody available")
            return
        }
        #expect(why.contains("Ola Nordmann is away"))
    }

    @Test func aThousandLeadsShareFairly() {
        let r = Self.router([Pool(id: "all", members: ["sam", "lea", "tom"], method: .roundRobin)], fallback: "all")
        let big = Self.team.map { p -> Person in var q = p; q.capacity = nil; return q }
        let free = LeadRouter(HandoffSection(team: big, routing: r.routing, sla: [], reasons: [:]))!
        let counts = Dictionary(grouping: Self.run(free, 1000).map(\.owner), by: { $0 }).mapValues(\.count)
        #expect(counts.values.allSatisfy { abs($0 - 333) <= 1 })
    }
}

@Suite struct HandoffStateTests {
    @Test func aVersion1StateDecodesWithNoAssignment() throws {
        var state = LeadState(key: LeadKey(normalizedEmail: "ada@acme.io"))
        state.fields["owner"] = "sam"
        var bytes = LeadStateCodec.encode(state)
        // two absent optionals and no escalation, then the nurture state: three absent optionals, no steps, two empty
        // maps, nothing announced
        #expect(bytes.first == 4 && bytes.suffix(11) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        bytes.removeLast(11)
        bytes[0] = 1
        let old = try LeadStateCodec.decode(bytes)
        #expect(old == state && old.assignedAt == nil)
        state.assignedAt = Timestamp(millis: 5)
        state.touchedAt = Timestamp(millis: 9)
        #expect(try LeadStateCodec.decode(LeadStateCodec.encode(state)) == state)
    }

    @Test func ownIdsAreReservedAtIngest() {
        let at = Timestamp(millis: 1_000)
        #expect(EventLimits.check(id: "$route:x", type: "page_view", at: at, properties: [:], now: at) == .reservedID("$route:x"))
        #expect(EventLimits.check(id: "route:x", type: "page_view", at: at, properties: [:], now: at) == nil)
    }
}

@Suite struct SLAReportTests {
    static let handoff = HandoffSection(
        team: [Person(id: "sam", name: "Sam"), Person(id: "lea", name: "Lea")],
        routing: RoutingSection(pools: [Pool(id: "all", members: ["sam", "lea"], method: .roundRobin)], rules: [], fallback: "all"),
        sla: [StageSLA(stage: .sql, within: .hours(1), escalate: [])], reasons: [:])

    static func h(_ hours: Double) -> Timestamp { Timestamp(millis: Int64(hours * 3_600_000)) }
    static func assign(_ lead: String, _ owner: String, at: Double) -> Event {
        Event(id: EventID("a-\(lead)-\(at)"), lead: LeadKey(normalizedEmail: lead), at: h(at), kind: .assignment(owner: owner, reason: "r", by: "routing"))
    }
    static func call(_ lead: String, at: Double) -> Event {
        Event.activity(id: "c-\(lead)-\(at)", lead: LeadKey(normalizedEmail: lead), type: "sales.call", at: h(at), properties: ["outcome": "connected"])
    }

    @Test func touchesWithinAndLateAndUntouchedOnlyOnceDue() {
        let events = [
            Self.assign("a@x.io", "sam", at: 0), Self.call("a@x.io", at: 0.5),     // within
            Self.assign("b@x.io", "sam", at: 0), Self.call("b@x.io", at: 3),       // late
            Self.assign("c@x.io", "sam", at: 0),                                     // untouched, long due
            Self.assign("d@x.io", "lea", at: 9.5),                                   // untouched, not yet due at 10
            Event.activity(id: "v", lead: LeadKey(normalizedEmail: "d@x.io"), type: "sales.demo", at: Self.h(9.6)),  // not a touch
        ]
        let report = SLAReport.build(events, handoff: Self.handoff, zone: { _ in nil }, now: Self.h(10))
        let rows = Dictionary(report.rows.map { ($0.who, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["sam"]?.assigned == 3 && rows["sam"]?.touched == 2 && rows["sam"]?.withinSLA == 1 && rows["sam"]?.withSLA == 3)
        #expect(rows["sam"]?.medianHoursToTouch == 0.5 && rows["sam"]?.p90HoursToTouch == 3)   // nearest rank of [0.5, 3]
        #expect(rows["lea"]?.assigned == 1 && rows["lea"]?.withSLA == 0 && rows["lea"]?.touched == 0)
        #expect(rows["team"]?.withinShare == 1.0 / 3.0)
    }
}
