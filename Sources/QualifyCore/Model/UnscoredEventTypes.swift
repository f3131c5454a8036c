extension QualificationModel {
    /// The event types the model's rules name: engagement rules and stage criteria.
    public var eventTypesUsed: Set<String> {
        var out = Set(engagement.rules.map(\.on))
        func walk(_ c: Criterion) {
            switch c {
            case .event(let type, _): out.insert(type)
            case .count(let types, _): out.formUnion(types)
            case .any(let cs), .all(let cs): cs.forEach(walk)
            case .grade, .fit, .engagement: break
            }
        }
        stages.forEach { walk($0.when) }
        for offer in offerCatalogue { if let taken = offer.taken { out.insert(taken.event) } }
        out.formUnion(followUp?.stopOn ?? [])
        return out
    }
}

/// Event types that arrived but that no rule of the model scores or moves a stage on — usually a typo in the
/// sending system (`pageview`, `demo_requets`), which otherwise scores nothing and tells nobody. Types the product
/// makes itself (`$…`, `sales.…`) are not reported.
public enum UnscoredEventTypes {
    public struct Finding: Sendable, Hashable {
        public var type: String
        public var count: Int
        /// The model's type it most likely means, if one is close.
        public var suggestion: String?

        public var description: String {
            "'\(type)' ×\(count) scored nothing" + (suggestion.map { " — did you mean '\($0)'?" } ?? " (no rule names it)")
        }
    }

    /// The types among `counts` no rule names, most frequent first, each with the closest named type (the same
    /// letters and digits, or at most two edits apart).
    public static func findings(_ counts: [String: Int], model: QualificationModel) -> [Finding] {
        findings(counts, known: model.eventTypesUsed)
    }

    /// The same against the types a model names (``CompiledModel/eventTypesUsed``, computed once per model).
    public static func findings(_ counts: [String: Int], known: Set<String>) -> [Finding] {
        counts.filter { !known.contains($0.key) && !$0.key.hasPrefix("$") && !$0.key.hasPrefix("sales.") && !$0.key.hasPrefix("nurture.") }
            .map { Finding(type: $0.key, count: $0.value, suggestion: closest($0.key, among: known)) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.type < $1.type }
    }

    static func closest(_ type: String, among known: Set<String>) -> String? {
        func squash(_ s: String) -> [Character] { Array(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let t = squash(type)
        var best: (type: String, distance: Int)?
        for candidate in known.sorted() {
            let d = distance(t, squash(candidate))
            if d <= 2, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.type
    }

    /// Levenshtein distance.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension QualificationModel {
    /// Where the model reads a lead field: each fit rule's and routing rule's conditions and the accounts' job-title
    /// field, as `(where, field)`.
    public var fieldsRead: [(rule: String, field: String)] {
        var out: [(rule: String, field: String)] = []
        func walk(_ c: FieldCondition, _ rule: String) {
            switch c {
            case .field(let name, _): out.append((rule, name))
            case .email: break
            case .any(let cs), .all(let cs): cs.forEach { walk($0, rule) }
            case .not(let c): walk(c, rule)
            }
        }
        for rule in fit.rules { walk(rule.when, "fit rule '\(rule.id)'") }
        for (i, rule) in (handoff?.routing?.rules ?? []).enumerated() {
            if let when = rule.when { walk(when, "routing rule '\(rule.id)' (\(i + 1))") }
        }
        if let accounts, !accounts.roles.isEmpty { out.append(("accounts.roles (the buying committee)", accounts.titleField)) }
        return out
    }

    /// Fields the model reads that no lead has ever carried — a column named otherwise in the imports (`Job Title` kept
    /// as `job_title`, a rule on `title`), or never imported: those rules can never match. Nothing when no lead has any
    /// field yet (an empty database tells nothing).
    public func fieldsNeverCarried(_ carried: Set<String>) -> [String] {
        guard !carried.isEmpty else { return [] }
        var seen = Set<String>()
        return fieldsRead.filter { !carried.contains($0.field) && seen.insert("\($0.rule)|\($0.field)").inserted }.map { read in
            let close = UnscoredEventTypes.closest(read.field, among: carried).map { " — did you mean '\($0)'?" } ?? ""
            return "\(read.rule) reads field '\(read.field)', which no lead has: no import or upsert has carried it, so the rule never matches\(close)"
        }
    }
}
