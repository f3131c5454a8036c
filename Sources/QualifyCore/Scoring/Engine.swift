/// Folds events into a lead's state under a model: `apply(event, to: &state, at:)` returns the ledger entries and
/// stage changes it caused. Replaying a lead's events in ``EventOrder`` from an empty state gives exactly the state
/// that applying them one by one gave (tested), which makes rescoring and "as of" cards replays.
public struct Engine {
    public let compiled: CompiledModel
    public var model: QualificationModel { compiled.model }

    public init(_ compiled: CompiledModel) { self.compiled = compiled }
    public init(model: QualificationModel, lists: EmailLists = .builtIn) throws(ModelIssue) {
        self.compiled = try CompiledModel(model, lists: lists)
    }

    /// Applies one event. Events must come in ``EventOrder`` for a lead (the store replays a lead when an older event
    /// arrives late).
    @discardableResult
    public func apply(_ event: Event, to state: inout LeadState) -> Application {
        let stageBefore = state.stage
        let out = score(event, to: &state)
        Nurture.fold(event, stageBefore: stageBefore, into: &state, compiled: compiled)
        return out
    }

    /// Whether the lead meets a condition in the fit rules' language (an offer's `when`).
    public func fits(_ condition: FieldCondition, state: LeadState) -> Bool {
        evaluate(condition, fields: state.fields, kinds: compiled.lists.kinds(of: state.key))
    }

    private func score(_ event: Event, to state: inout LeadState) -> Application {
        var out = Application()
        state.eventCount += 1
        if state.firstSeen == nil { state.firstSeen = event.at }
        state.last = event.order
        if !state.fitEvaluated, !isFieldsUpdate(event) {
            // Email-kind fit rules (free-mail, role …) hold from the first event, even before any field arrives.
            applyFields(event, fields: [:], source: "first event", to: &state, into: &out)
        }
        switch event.kind {
        case .activity(let type, let properties):
            // the lead's own activity (a follow-up sent to the lead is not)
            if !type.hasPrefix("nurture.") { state.lastActivity = max(state.lastActivity ?? event.at, event.at) }
            if SalesActivity(eventType: type) != nil { touch(&state, at: event.at) }
            applyActivity(event, type: type, properties: properties, to: &state, into: &out)
        case .fieldsUpdate(let fields, let source):
            applyFields(event, fields: fields, source: source, to: &state, into: &out)
        case .assignment(let owner, _, let by):
            // the owner is a field like any other (the queue's owner column, fit rules on it); their SLA clock starts
            state.assignedAt = event.at
            state.touchedAt = nil
            state.escalations = 0
            applyFields(event, fields: ["owner": owner], source: by, to: &state, into: &out)
        case .escalation(let step, _, _, let assigned):
            if assigned == state.assignedAt { state.escalations = max(state.escalations, step + 1) }
            return out
        case .stageMove(let action, let reason, let by, let code):
            touch(&state, at: event.at)
            let target = action.forcedTarget
            if target != state.stage {
                out.stageChanges.append(StageChange(
                    from: state.stage, to: target, at: event.at, eventID: event.id,
                    reason: action.changeReason(reason, code: code), by: by))
                state.stageHistory.append(out.stageChanges.last!)
                state.stage = target
            }
            if target == .recycled { startCycle(&state) }
            return out
        }
        advanceStage(event, &state, &out)
        return out
    }

    /// Back to nurture: stage criteria count only events from here on.
    private func startCycle(_ state: inout LeadState) {
        state.cycleGroups = [:]
        state.typeCounts = [:]
        state.satisfiedEventCriteria = []
    }

    /// The owner's first touch since the lead was assigned stops its SLA clock.
    private func touch(_ state: inout LeadState, at: Timestamp) {
        if let assigned = state.assignedAt, state.touchedAt == nil, at >= assigned { state.touchedAt = at }
    }

    private func isFieldsUpdate(_ event: Event) -> Bool {
        if case .fieldsUpdate = event.kind { return true }
        return false
    }

    /// Replays events (sorted here) from an empty state: the lead as it stands after them.
    public func replay(_ key: LeadKey, events: [Event], until: Timestamp? = nil) -> Replay {
        var state = LeadState(key: key)
        var ledger: [LedgerEntry] = []
        for event in events.sorted(by: { $0.order < $1.order }) {
            if let until, event.at > until { break }
            ledger += apply(event, to: &state).ledger
        }
        return Replay(state: state, ledger: ledger)
    }

    // MARK: Activities

