extension ModelParser {
    /// The shortest half-life accepted: amplitudes (see ``Decay``) must stay finite for years around the epoch.
    public static let minimumHalfLife = TimeSpan.days(3)

    // MARK: engagement

    static func readEngagement(_ node: ModelNode, _ r: inout ModelReader) -> EngagementSection? {
        guard let map = r.mapping(node, "engagement", allowed: ["half_life", "temperature", "groups", "rules"]) else { return nil }
        let halfLife = r.required(map, "half_life", "engagement", in: node).flatMap { readHalfLife($0, "engagement.half_life", &r) }
        let temperature = r.required(map, "temperature", "engagement", in: node).flatMap { readTemperature($0, "engagement.temperature", &r) }
        guard let halfLife, let temperature else { return nil }
        var groups = [ScoreGroup(id: EngagementSection.mainGroup, halfLife: halfLife, temperature: temperature)]
        var ok = true
        if let g = map["groups"]?.value, case .mapping(let pairs, _) = g {
            for pair in pairs {
                let path = "engagement.groups.\(pair.key)"
                if pair.key == EngagementSection.mainGroup || groups.contains(where: { $0.id == pair.key }) {
                    r.error(nil, path, "group '\(pair.key)' is defined twice ('main' is the top-level half_life and temperature)", mark: pair.keyMark)
                    ok = false
                    continue
                }
                guard r.identifier(.scalar(pair.key, quoted: true, pair.keyMark), path) != nil,
                      let m = r.mapping(pair.value, path, allowed: ["half_life", "temperature"]) else { ok = false; continue }
                let h = m["half_life"].map { readHalfLife($0.value, "\(path).half_life", &r) } ?? halfLife
                let t = m["temperature"].map { readTemperature($0.value, "\(path).temperature", &r) } ?? temperature
                if let h, let t { groups.append(ScoreGroup(id: pair.key, halfLife: h, temperature: t)) } else { ok = false }
            }
        } else if let g = map["groups"]?.value {
            r.error(g, "engagement.groups", "expected a mapping of group name → { half_life, temperature }, got \(g.kindName)")
            ok = false
        }
        var rules: [EngagementRule] = []
        let ruleKeys = ["id", "on", "where", "points", "once", "cap", "group"]
        if let list = r.required(map, "rules", "engagement", in: node).flatMap({ r.list($0, "engagement.rules") }) {
            for (i, item) in list.enumerated() {
                let path = "engagement.rules[\(i)]"
                guard let m = r.mapping(item, path, allowed: ruleKeys) else { ok = false; continue }
                let id = r.required(m, "id", path, in: item).flatMap { r.identifier($0, "\(path).id") }
                let on = r.required(m, "on", path, in: item).flatMap { readEventType($0, "\(path).on", &r) }
                let points = r.required(m, "points", path, in: item).flatMap { r.int($0, "\(path).points") }
                let conditions = m["where"].map { readWhere($0.value, "\(path).where", &r) } ?? []
                let once = m["once"].map { r.bool($0.value, "\(path).once") } ?? false
                var cap: Cap?? = .some(nil)
                if let c = m["cap"] {
                    cap = .none
                    if let cm = r.mapping(c.value, "\(path).cap", allowed: ["points", "per"]) {
                        let cp = r.required(cm, "points", "\(path).cap", in: c.value).flatMap { r.int($0, "\(path).cap.points") }
                        let per = r.required(cm, "per", "\(path).cap", in: c.value).flatMap { r.span($0, "\(path).cap.per") }
                        if let cp, cp <= 0 { r.error(cm["points"]?.value, "\(path).cap.points", "expected a positive number of points, got \(cp)") }
                        else if let cp, let per { cap = .some(Cap(points: cp, per: per)) }
                    }
                }
                var group: String? = EngagementSection.mainGroup
                if let g = m["group"] {
                    group = r.string(g.value, "\(path).group")
                    if let name = group, !groups.contains(where: { $0.id == name }) {
                        let known = groups.map(\.id)
                        let hint = Spelling.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                        r.error(g.value, "\(path).group", "unknown score group '\(name)'\(hint); expected one of: \(known.joined(separator: ", ")) (declare it under engagement.groups)")
                        group = nil
                    }
                }
                if let id, rules.contains(where: { $0.id == id }) {
                    r.error(m["id"]?.value, "\(path).id", "rule id '\(id)' is used twice in engagement.rules")
                    ok = false
                } else if let id, let on, let points, let conditions, let once, let cap, let group {
                    if points == 0 { r.warning(m["points"]?.value.mark, "\(path).points", "rule '\(id)' gives 0 points and never changes a score") }
                    rules.append(EngagementRule(id: id, on: on, conditions: conditions, points: points, once: once, cap: cap, group: group))
                } else { ok = false }
            }
        }
        return ok ? EngagementSection(groups: groups, rules: rules) : nil
    }

