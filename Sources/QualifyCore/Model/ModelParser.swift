/// Turns a model document into a ``QualificationModel``, reporting every problem at once with file, line, key and
/// what was expected, like a compiler. Checks types, unknown keys, regexes, threshold order, references between
/// sections and stages that can never be reached.
public enum ModelParser {
    public static let topKeys = ["name", "fit", "engagement", "stages", "offers", "checklist", "import", "accounts", "follow_up"] + handoffKeys

    /// The model, with warnings; or every problem when there is at least one error.
    /// `zoneExists` says whether a calendar's time zone name is known (the core has no zone database; the caller
    /// checks against the system's).
    public static func parse(_ root: ModelNode, file: String? = nil, zoneExists: (String) -> Bool = { _ in true })
        -> Result<(QualificationModel, [ModelIssue]), ModelIssues>
    {
        var r = ModelReader(file: file)
        let model = read(root, zoneExists: zoneExists, &r)
        if let model {
            check(model, root, &r)
        }
        if let model, r.issues.allSatisfy({ $0.severity == .warning }) {
            return .success((model, r.issues))
        }
        if r.issues.isEmpty { r.error(root, "", "the model could not be read") }
        return .failure(ModelIssues(r.issues))
    }

    static func read(_ root: ModelNode, zoneExists: (String) -> Bool, _ r: inout ModelReader) -> QualificationModel? {
        guard let top = r.mapping(root, "", allowed: topKeys) else { return nil }
        let name = r.required(top, "name", "", in: root).flatMap { r.string($0, "name") }
        let fit = r.required(top, "fit", "", in: root).flatMap { readFit($0, &r) }
        let engagement = r.required(top, "engagement", "", in: root).flatMap { readEngagement($0, &r) }
        let groups = engagement?.groups.map(\.id) ?? [EngagementSection.mainGroup]
        let stages = r.required(top, "stages", "", in: root).flatMap { readStages($0, groups: groups, &r) }
        var offers: [Stage: [String]] = [:]
        var catalogue: [Offer]?
        var offersOK = true
        if let node = top["offers"]?.value {
            if let read = readOffers(node, &r) { (offers, catalogue) = read } else { offersOK = false }
        }
        var followUp: FollowUpSection?
        if let node = top["follow_up"]?.value {
            guard let section = readFollowUp(node, offers: catalogue ?? Offer.catalogue(byStage: offers), &r) else { return nil }
            followUp = section
        }
        var checklist: Checklist?
        if let node = top["checklist"]?.value {
            guard let c = readChecklist(node, &r) else { return nil }
            checklist = c
        }
        let handoff = readHandoff(top, root: root, zoneExists: zoneExists, &r)
        var imports: ImportSection?
        if let node = top["import"]?.value {
            guard let section = readImports(node, &r) else { return nil }
            imports = section
        }
        var accounts: AccountRules?
        if let node = top["accounts"]?.value {
            guard let section = readAccounts(node, &r) else { return nil }
            accounts = section
        }
        guard let name, let fit, let engagement, let stages, let handoff, offersOK else { return nil }
        return QualificationModel(name: name, fit: fit, engagement: engagement, stages: stages, offers: offers, checklist: checklist,
                                  handoff: handoff, imports: imports, accounts: accounts, catalogue: catalogue, followUp: followUp)
    }

    // MARK: import