    private func applyActivity(_ event: Event, type: String, properties: [String: String], to state: inout LeadState,
                               into out: inout Application) {
        state.typeCounts[type, default: 0] += 1
        for i in compiled.eventCriteriaByType[type] ?? [] where !state.satisfiedEventCriteria.contains(i) {
            if compiled.eventCriteria[i].conditions.allSatisfy({ compiled.test($0.test, properties[$0.property]) }) {
                state.satisfiedEventCriteria.insert(i)
            }
        }
        for i in compiled.rulesByType[type] ?? [] {
            let rule = model.engagement.rules[i]
            guard rule.conditions.allSatisfy({ compiled.test($0.test, properties[$0.property]) }) else { continue }
            if rule.once {
                if state.onceFired.contains(rule.id) { continue }
                state.onceFired.insert(rule.id)
            }
            var points = rule.points
            var note: String?
            if let cap = rule.cap {
                var window = state.capWindows[rule.id] ?? CapWindow(start: event.at, used: 0)
                if event.at >= window.start.adding(cap.per) { window = CapWindow(start: event.at, used: 0) }
                let room = max(0, cap.points - window.used)
                if abs(points) > room {
                    points = points < 0 ? -room : room
                    note = "capped: at most \(cap.points) points per \(cap.per)"
                }
                window.used += abs(points)
                state.capWindows[rule.id] = window
            }
            if points == 0 { continue }
            let group = model.engagement.group(rule.group)!
            let before = state.groups[rule.group].map { $0.value(at: event.at, halfLife: group.halfLife) } ?? 0
            state.groups[rule.group] = GroupScore(value: before + Double(points), at: event.at)
            let cycleBefore = state.cycleGroups[rule.group].map { $0.value(at: event.at, halfLife: group.halfLife) } ?? 0
            state.cycleGroups[rule.group] = GroupScore(value: cycleBefore + Double(points), at: event.at)
            out.ledger.append(LedgerEntry(
                kind: .engagement, ruleID: rule.id, group: rule.group, eventID: event.id, eventType: type,
                at: event.at, points: points, note: note))
        }
    }

    // MARK: Fit

    private func applyFields(_ event: Event, fields: [String: String], source: String, to state: inout LeadState,
                             into out: inout Application) {
        state.fitEvaluated = true
        // a CRM stage field whose value changes: read before the merge
        let crmStages = model.imports.map { section in section.fields.map { (field: $0, before: state.fields[$0]) } } ?? []
        for (name, value) in fields where !value.trimmingSpaces.isEmpty {
            state.fields[name] = value
        }
        for (field, before) in crmStages {
            guard let value = state.fields[field], value != before, let target = model.imports?.stage(for: value),
                  state.stage.allowsImportedMove(to: target) else { continue }
            let change = StageChange(from: state.stage, to: target, at: event.at, eventID: event.id,
                                     reason: "CRM stage: \(field) '\(value)' (\(source))", by: "import")
            state.stage = target
            state.stageHistory.append(change)
            out.stageChanges.append(change)
            if target == .recycled { startCycle(&state) }
        }
        let kinds = compiled.lists.kinds(of: state.key)
        for rule in model.fit.rules {
            let matches = evaluate(rule.when, fields: state.fields, kinds: kinds)
            let held = state.fitMatches[rule.id]
            if matches, held == nil {
                state.fitMatches[rule.id] = rule.points
                out.ledger.append(LedgerEntry(
                    kind: .fit, ruleID: rule.id, group: nil, eventID: event.id, eventType: event.typeName,
                    at: event.at, points: rule.points))
            } else if !matches, let held {
                state.fitMatches[rule.id] = nil
                out.ledger.append(LedgerEntry(
                    kind: .fit, ruleID: rule.id, group: nil, eventID: event.id, eventType: event.typeName,
                    at: event.at, points: -held, note: "no longer matches after update from \(source)"))
            }
        }
        state.fitPoints = state.fitMatches.values.reduce(0, +)
        state.grade = model.fit.grades.grade(for: state.fitPoints)
    }

    /// The fit points the model's rules give `fields` of a company address (an account's fields), and the rules that
    /// matched, in the model's order.
    public func fitPoints(of fields: [String: String]) -> (points: Int, rules: [String]) {
        var points = 0, matched: [String] = []
        for rule in model.fit.rules where evaluate(rule.when, fields: fields, kinds: [.company]) {
            points += rule.points
            matched.append(rule.id)
        }
        return (points, matched)
    }

    func evaluate(_ condition: FieldCondition, fields: [String: String], kinds: Set<EmailKind>) -> Bool {
        switch condition {
        case .field(let name, let test): return compiled.test(test, fields[name])
        case .email(let kind): return kinds.contains(kind)
        case .any(let cs): return cs.contains { evaluate($0, fields: fields, kinds: kinds) }
        case .all(let cs): return cs.allSatisfy { evaluate($0, fields: fields, kinds: kinds) }
        case .not(let c): return !evaluate(c, fields: fields, kinds: kinds)
        }
    }

    // MARK: Stages

    private func advanceStage(_ event: Event, _ state: inout LeadState, _ out: inout Application) {
        for (rule, first) in compiled.stageRules where state.stage.allowsAutomaticMove(to: rule.stage) {
            var probe = first
            guard holds(rule.when, state, at: event.at, eventIndex: &probe) else { continue }
            var index = first
            if let reason = explain(rule.when, state, at: event.at, eventIndex: &index) {
                let change = StageChange(from: state.stage, to: rule.stage, at: event.at, eventID: event.id,
                                         reason: reason, by: "model")
                state.stage = rule.stage
                state.stageHistory.append(change)
                out.stageChanges.append(change)
                return
            }
        }
    }