    static func readHalfLife(_ node: ModelNode, _ path: String, _ r: inout ModelReader) -> TimeSpan? {
        guard let h = r.span(node, path) else { return nil }
        if h < minimumHalfLife {
            r.error(node, path, "half-life \(h) is shorter than the minimum \(minimumHalfLife)")
            return nil
        }
        return h
    }

    static func readTemperature(_ node: ModelNode, _ path: String, _ r: inout ModelReader) -> TemperatureThresholds? {
        guard let m = r.mapping(node, path, allowed: ["hot", "warm"]) else { return nil }
        let hot = r.required(m, "hot", path, in: node).flatMap { r.number($0, "\(path).hot") }
        let warm = r.required(m, "warm", path, in: node).flatMap { r.number($0, "\(path).warm") }
        guard let hot, let warm else { return nil }
        if !(hot > warm && warm > 0) {
            r.error(node, path, "thresholds out of order: expected hot > warm > 0, got hot \(hot.formatted(1)), warm \(warm.formatted(1))")
            return nil
        }
        return TemperatureThresholds(hot: hot, warm: warm)
    }

    static func readEventType(_ node: ModelNode, _ path: String, _ r: inout ModelReader) -> String? {
        guard let s = r.identifier(node, path) else { return nil }
        if s.hasPrefix("$") { r.error(node, path, "event types starting with '$' are internal"); return nil }
        return s
    }

    // MARK: stages

    static let criterionKeys = ["event", "count", "grade", "fit", "engagement", "any", "all"]

