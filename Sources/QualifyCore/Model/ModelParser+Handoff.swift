extension ModelParser {
    static let handoffKeys = ["team", "calendars", "routing", "sla", "reasons"]

    /// `team`, `calendars`, `routing`, `sla` and `reasons`; nil (with the problems reported) when any is wrong, and
    /// `.some(nil)` when the model has none of them.
    static func readHandoff(_ top: [String: ModelNode.Pair], root: ModelNode, zoneExists: (String) -> Bool,
                            _ r: inout ModelReader) -> HandoffSection?? {
        guard handoffKeys.contains(where: { top[$0] != nil }) else { return .some(nil) }
        var ok = true
        var calendars: [String: WorkingCalendar] = [:]
        var badCalendars: Set<String> = []   // defined, with problems already reported
        if let node = top["calendars"]?.value {
            if case .mapping(let pairs, _) = node {
                for pair in pairs {
                    if let c = readCalendar(pair.value, "calendars.\(pair.key)", zoneExists: zoneExists, &r) { calendars[pair.key] = c } else {
                        badCalendars.insert(pair.key)
                        ok = false
                    }
                }
            } else {
                r.error(node, "calendars", "expected a mapping of calendar name → { zone, days, hours, holidays }, got \(node.kindName)")
                ok = false
            }
        }
        var team: [Person] = []
        var marks: [String: SourceMark] = [:]
        var position: [String: Int] = [:]   // each person's index in the team list, for paths
        var unreadable: Set<String> = []   // people whose entry has problems (reported): not "unknown" elsewhere
        if let node = top["team"]?.value, let list = r.list(node, "team") {
            for (i, item) in list.enumerated() {
                let path = "team[\(i)]"
                guard let m = r.mapping(item, path, allowed: ["id", "name", "email", "manager", "capacity", "calendar", "away"]) else { ok = false; continue }
                let id = r.required(m, "id", path, in: item).flatMap { r.identifier($0, "\(path).id") }
                let name = m["name"].map { r.string($0.value, "\(path).name") } ?? id
                let email = m["email"].flatMap { r.string($0.value, "\(path).email") }
                let manager = m["manager"].flatMap { r.identifier($0.value, "\(path).manager") }
                let capacity: Int?? = m["capacity"].map { c in
                    guard let n = r.int(c.value, "\(path).capacity") else { return nil }
                    if n < 1 { r.error(c.value, "\(path).capacity", "capacity is the number of open leads a person can hold: at least 1, not \(n)"); return nil }
                    return n
                } ?? .some(nil)
                let away = m["away"].map { r.bool($0.value, "\(path).away") } ?? false
                var calendar: WorkingCalendar?? = .some(nil)
                if let c = m["calendar"]?.value {
                    if case .scalar(let nameText, _, _) = c {
                        if let known = calendars[nameText] { calendar = known } else if badCalendars.contains(nameText) {
                            calendar = .none
                        } else {
                            let hint = Spelling.closest(to: nameText, in: Array(calendars.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                            r.error(c, "\(path).calendar", "unknown calendar '\(nameText)'\(hint); define it under calendars, or give { zone, days, hours }")
                            calendar = .none
                        }
                    } else {
                        calendar = readCalendar(c, "\(path).calendar", zoneExists: zoneExists, &r).map { .some($0) } ?? .none
                    }
                }
                if let id, team.contains(where: { $0.id == id }) {
                    r.error(m["id"]?.value, "\(path).id", "person '\(id)' is in the team twice")
                    ok = false
                } else if let id, let name, let capacity, let away, let calendar {
                    team.append(Person(id: id, name: name, email: email, manager: manager, capacity: capacity, calendar: calendar, away: away))
                    marks[id] = m["id"]?.value.mark
                    position[id] = i
                } else {
                    if let id { unreadable.insert(id) }
                    ok = false
                }
            }
        } else if top["team"] != nil { ok = false }
        let people = team.map(\.id) + unreadable.sorted()
        for person in team {
            if let manager = person.manager, !people.contains(manager) {
                r.error(nil, "team[\(position[person.id] ?? 0)].manager", "unknown person '\(manager)'\(hint(manager, people)); a manager is a person of the team", mark: marks[person.id])
                ok = false
            }
        }
        if let cycle = managerCycle(team) {
            r.error(nil, "team", "managers go round in a circle (\(cycle.joined(separator: " → "))): an escalation to the manager would never reach anyone above", mark: marks[cycle[0]])
            ok = false
        }
        var routing: RoutingSection?
        if let node = top["routing"]?.value {
            if team.isEmpty && top["team"] == nil {
                r.error(node, "routing", "routing needs a team: list the people under team (id, name, capacity)")
                ok = false
            } else if let section = readRouting(node, people: people, &r) { routing = section } else { ok = false }
        }
        var sla: [StageSLA] = []
        if let node = top["sla"]?.value, let map = r.mapping(node, "sla", allowed: [Stage.sql, .opportunity].map(\.rawValue)) {
            for key in [Stage.sql, .opportunity].map(\.rawValue) {
                guard let pair = map[key] else { continue }
                let path = "sla.\(key)"
                guard let m = r.mapping(pair.value, path, allowed: ["within", "escalate"]) else { ok = false; continue }
                let within = r.required(m, "within", path, in: pair.value).flatMap { r.span($0, "\(path).within") }
                var steps: [EscalationStep] = []
                if let list = m["escalate"].flatMap({ r.list($0.value, "\(path).escalate") }) {
                    for (i, item) in list.enumerated() {
                        let p = "\(path).escalate[\(i)]"
                        guard let sm = r.mapping(item, p, allowed: ["after", "do"]) else { ok = false; continue }
                        let after = r.required(sm, "after", p, in: item).flatMap { r.span($0, "\(p).after") }
                        var action: EscalationStep.Action?
                        if let d = r.required(sm, "do", p, in: item), let text = r.string(d, "\(p).do") {
                            action = EscalationStep.Action(rawValue: text)
                            if action == nil {
                                let known = EscalationStep.Action.allCases.map(\.rawValue)
                                r.error(d, "\(p).do", "unknown step '\(text)'\(hint(text, known)); expected one of: \(known.joined(separator: ", "))")
                            }
                        }
                        if let after, let action {
                            if let last = steps.last, after <= last.after {
                                r.error(sm["after"]?.value, "\(p).after", "escalation steps go in order of time: \(after) is not after the previous step's \(last.after)")
                                ok = false
                            }
                            steps.append(EscalationStep(after: after, action: action))
                        } else { ok = false }
                    }
                }
                if steps.contains(where: { $0.action == .tellManager }), let routing,
                   let person = team.first(where: { $0.manager == nil && routing.canReceive($0.id) }) {
                    r.warning(marks[person.id], "team[\(position[person.id] ?? 0)].manager", "\(path) tells the manager, but \(person.name) has none: for their leads that step records the breach and tells nobody")
                }
                if let within, let stage = Stage(rawValue: key) { sla.append(StageSLA(stage: stage, within: within, escalate: steps)) } else { ok = false }
            }
            if !sla.isEmpty, top["routing"] == nil {
                r.error(node, "sla", "an SLA runs from the moment a lead is routed: add a routing section")
                ok = false
            }
        } else if top["sla"] != nil { ok = false }
        var reasons: [StageAction: [String]] = [:]
        let reasonActions: [StageAction] = [.reject, .lose, .disqualify, .recycle]
        if let node = top["reasons"]?.value, let map = r.mapping(node, "reasons", allowed: reasonActions.map(\.rawValue)) {
            for action in reasonActions {
                guard let pair = map[action.rawValue] else { continue }
                let path = "reasons.\(action.rawValue)"
                guard let list = r.list(pair.value, path) else { ok = false; continue }
                var codes: [String] = []
                for (i, item) in list.enumerated() {
                    guard let code = r.identifier(item, "\(path)[\(i)]") else { ok = false; continue }
                    if codes.contains(code) { r.error(item, "\(path)[\(i)]", "reason code '\(code)' is listed twice"); ok = false }
                    codes.append(code)
                }
                if codes.isEmpty { r.error(pair.value, path, "list at least one reason code, or leave \(action.rawValue) out"); ok = false }
                reasons[action] = codes
            }
        } else if top["reasons"] != nil { ok = false }
        return ok ? .some(HandoffSection(team: team, routing: routing, sla: sla, reasons: reasons)) : .none
    }

    static func readCalendar(_ node: ModelNode, _ path: String, zoneExists: (String) -> Bool, _ r: inout ModelReader) -> WorkingCalendar? {
        guard let m = r.mapping(node, path, allowed: ["zone", "days", "hours", "holidays"]) else { return nil }
        var ok = true
        var zone: String?
        if let z = r.required(m, "zone", path, in: node), let text = r.string(z, "\(path).zone") {
            if zoneExists(text) { zone = text } else {
                r.error(z, "\(path).zone", "unknown time zone '\(text)'; use an IANA name such as Europe/Berlin, America/New_York or UTC")
            }
        }
        var days: [Weekday] = [.mon, .tue, .wed, .thu, .fri]
        if let d = m["days"]?.value, let list = r.strings(d, "\(path).days") {
            days = []
            for text in list {
                guard let day = Weekday(rawValue: text.lowercased()) else {
                    r.error(d, "\(path).days", "unknown day '\(text)'; expected mon, tue, wed, thu, fri, sat or sun")
                    ok = false
                    continue
                }
                if !days.contains(day) { days.append(day) }
            }
            if days.isEmpty, ok { r.error(d, "\(path).days", "a calendar needs at least one working day"); ok = false }
        } else if m["days"] != nil { ok = false }
        var hours: (Int, Int)? = (9 * 60, 17 * 60)
        if let h = m["hours"]?.value {
            hours = nil
            if let text = r.string(h, "\(path).hours") {
                let parts = text.split(separator: "-").map { String($0).trimmingSpaces }
                if parts.count == 2, let a = minuteOfDay(parts[0]), let b = minuteOfDay(parts[1]), a < b {
                    hours = (a, b)
                } else {
                    r.error(h, "\(path).hours", "expected working hours as \"HH:MM-HH:MM\" with the start before the end (e.g. \"09:00-17:30\"), got '\(text)'")
                }
            }
        }
        var holidays: [CivilDate] = []
        if let hn = m["holidays"]?.value, let list = r.list(hn, "\(path).holidays") {
            for (i, item) in list.enumerated() {
                guard let text = r.string(item, "\(path).holidays[\(i)]") else { ok = false; continue }
                if let date = CivilDate(text: text) { holidays.append(date) } else {
                    r.error(item, "\(path).holidays[\(i)]", "'\(text)' is not a date (YYYY-MM-DD, e.g. 2026-12-25)")
                    ok = false
                }
            }
        } else if m["holidays"] != nil { ok = false }
        guard ok, let zone, let hours else { return nil }
        return WorkingCalendar(zone: zone, days: days, startMinute: hours.0, endMinute: hours.1, holidays: holidays)
    }

    /// `09:00` → 540; `24:00` is the end of the day.
    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...59).contains(m),
              (0...23).contains(h) || (h == 24 && m == 0) else { return nil }
        return h * 60 + m
    }

    static func readRouting(_ node: ModelNode, people: [String], _ r: inout ModelReader) -> RoutingSection? {
        guard let m = r.mapping(node, "routing", allowed: ["on", "sticky", "pools", "rules", "fallback"]) else { return nil }
        var ok = true
        var on = Stage.sql
        if let o = m["on"]?.value, let text = r.string(o, "routing.on") {
            let allowed: [Stage] = [.iql, .mql, .sql]
            if let stage = Stage(rawValue: text.lowercased()), allowed.contains(stage) { on = stage } else {
                r.error(o, "routing.on", "leads are routed on reaching iql, mql or sql, not '\(text)'")
                ok = false
            }
        }
        var sticky = false
        if let s = m["sticky"]?.value, let text = r.string(s, "routing.sticky") {
            if text == "account" { sticky = true } else if text != "none" {
                r.error(s, "routing.sticky", "expected 'account' (a lead whose account has an owner goes to that owner) or 'none', got '\(text)'")
                ok = false
            }
        }
        var pools: [Pool] = []
        if let p = m["pools"]?.value {
            if case .mapping(let pairs, _) = p {
                for pair in pairs {
                    let path = "routing.pools.\(pair.key)"
                    if people.contains(pair.key) {
                        r.error(nil, path, "'\(pair.key)' is both a person and a pool; give the pool another name", mark: pair.keyMark)
                        ok = false
                        continue
                    }
                    guard r.identifier(.scalar(pair.key, quoted: true, pair.keyMark), path) != nil,
                          let pm = r.mapping(pair.value, path, allowed: ["members", "method"]) else { ok = false; continue }
                    var method = RoutingMethod.roundRobin
                    if let mn = pm["method"]?.value, let text = r.string(mn, "\(path).method") {
                        if let known = RoutingMethod(rawValue: text) { method = known } else {
                            let known = RoutingMethod.allCases.map(\.rawValue)
                            r.error(mn, "\(path).method", "unknown method '\(text)'\(hint(text, known)); expected one of: \(known.joined(separator: ", "))")
                            ok = false
                        }
                    }
                    var members: [String] = []
                    var weights: [String: Int] = [:]
                    if let mem = r.required(pm, "members", path, in: pair.value) {
                        switch mem {
                        case .sequence(let items, _):
                            for (i, item) in items.enumerated() {
                                if let id = r.identifier(item, "\(path).members[\(i)]") { members.append(id) } else { ok = false }
                            }
                        case .mapping(let ws, _):
                            for w in ws {
                                guard let n = r.int(w.value, "\(path).members.\(w.key)") else { ok = false; continue }
                                if n < 1 { r.error(w.value, "\(path).members.\(w.key)", "a weight is a whole number of 1 or more, not \(n)"); ok = false }
                                members.append(w.key)
                                weights[w.key] = n
                            }
                            if method == .roundRobin, pm["method"] == nil { method = .weighted }
                        case .scalar:
                            r.error(mem, "\(path).members", "expected a list of people ([sam, lea]) or, for weighted, people with weights ({ sam: 2, lea: 1 })")
                            ok = false
                        }
                        for (i, id) in members.enumerated() where !people.contains(id) {
                            r.error(mem, "\(path).members[\(i)]", "unknown person '\(id)'\(hint(id, people)); list them under team first")
                            ok = false
                        }
                        if members.isEmpty {
                            r.error(mem, "\(path).members", "pool '\(pair.key)' has nobody in it")
                            ok = false
                        }
                        if Set(members).count != members.count {
                            r.error(mem, "\(path).members", "a person is listed twice in pool '\(pair.key)' (use weighted members for a larger share)")
                            ok = false
                        }
                    }
                    pools.append(Pool(id: pair.key, members: members, method: method, weights: weights))
                }
            } else {
                r.error(p, "routing.pools", "expected a mapping of pool name → { members, method }, got \(p.kindName)")
                ok = false
            }
        }
        let targets = people + pools.map(\.id)
        func target(_ node: ModelNode, _ path: String) -> String? {
            guard let id = r.identifier(node, path) else { return nil }
            guard targets.contains(id) else {
                r.error(node, path, "unknown person or pool '\(id)'\(hint(id, targets)); expected one of: \(targets.joined(separator: ", "))")
                return nil
            }
            return id
        }
        var rules: [RoutingRule] = []
        var ruleNodes: [ModelNode] = []
        if let list = m["rules"].flatMap({ r.list($0.value, "routing.rules") }) {
            for (i, item) in list.enumerated() {
                let path = "routing.rules[\(i)]"
                guard let rm = r.mapping(item, path, allowed: ["id", "when", "grade", "to"]) else { ok = false; continue }
                let id = r.required(rm, "id", path, in: item).flatMap { r.identifier($0, "\(path).id") }
                let when: FieldCondition?? = rm["when"].map { readFieldCondition($0.value, "\(path).when", &r).map { .some($0) } ?? .none } ?? .some(nil)
                var grades: [Grade]?? = .some(nil)
                if let g = rm["grade"]?.value {
                    let texts: [String]? = { if case .scalar = g { return r.string(g, "\(path).grade").map { [$0] } }; return r.strings(g, "\(path).grade") }()
                    if let texts {
                        let parsed = texts.compactMap { Grade(rawValue: $0.uppercased()) }
                        if parsed.count != texts.count || parsed.isEmpty {
                            r.error(g, "\(path).grade", "expected grades among A, B, C, D (e.g. [A, B]), got \(texts.joined(separator: ", "))")
                            grades = .none
                        } else { grades = .some(parsed) }
                    } else { grades = .none }
                }
                let to = r.required(rm, "to", path, in: item).flatMap { target($0, "\(path).to") }
                if let id, rules.contains(where: { $0.id == id }) {
                    r.error(rm["id"]?.value, "\(path).id", "rule id '\(id)' is used twice in routing.rules")
                    ok = false
                } else if let id, let when, let grades, let to {
                    rules.append(RoutingRule(id: id, when: when, grades: grades, to: to))
                    ruleNodes.append(item)
                } else { ok = false }
            }
        } else if m["rules"] != nil { ok = false }
        // a rule after one that takes every lead can never match; the same condition twice is most likely a mistake
        for (i, rule) in rules.enumerated() {
            if let earlier = rules[..<i].first(where: { $0.when == nil && $0.grades == nil }) {
                r.error(ruleNodes[i], "routing.rules[\(i)]", "rule '\(rule.id)' can never match: rule '\(earlier.id)' before it takes every lead")
                ok = false
            } else if let earlier = rules[..<i].first(where: { $0.when == rule.when && covers($0.grades, rule.grades) }) {
                r.error(ruleNodes[i], "routing.rules[\(i)]", "rule '\(rule.id)' can never match: rule '\(earlier.id)' before it has the same condition")
                ok = false
            } else if let earlier = rules[..<i].first(where: { $0.when == rule.when }) {
                r.warning(ruleNodes[i].mark, "routing.rules[\(i)]", "rules '\(earlier.id)' and '\(rule.id)' overlap: the same condition, different grades; the first that matches decides")
            }
        }
        var fallback: String?
        if let f = r.required(m, "fallback", "routing", in: node) { fallback = target(f, "routing.fallback") }
        guard ok, let fallback else { return nil }
        return RoutingSection(on: on, stickyAccount: sticky, pools: pools, rules: rules, fallback: fallback)
    }

    /// Whether grades `a` (an earlier rule's) include every grade of `b`.
    private static func covers(_ a: [Grade]?, _ b: [Grade]?) -> Bool {
        guard let a else { return true }
        guard let b else { return false }
        return Set(b).isSubset(of: Set(a))
    }

    static func hint(_ word: String, _ candidates: [String]) -> String {
        Spelling.closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The first circle in the manager chains, as the ids around it, or nil.
    static func managerCycle(_ team: [Person]) -> [String]? {
        let manager = Dictionary(team.map { ($0.id, $0.manager) }, uniquingKeysWith: { a, _ in a })
        for person in team {
            var path: [String] = [person.id]
            var next = manager[person.id] ?? nil
            while let m = next {
                if let start = path.firstIndex(of: m) {
                    if start == 0 { return path + [m] }
                    break   // a circle this person only leads into: found when its own members are walked
                }
                path.append(m)
                next = manager[m] ?? nil
            }
        }
        return nil
    }
}