    /// `import: { fields: [lifecycle_stage, …], stages: { "Marketing Qualified Lead": mql, … } }`.
    static func readImports(_ node: ModelNode, _ r: inout ModelReader) -> ImportSection? {
        guard let map = r.mapping(node, "import", allowed: ["fields", "stages"]) else { return nil }
        let fields = r.required(map, "fields", "import", in: node).flatMap { r.strings($0, "import.fields") }
        var stages: [String: Stage] = [:]
        var ok = fields != nil
        if let fields, fields.isEmpty { r.error(node, "import.fields", "name at least one lead field that carries a CRM stage"); ok = false }
        if let table = r.required(map, "stages", "import", in: node) {
            if case .mapping(let pairs, _) = table {
                for pair in pairs {
                    let path = "import.stages.\(pair.key)"
                    guard let name = r.string(pair.value, path) else { ok = false; continue }
                    guard let stage = Stage(rawValue: name.lowercased()) else {
                        r.error(pair.value, path, "'\(name)' is not a stage; expected one of \(Stage.allCases.map(\.rawValue).joined(separator: ", "))")
                        ok = false
                        continue
                    }
                    let key = ImportSection.key(pair.key)
                    if key.isEmpty { r.error(nil, path, "a CRM value needs a letter or digit", mark: pair.keyMark); ok = false; continue }
                    if let earlier = stages[key], earlier != stage {
                        r.error(nil, path, "'\(pair.key)' is already mapped to \(earlier.rawValue) (values match ignoring case, spaces and punctuation)",
                                mark: pair.keyMark)
                        ok = false
                    }
                    stages[key] = stage
                }
            } else {
                r.error(table, "import.stages", "expected a mapping of CRM values to stages, got \(table.kindName)")
                ok = false
            }
        } else { ok = false }
        guard ok, let fields else { return nil }
        return ImportSection(fields: fields, stages: stages)
    }

    // MARK: checklist