    static func readStages(_ node: ModelNode, groups: [String], _ r: inout ModelReader) -> [StageRule]? {
        guard let list = r.list(node, "stages") else { return nil }
        var out: [StageRule] = []
        var ok = true
        let allowed = Stage.qualifying.map(\.rawValue)
        for (i, item) in list.enumerated() {
            let path = "stages[\(i)]"
            guard let m = r.mapping(item, path, allowed: ["id", "when"]) else { ok = false; continue }
            var stage: Stage?
            if let idNode = r.required(m, "id", path, in: item), let id = r.string(idNode, "\(path).id") {
                stage = Stage(rawValue: id).flatMap { Stage.qualifying.contains($0) ? $0 : nil }
                if stage == nil {
                    let hint = Spelling.closest(to: id, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                    r.error(idNode, "\(path).id", "unknown stage '\(id)'\(hint); expected one of: \(allowed.joined(separator: ", ")) (later stages are set by people)")
                } else if out.contains(where: { $0.stage == stage }) {
                    r.error(idNode, "\(path).id", "stage '\(id)' is defined twice")
                    stage = nil
                }
            }
            let when = r.required(m, "when", path, in: item).flatMap { readCriterion($0, "\(path).when", groups: groups, &r) }
            if let stage, let when { out.append(StageRule(stage: stage, when: when)) } else { ok = false }
        }
        return ok ? out : nil
    }

    static func readCriterion(_ node: ModelNode, _ path: String, groups: [String], _ r: inout ModelReader) -> Criterion? {
        guard case .mapping(let pairs, _) = node, pairs.count == 1, let pair = pairs.first else {
            r.error(node, path, "expected one criterion: { \(criterionKeys.joined(separator: " | ")): … }")
            return nil
        }
        let p = "\(path).\(pair.key)"
        let v = pair.value
        switch pair.key {
        case "event":
            if case .scalar = v { return readEventType(v, p, &r).map { .event($0, []) } }
            guard let m = r.mapping(v, p, allowed: ["type", "where"]) else { return nil }
            let type = r.required(m, "type", p, in: v).flatMap { readEventType($0, "\(p).type", &r) }
            let conds = m["where"].map { readWhere($0.value, "\(p).where", &r) } ?? []
            guard let type, let conds else { return nil }
            return .event(type, conds)
        case "count":
            guard let m = r.mapping(v, p, allowed: ["of", "at_least"]) else { return nil }
            let of = r.required(m, "of", p, in: v).flatMap { r.strings($0, "\(p).of") }
            let n = r.required(m, "at_least", p, in: v).flatMap { r.int($0, "\(p).at_least") }
            guard let of, let n else { return nil }
            if n < 1 { r.error(m["at_least"]?.value, "\(p).at_least", "expected at least 1, got \(n)"); return nil }
            return .count(of: of, atLeast: n)
        case "grade":
            guard let m = r.mapping(v, p, allowed: ["at_least"]), let g = r.required(m, "at_least", p, in: v),
                  let s = r.string(g, "\(p).at_least") else { return nil }
            guard let grade = Grade(rawValue: s.uppercased()) else {
                r.error(g, "\(p).at_least", "unknown grade '\(s)'; expected A, B, C or D")
                return nil
            }
            return .grade(atLeast: grade)
        case "fit":
            guard let m = r.mapping(v, p, allowed: ["at_least"]), let n = r.required(m, "at_least", p, in: v).flatMap({ r.int($0, "\(p).at_least") }) else { return nil }
            return .fit(atLeast: n)
        case "engagement":
            guard let m = r.mapping(v, p, allowed: ["at_least", "group"]) else { return nil }
            let n = r.required(m, "at_least", p, in: v).flatMap { r.number($0, "\(p).at_least") }
            let group = m["group"].map { r.string($0.value, "\(p).group") } ?? EngagementSection.mainGroup
            guard let n, let group else { return nil }
            if !groups.contains(group) {
                r.error(m["group"]?.value, "\(p).group", "unknown score group '\(group)'; expected one of: \(groups.joined(separator: ", "))")
                return nil
            }
            if n <= 0 { r.error(m["at_least"]?.value, "\(p).at_least", "expected a positive score, got \(n.formatted(1))"); return nil }
            return .engagement(atLeast: n, group: group)
        case "any", "all":
            guard let items = r.list(v, p) else { return nil }
            if items.isEmpty { r.error(v, p, "'\(pair.key)' needs at least one criterion"); return nil }
            let cs = items.enumerated().compactMap { readCriterion($1, "\(p)[\($0)]", groups: groups, &r) }
            guard cs.count == items.count else { return nil }
            return pair.key == "any" ? .any(cs) : .all(cs)
        default:
            let hint = Spelling.closest(to: pair.key, in: criterionKeys).map { " (did you mean '\($0)'?)" } ?? ""
            r.error(nil, p, "unknown criterion '\(pair.key)'\(hint); expected one of: \(criterionKeys.joined(separator: ", "))", mark: pair.keyMark)
            return nil
        }
    }

    // MARK: whole-model checks

    /// Checks across sections: duplicate fit rule ids, stages that can never be reached, offers for stages the model
    /// never reaches.
    static func check(_ model: QualificationModel, _ root: ModelNode, _ r: inout ModelReader) {
        var seen: Set<String> = []
        let fitRuleMarks = ruleMarks(root)
        for (i, rule) in model.fit.rules.enumerated() where !seen.insert(rule.id).inserted {
            r.error(nil, "fit.rules[\(i)].id", "rule id '\(rule.id)' is used twice in fit.rules", mark: fitRuleMarks[safe: i] ?? root.mark)
        }
        let maxFit = model.fit.rules.reduce(0) { $0 + max(0, $1.points) }
        if maxFit < model.fit.grades.a {
            r.warning(root.mark, "fit.grades.A", "grade A needs \(model.fit.grades.a) points but the fit rules give at most \(maxFit): no lead can be graded A")
        }
        let stageNodes = stageMarks(root)
        for (i, rule) in model.stages.enumerated() {
            if let why = unreachable(rule.when, model, maxFit: maxFit) {
                r.error(nil, "stages[\(i)].when", "stage \(rule.stage.label) can never be reached: \(why)", mark: stageNodes[safe: i])
            }
        }
        if model.stages.isEmpty { r.error(root, "stages", "no stage is defined: define at least iql, mql and sql criteria") }
    }

    /// Why a criterion can never hold, or nil.
    static func unreachable(_ c: Criterion, _ model: QualificationModel, maxFit: Int) -> String? {
        switch c {
        case .event, .count: return nil
        case .grade(let g):
            let need: Int
            switch g {
            case .a: need = model.fit.grades.a
            case .b: need = model.fit.grades.b
            case .c: need = model.fit.grades.c
            case .d: return nil
            }
            return maxFit < need ? "grade \(g.rawValue) needs \(need) fit points but the fit rules give at most \(maxFit)" : nil
        case .fit(let n):
            return maxFit < n ? "fit \(n) needs more than the \(maxFit) points the fit rules can give" : nil
        case .engagement(let n, let group):
            let feeds = model.engagement.rules.contains { $0.group == group && $0.points > 0 }
            return feeds ? nil : "engagement\(group == "main" ? "" : "[\(group)]") ≥ \(n.formatted(1)) needs points, but no engagement rule adds any to group '\(group)'"
        case .all(let cs):
            return cs.lazy.compactMap { unreachable($0, model, maxFit: maxFit) }.first
        case .any(let cs):
            let reasons = cs.compactMap { unreachable($0, model, maxFit: maxFit) }
            return reasons.count == cs.count ? reasons.joined(separator: "; and ") : nil
        }
    }

    private static func ruleMarks(_ root: ModelNode) -> [SourceMark] {
        guard case .mapping(let pairs, _) = root, let fit = pairs.first(where: { $0.key == "fit" }),
              case .mapping(let fitPairs, _) = fit.value, let rules = fitPairs.first(where: { $0.key == "rules" }),
              case .sequence(let items, _) = rules.value else { return [] }
        return items.map { item in
            if case .mapping(let ps, _) = item, let id = ps.first(where: { $0.key == "id" }) { return id.value.mark }
            return item.mark
        }
    }

    private static func stageMarks(_ root: ModelNode) -> [SourceMark] {
        guard case .mapping(let pairs, _) = root, let s = pairs.first(where: { $0.key == "stages" }),
              case .sequence(let items, _) = s.value else { return [] }
        return items.map(\.mark)
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