    /// Whether the criterion holds: the cheap check run on every event; ``explain`` words the reason only on a move.
    func holds(_ c: Criterion, _ state: LeadState, at now: Timestamp, eventIndex: inout Int) -> Bool {
        switch c {
        case .event:
            defer { eventIndex += 1 }
            return state.satisfiedEventCriteria.contains(eventIndex)
        case .count(let types, let atLeast):
            var n = 0
            for t in types { n += state.typeCounts[t] ?? 0 }
            return n >= atLeast
        case .grade(let atLeast): return state.grade >= atLeast
        case .fit(let atLeast): return state.fitPoints >= atLeast
        case .engagement(let atLeast, let groupID):
            guard let score = state.cycleGroups[groupID], let group = model.engagement.group(groupID) else { return false }
            return score.value(at: now, halfLife: group.halfLife) >= atLeast
        case .any(let cs):
            var any = false
            for c in cs where holds(c, state, at: now, eventIndex: &eventIndex) { any = true }
            return any
        case .all(let cs):
            var all = true
            for c in cs where !holds(c, state, at: now, eventIndex: &eventIndex) { all = false }
            return all
        }
    }

    /// Why the criterion holds, or nil when it does not. `eventIndex` walks the numbering of event criteria, which
    /// must follow ``CompiledModel``'s order; so every branch is visited even after the answer is known.
    func explain(_ c: Criterion, _ state: LeadState, at now: Timestamp, eventIndex: inout Int) -> String? {
        switch c {
        case .event(let type, let conds):
            defer { eventIndex += 1 }
            guard state.satisfiedEventCriteria.contains(eventIndex) else { return nil }
            return conds.isEmpty ? "did \(type)" : "did \(type) where \(conds.map(\.summary).joined(separator: ", "))"
        case .count(let types, let atLeast):
            let n = types.reduce(0) { $0 + (state.typeCounts[$1] ?? 0) }
            return n >= atLeast ? "\(n) × \(types.joined(separator: "/")) (at least \(atLeast))" : nil
        case .grade(let atLeast):
            return state.grade >= atLeast ? "grade \(state.grade.rawValue) (at least \(atLeast.rawValue))" : nil
        case .fit(let atLeast):
            return state.fitPoints >= atLeast ? "fit \(state.fitPoints) (at least \(atLeast))" : nil
        case .engagement(let atLeast, let groupID):
            let group = model.engagement.group(groupID)!
            let score = state.cycleGroups[groupID]?.value(at: now, halfLife: group.halfLife) ?? 0
            let label = groupID == EngagementSection.mainGroup ? "engagement" : "engagement[\(groupID)]"
            return score >= atLeast ? "\(label) \(score.formatted(1)) (at least \(atLeast.formatted(1)))" : nil
        case .any(let cs):
            var first: String?
            for c in cs {
                let r = explain(c, state, at: now, eventIndex: &eventIndex)
                if first == nil { first = r }
            }
            return first
        case .all(let cs):
            var reasons: [String] = []
            var ok = true
            for c in cs {
                if let r = explain(c, state, at: now, eventIndex: &eventIndex) { reasons.append(r) } else { ok = false }
            }
            return ok ? reasons.joined(separator: " and ") : nil
        }
    }
}

/// The result of a replay: the state and every ledger entry, in order.
public struct Replay: Sendable, Hashable {
    public var state: LeadState
    public var ledger: [LedgerEntry]
}

extension PropertyCondition {
    var summary: String { "\(property) \(test.summary)" }
}

extension ValueTest {
    public var summary: String {
        switch self {
        case .equals(let v): return "= '\(v)'"
        case .oneOf(let vs): return "in [\(vs.joined(separator: ", "))]"
        case .contains(let v): return "contains '\(v)'"
        case .matches(let p): return "matches /\(p)/"
        case .between(let a, let b): return "between \(a.formatted(0)) and \(b.formatted(0))"
        case .atLeast(let a): return "≥ \(a.formatted(0))"
        case .exists(let e): return e ? "is set" : "is empty"
        }
    }
}

extension Double {
    /// Fixed-point text with `digits` decimals (no Foundation in the core).
    public func formatted(_ digits: Int) -> String {
        if !isFinite { return "\(self)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (self * scale).rounded()
        if abs(scaled) >= 9.0e18 { return "\(self.rounded())" }
        let negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        let whole = magnitude / Int64(scale)
        var text = "\(negative ? "-" : "")\(whole)"
        if digits > 0 {
            let frac = String(magnitude % Int64(scale))
            text += "." + String(repeating: "0", count: digits - frac.count) + frac
        }
        return text
    }
}
