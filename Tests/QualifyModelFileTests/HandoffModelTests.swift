import QualifyCore
import QualifyModelFile
import Testing

/// The model's hand-off sections: team, calendars, routing, sla and reasons, read with line-numbered errors.
@Suite struct HandoffModelTests {
    typealias Y = ModelYAML

    static let handoff = #"""
    calendars:
      emea: { zone: Europe/Berlin, days: [mon, tue, wed, thu, fri], hours: "09:00-17:30", holidays: [2026-12-25] }
    team:
      - { id: sam, name: Sam Rivera, email: sam@example.com, manager: mia, capacity: 40, calendar: emea }
      - { id: lea, name: Lea Wolf, manager: mia, capacity: 30, calendar: { zone: America/New_York, hours: "08:00-16:00" } }
      - { id: mia, name: Mia Chen, capacity: 10 }
    routing:
      sticky: account
      pools:
        dach: { members: [sam, lea], method: round_robin }
        big: { members: { sam: 2, lea: 1 } }
      rules:
        - { id: dach, when: { field: country, in: [DE, AT, CH] }, to: dach }
        - { id: top, grade: [A], to: sam }
      fallback: big
    sla:
      sql: { within: 2h, escalate: [ { after: 1h, do: remind }, { after: 4h, do: tell_manager }, { after: 1d, do: reassign } ] }
    reasons:
      reject: [not-a-fit, no-budget]
      lose: [price, competitor]