    static func readChecklist(_ node: ModelNode, _ r: inout ModelReader) -> Checklist? {
        guard let map = r.mapping(node, "checklist", allowed: ["requirements", "grades"]) else { return nil }
        var requirements: [Checklist.Requirement] = []
        var ok = true
        var seen: Set<String> = []
        if let list = r.required(map, "requirements", "checklist", in: node).flatMap({ r.list($0, "checklist.requirements") }) {
            if list.isEmpty { r.error(node, "checklist.requirements", "the checklist needs at least one requirement"); ok = false }
            for (i, item) in list.enumerated() {
                let path = "checklist.requirements[\(i)]"
                guard let m = r.mapping(item, path, allowed: ["id", "kind", "question", "weight"]) else { ok = false; continue }
                let id = r.required(m, "id", path, in: item).flatMap { r.identifier($0, "\(path).id") }
                let question = r.required(m, "question", path, in: item).flatMap { r.string($0, "\(path).question") }
                let weight = r.required(m, "weight", path, in: item).flatMap { r.int($0, "\(path).weight") }
                var kind = Checklist.Kind.other
                if let k = m["kind"], let text = r.string(k.value, "\(path).kind") {
                    if let known = Checklist.Kind(rawValue: text) { kind = known } else {
                        let hint = Spelling.closest(to: text, in: Checklist.Kind.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
                        r.error(k.value, "\(path).kind", "unknown kind '\(text)'\(hint); expected one of: \(Checklist.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                        ok = false
                    }
                }
                if let weight, !(1...100).contains(weight) {
                    r.error(m["weight"]?.value, "\(path).weight", "a weight is a whole number from 1 to 100, not \(weight)")
                    ok = false
                }
                if let question, question.trimmingSpaces.isEmpty {
                    r.error(m["question"]?.value, "\(path).question", "the question a sales manager asks must not be empty")
                    ok = false
                }
                if let id, !seen.insert(id).inserted {
                    r.error(m["id"]?.value, "\(path).id", "requirement '\(id)' is defined twice")
                    ok = false
                }
                if let id, let question, let weight { requirements.append(.init(id: id, kind: kind, question: question, weight: weight)) } else { ok = false }
            }
        } else { ok = false }
        var grades = PriorityThresholds()
        if let g = map["grades"]?.value, let gm = r.mapping(g, "checklist.grades", allowed: ["P1", "P2", "P3"]) {
            let p1 = r.required(gm, "P1", "checklist.grades", in: g).flatMap { r.number($0, "checklist.grades.P1") }
            let p2 = r.required(gm, "P2", "checklist.grades", in: g).flatMap { r.number($0, "checklist.grades.P2") }
            let p3 = r.required(gm, "P3", "checklist.grades", in: g).flatMap { r.number($0, "checklist.grades.P3") }
            if let p1, let p2, let p3 {
                if !(p1 <= 1 && p1 > p2 && p2 > p3 && p3 > 0) {
                    r.error(g, "checklist.grades", "shares of the checklist out of order: expected 1 ≥ P1 > P2 > P3 > 0, got P1 \(p1), P2 \(p2), P3 \(p3)")
                    ok = false
                } else {
                    grades = PriorityThresholds(p1: p1, p2: p2, p3: p3)
                }
            } else { ok = false }
        }
        return ok ? Checklist(requirements: requirements, grades: grades) : nil
    }

    // MARK: fit

    static func readFit(_ node: ModelNode, _ r: inout ModelReader) -> FitSection? {
        guard let map = r.mapping(node, "fit", allowed: ["rules", "grades"]) else { return nil }
        var rules: [FitRule] = []
        var ok = true
        if let list = map["rules"].flatMap({ r.list($0.value, "fit.rules") }) {
            for (i, item) in list.enumerated() {
                let path = "fit.rules[\(i)]"
                guard let m = r.mapping(item, path, allowed: ["id", "when", "points"]) else { ok = false; continue }
                let id = r.required(m, "id", path, in: item).flatMap { r.identifier($0, "\(path).id") }
                let when = r.required(m, "when", path, in: item).flatMap { readFieldCondition($0, "\(path).when", &r) }
                let points = r.required(m, "points", path, in: item).flatMap { r.int($0, "\(path).points") }
                if let id, let when, let points { rules.append(FitRule(id: id, when: when, points: points)) } else { ok = false }
            }
        }
        var grades: GradeThresholds?
        if let g = r.required(map, "grades", "fit", in: node), let gm = r.mapping(g, "fit.grades", allowed: ["A", "B", "C"]) {
            let a = r.required(gm, "A", "fit.grades", in: g).flatMap { r.int($0, "fit.grades.A") }
            let b = r.required(gm, "B", "fit.grades", in: g).flatMap { r.int($0, "fit.grades.B") }
            let c = r.required(gm, "C", "fit.grades", in: g).flatMap { r.int($0, "fit.grades.C") }
            if let a, let b, let c {
                if !(a > b && b > c) {
                    r.error(g, "fit.grades", "thresholds out of order: expected A > B > C, got A \(a), B \(b), C \(c)")
                } else {
                    grades = GradeThresholds(a: a, b: b, c: c)
                }
            }
        }
        guard ok, let grades else { return nil }
        return FitSection(rules: rules, grades: grades)
    }

    static let valueTestKeys = ["equals", "in", "contains", "matches", "between", "at_least", "exists"]

    static func readFieldCondition(_ node: ModelNode, _ path: String, _ r: inout ModelReader) -> FieldCondition? {
        guard case .mapping(let pairs, _) = node, let first = pairs.first else {
            r.error(node, path, "expected a condition: { field: NAME, equals|in|contains|matches|between|at_least|exists: … }, { email: KIND }, { any: [...] }, { all: [...] } or { not: … }")
            return nil
        }
        switch first.key {
        case "any", "all":
            guard let m = r.mapping(node, path, allowed: [first.key]),
                  let items = m[first.key].flatMap({ r.list($0.value, "\(path).\(first.key)") }) else { return nil }
            let cs = items.enumerated().compactMap { readFieldCondition($1, "\(path).\(first.key)[\($0)]", &r) }
            guard cs.count == items.count else { return nil }
            if cs.isEmpty { r.error(node, path, "'\(first.key)' needs at least one condition"); return nil }
            return first.key == "any" ? .any(cs) : .all(cs)
        case "not":
            guard let m = r.mapping(node, path, allowed: ["not"]) else { return nil }
            return m["not"].flatMap { readFieldCondition($0.value, "\(path).not", &r) }.map { .not($0) }
        case "email":
            guard let m = r.mapping(node, path, allowed: ["email"]), let v = m["email"], let s = r.string(v.value, "\(path).email") else { return nil }
            guard let kind = EmailKind(rawValue: s) else {
                r.error(v.value, "\(path).email", "unknown email kind '\(s)'; expected one of: \(EmailKind.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            return .email(kind)
        default:
            guard let m = r.mapping(node, path, allowed: ["field"] + valueTestKeys) else { return nil }
            guard let fieldNode = r.required(m, "field", path, in: node), let field = r.string(fieldNode, "\(path).field") else { return nil }
            let tests = m.filter { $0.key != "field" }
            guard tests.count == 1, let (key, pair) = tests.first else {
                r.error(node, path, "expected exactly one test next to 'field' (one of: \(valueTestKeys.joined(separator: ", ")))")
                return nil
            }
            return readValueTest(key, pair.value, "\(path).\(key)", &r).map { .field(field, $0) }
        }
    }

    static func readValueTest(_ key: String, _ node: ModelNode, _ path: String, _ r: inout ModelReader) -> ValueTest? {
        switch key {
        case "equals": return r.string(node, path).map { .equals($0) }
        case "in": return r.strings(node, path).map { .oneOf($0) }
        case "contains": return r.string(node, path).map { .contains($0) }
        case "matches":
            guard let pattern = r.string(node, path) else { return nil }
            do { _ = try Regex(pattern) } catch {
                r.error(node, path, "regex '\(pattern)' does not compile: \(error)")
                return nil
            }
            return .matches(pattern)
        case "between":
            guard let items = r.list(node, path), items.count == 2 else {
                r.error(node, path, "expected [LOW, HIGH]")
                return nil
            }
            guard let lo = r.number(items[0], "\(path)[0]"), let hi = r.number(items[1], "\(path)[1]") else { return nil }
            if lo > hi { r.error(node, path, "LOW \(lo.formatted(0)) is above HIGH \(hi.formatted(0))"); return nil }
            return .between(lo, hi)
        case "at_least": return r.number(node, path).map { .atLeast($0) }
        case "exists": return r.bool(node, path).map { .exists($0) }
        default:
            r.error(node, path, "unknown test '\(key)'; expected one of: \(valueTestKeys.joined(separator: ", "))")
            return nil
        }
    }

    /// `where: { url: { contains: /pricing } }` or `where: { plan: enterprise }` (equals).
    static func readWhere(_ node: ModelNode, _ path: String, _ r: inout ModelReader) -> [PropertyCondition]? {
        guard case .mapping(let pairs, _) = node else {
            r.error(node, path, "expected a mapping of property → test, e.g. { url: { contains: /pricing } }")
            return nil
        }
        var out: [PropertyCondition] = []
        var ok = true
        for pair in pairs {
            let p = "\(path).\(pair.key)"
            switch pair.value {
            case .scalar:
                if let s = r.string(pair.value, p) { out.append(PropertyCondition(property: pair.key, test: .equals(s))) } else { ok = false }
            case .mapping(let tests, _):
                guard tests.count == 1, let t = tests.first else {
                    r.error(pair.value, p, "expected exactly one test (one of: \(valueTestKeys.joined(separator: ", ")))")
                    ok = false
                    continue
                }
                if !valueTestKeys.contains(t.key) {
                    let hint = Spelling.closest(to: t.key, in: valueTestKeys).map { " (did you mean '\($0)'?)" } ?? ""
                    r.error(nil, "\(p).\(t.key)", "unknown test '\(t.key)'\(hint); expected one of: \(valueTestKeys.joined(separator: ", "))", mark: t.keyMark)
                    ok = false
                } else if let test = readValueTest(t.key, t.value, "\(p).\(t.key)", &r) {
                    out.append(PropertyCondition(property: pair.key, test: test))
                } else { ok = false }
            case .sequence:
                r.error(pair.value, p, "expected a value or a test like { contains: TEXT }, got a list (use { in: [...] })")
                ok = false
            }
        }
        return ok ? out : nil
    }
}