    """#

    static func with(_ edits: [(old: String, new: String)] = []) -> String {
        var text = Y.tiny + handoff
        for edit in edits {
            #expect(text.components(separatedBy: edit.old).count == 2, "'\(edit.old)' must occur once")
            text = text.replacingOccurrences(of: edit.old, with: edit.new)
        }
        return text
    }

    @Test func aWholeHandoffReads() throws {
        let (model, warnings) = try Y.parse(Self.with()).get()
        #expect(warnings.isEmpty)
        let h = try #require(model.handoff)
        #expect(h.team.map(\.id) == ["sam", "lea", "mia"])
        #expect(h.person("sam")?.calendar?.zone == "Europe/Berlin")
        #expect(h.person("sam")?.calendar?.endMinute == 17 * 60 + 30)
        #expect(h.person("lea")?.calendar?.days == [.mon, .tue, .wed, .thu, .fri])
        #expect(h.person("mia")?.calendar == nil)
        let routing = try #require(h.routing)
        #expect(routing.on == .sql && routing.stickyAccount && routing.fallback == "big")
        #expect(routing.pool("big")?.method == .weighted && routing.pool("big")?.weights == ["sam": 2, "lea": 1])
        #expect(routing.rules.map(\.id) == ["dach", "top"])
        #expect(routing.rules[1].grades == [.a] && routing.rules[1].when == nil)
        #expect(h.sla.first?.within == .hours(2) && h.sla.first?.escalate.map(\.action) == [.remind, .tellManager, .reassign])
        #expect(h.reasons[.reject] == ["not-a-fit", "no-budget"])
        // a model without these sections has no hand-off (and older stored models decode as before)
        #expect(try Y.parse(Y.tiny).get().0.handoff == nil)
    }

    @Test func unknownPeopleAndPoolsAreNamedWithTheirLine() {
        let issues = Y.issues(Self.with([
            (old: "members: [sam, lea], method", new: "members: [sam, leo], method"),
            (old: "fallback: big", new: "fallback: bog"),
        ]))
        #expect(issues.map(\.path) == ["routing.pools.dach.members[1]", "routing.fallback"])
        #expect(issues.first?.message == "unknown person 'leo' (did you mean 'lea'?); list them under team first")
        #expect(issues.first?.line == 28)
        #expect(issues.last?.message.hasPrefix("unknown person or pool 'bog' (did you mean 'big'?)") == true)
    }

    @Test func aRuleThatCanNeverMatchIsAnError() {
        let issues = Y.issues(Self.with([(old: "- { id: top, grade: [A], to: sam }", new: "- { id: top, to: mia }\n    - { id: late, grade: [B], to: sam }")]))
        #expect(issues.map(\.message) == ["rule 'late' can never match: rule 'top' before it takes every lead"])
        let same = Y.issues(Self.with([(old: "- { id: top, grade: [A], to: sam }", new: "- { id: top, when: { field: country, in: [DE, AT, CH] }, to: mia }")]))
        #expect(same.map(\.message) == ["rule 'top' can never match: rule 'dach' before it has the same condition"])
    }

    @Test func overlappingRulesAreAWarning() throws {
        let text = Self.with([(old: "- { id: top, grade: [A], to: sam }", new: "- { id: top, grade: [A], to: mia }\n    - { id: dach-a, when: { field: country, in: [DE, AT, CH] }, grade: [A], to: mia }")])
        // dach takes every grade of that condition first: dach-a can never match
        #expect(Y.issues(text).map(\.path) == ["routing.rules[2]"])
        let narrower = Self.with([(old: "- { id: dach, when: { field: country, in: [DE, AT, CH] }, to: dach }",
                                   new: "- { id: dach, when: { field: country, in: [DE, AT, CH] }, grade: [A], to: dach }\n    - { id: dach-rest, when: { field: country, in: [DE, AT, CH] }, to: sam }")])
        let (_, warnings) = try Y.parse(narrower).get()
        #expect(warnings.map(\.path) == ["routing.rules[1]"])
    }

    @Test func anEmptyPoolAndAManagerCircleAreErrors() {
        let empty = Y.issues(Self.with([(old: "members: [sam, lea], method", new: "members: [], method")]))
        #expect(empty.map(\.message) == ["pool 'dach' has nobody in it"])
        let circle = Y.issues(Self.with([(old: "- { id: mia, name: Mia Chen, capacity: 10 }", new: "- { id: mia, name: Mia Chen, capacity: 10, manager: sam }")]))
        #expect(circle.map(\.path) == ["team"])
        #expect(circle.first?.message.hasPrefix("managers go round in a circle (sam → mia → sam)") == true)
    }

    @Test func aCircleSomeoneOnlyLeadsIntoIsFoundToo() {
        // lea is listed first and reports to mia; the circle is sam ↔ mia
        let circle = Y.issues(Self.with([
            (old: "- { id: sam, name: Sam Rivera, email: sam@example.com, manager: mia,", new: "- { id: sam, name: Sam Rivera, email: sam@example.com, manager: mia,"),
            (old: "- { id: mia, name: Mia Chen, capacity: 10 }", new: "- { id: mia, name: Mia Chen, capacity: 10, manager: sam }"),
            (old: "- { id: lea, name: Lea Wolf, manager: mia,", new: "- { id: lea, name: Lea Wolf, manager: mia,"),
        ]).replacingOccurrences(of: "team:\n  - { id: sam", with: "team:\n  - { id: zed, name: Zed, manager: mia }\n  - { id: sam"))
        #expect(circle.map(\.path) == ["team"], "\(circle)")
        #expect(circle.first?.message.hasPrefix("managers go round in a circle (sam → mia → sam)") == true)
    }

    @Test func calendarsAreChecked() {
        let issues = Y.issues(Self.with([
            (old: "zone: Europe/Berlin", new: "zone: Europe/Berlinn"),
            (old: "hours: \"08:00-16:00\"", new: "hours: \"16:00-08:00\""),
            (old: "holidays: [2026-12-25]", new: "holidays: [2026-02-30]"),
        ]))
        #expect(Set(issues.map(\.path)) == ["calendars.emea.zone", "calendars.emea.holidays[0]", "team[1].calendar.hours"])
        #expect(issues.contains { $0.message.hasPrefix("unknown time zone 'Europe/Berlinn'") })
    }

    @Test func slaAndReasonsAreChecked() {
        let issues = Y.issues(Self.with([
            (old: "{ after: 4h, do: tell_manager }", new: "{ after: 30m, do: tell_manger }"),
            (old: "lose: [price, competitor]", new: "lose: [price, price]"),
        ]))
        #expect(issues.map(\.path) == ["sla.sql.escalate[1].do", "reasons.lose[1]"])
        #expect(issues.first?.message == "unknown step 'tell_manger' (did you mean 'tell_manager'?); expected one of: remind, tell_manager, reassign")
    }

    @Test func routingNeedsATeam() {
        let text = Y.tiny + "routing: { fallback: sam }\n"
        #expect(Y.issues(text).map(\.message) == ["routing needs a team: list the people under team (id, name, capacity)"])
    }
}
