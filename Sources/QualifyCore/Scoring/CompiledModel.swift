import Synchronization

/// A validated model prepared for fast application: regexes compiled, rules indexed by event type,
/// event criteria numbered.
///
/// Not `Sendable`: the standard library's `Regex` is not. Share the ``QualificationModel`` (a value) between tasks
/// and compile it where it is used; compiling is cheap next to a batch of events.
public struct CompiledModel {
    public let model: QualificationModel
    let regexes: [String: MemoizedRegex]
    let rulesByType: [String: [Int]]
    /// Every `.event` criterion in stage rules, in a stable order; the state remembers which were satisfied.
    let eventCriteria: [(type: String, conditions: [PropertyCondition])]
    let eventCriteriaByType: [String: [Int]]
    /// Stage rules, highest stage first, each with the number of its first event criterion.
    let stageRules: [(rule: StageRule, firstEventCriterion: Int)]
    public let lists: EmailLists
    /// The event types the model's rules name (``QualificationModel/eventTypesUsed``), computed once.
    public let eventTypesUsed: Set<String>
    /// The offer catalogue, and the offers each event type can mark taken.
    let offers: [Offer]
    let offersTakenByType: [String: [Int]]
    /// Event types that stop a follow-up cadence (``FollowUpSection/stopOn``).
    let stopOnTypes: Set<String>

    public init(_ model: QualificationModel, lists: EmailLists = .builtIn) throws(ModelIssue) {
        self.model = model
        self.lists = lists
        self.eventTypesUsed = model.eventTypesUsed
        var regexes: [String: MemoizedRegex] = [:]
        func compile(_ test: ValueTest, at path: String) throws(ModelIssue) {
            if case .matches(let pattern) = test, regexes[pattern] == nil {
                do { regexes[pattern] = MemoizedRegex(try Regex(pattern)) } catch {
                    throw ModelIssue(path: path, message: "regex '\(pattern)' does not compile: \(error)")
                }
            }
        }
        func walk(_ c: FieldCondition, _ path: String) throws(ModelIssue) {
            switch c {
            case .field(_, let t): try compile(t, at: path)
            case .email: break
            case .any(let cs), .all(let cs): for (i, c) in cs.enumerated() { try walk(c, "\(path)[\(i)]") }
            case .not(let c): try walk(c, path)
            }
        }
        for (i, rule) in model.fit.rules.enumerated() { try walk(rule.when, "fit.rules[\(i)].when") }
        for (i, rule) in (model.handoff?.routing?.rules ?? []).enumerated() {
            if let when = rule.when { try walk(when, "routing.rules[\(i)].when") }
        }
        var byType: [String: [Int]] = [:]
        for (i, rule) in model.engagement.rules.enumerated() {
            for c in rule.conditions { try compile(c.test, at: "engagement.rules[\(i)].where") }
            byType[rule.on, default: []].append(i)
        }
        var eventCriteria: [(String, [PropertyCondition])] = []
        func collect(_ c: Criterion) throws(ModelIssue) {
            switch c {
            case .event(let type, let conds):
                for cond in conds { try compile(cond.test, at: "stages") }
                eventCriteria.append((type, conds))
            case .any(let cs), .all(let cs): for c in cs { try collect(c) }
            case .count, .grade, .fit, .engagement: break
            }
        }
        var stageRules: [(rule: StageRule, firstEventCriterion: Int)] = []
        for rule in model.stages {
            stageRules.append((rule, eventCriteria.count))
            try collect(rule.when)
        }
        var criteriaByType: [String: [Int]] = [:]
        for (i, c) in eventCriteria.enumerated() { criteriaByType[c.0, default: []].append(i) }
        let offers = model.offerCatalogue
        var takenByType: [String: [Int]] = [:]
        for (i, offer) in offers.enumerated() {
            if let when = offer.when { try walk(when, "offers[\(i)].when") }
            guard let taken = offer.taken else { continue }
            for c in taken.conditions { try compile(c.test, at: "offers[\(i)].taken.where") }
            takenByType[taken.event, default: []].append(i)
        }
        self.offers = offers
        self.offersTakenByType = takenByType
        self.stopOnTypes = Set(model.followUp?.stopOn ?? [])
        self.regexes = regexes
        self.rulesByType = byType
        self.eventCriteria = eventCriteria
        self.eventCriteriaByType = criteriaByType
        // Highest stage first: a lead that meets SQL's criteria goes straight to SQL.
        self.stageRules = stageRules.sorted { ($0.rule.stage.forwardRank ?? 0) > ($1.rule.stage.forwardRank ?? 0) }
    }

    func test(_ test: ValueTest, _ value: String?) -> Bool {
        switch test {
        case .exists(let expected):
            return (value.map { !$0.trimmingSpaces.isEmpty } ?? false) == expected
        case .equals(let expected):
            guard let value else { return false }
            return value.trimmingSpaces.lowercased() == expected.lowercased()
        case .oneOf(let options):
            guard let value else { return false }
            let v = value.trimmingSpaces.lowercased()
            return options.contains { $0.lowercased() == v }
        case .contains(let needle):
            guard let value else { return false }
            return TextMatch.containsIgnoringCase(value, needle)
        case .matches(let pattern):
            guard let value, let regex = regexes[pattern] else { return false }
            return regex.matches(value)
        case .between(let low, let high):
            guard let n = value.flatMap(NumberValue.leading) else { return false }
            return n >= low && n <= high
        case .atLeast(let low):
            guard let n = value.flatMap(NumberValue.leading) else { return false }
            return n >= low
        }
    }
}

/// A model's regex with the answers it gave: the values a fit rule tests repeat (job titles, industries, countries),
/// and the standard library's regex engine costs more than the rest of a field test. Only short ASCII values are
/// remembered — at most `longest` bytes, so the memo stays small, and ASCII because `String`'s equality is canonical
/// equivalence, under which two spellings a regex tells apart (a precomposed "é" and "e" with a combining accent)
/// would share an answer. The first `limit` such values are kept for the engine's life (no eviction: titles that
/// repeat come early in any list); later ones are matched each time. The memo is locked: a compiled model is shared by
/// the threads that score (see `EngineCache`).
final class MemoizedRegex {
    let regex: Regex<AnyRegexOutput>
    private let answers = Mutex<[String: Bool]>([:])
    static let limit = 4_096
    static let longest = 256

    init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }

    func matches(_ value: String) -> Bool {
        let kept = value.utf8.count <= Self.longest && value.utf8.allSatisfy { $0 < 0x80 }
        if kept, let known = answers.withLock({ $0[value] }) { return known }
        let found = (try? regex.firstMatch(in: value)) != nil
        if kept { answers.withLock { if $0.count < Self.limit { $0[value] = found } } }
        return found
    }

    /// Values remembered (for tests).
    var remembered: Int { answers.withLock { $0.count } }
}

/// Case-insensitive text tests, on bytes when both sides are ASCII (the engine runs them for every event).
enum TextMatch {
    static func containsIgnoringCase(_ haystack: String, _ needle: String) -> Bool {
        var h = haystack
        var n = needle
        let result: Bool? = h.withUTF8 { hb in
            n.withUTF8 { nb -> Bool? in
                if nb.isEmpty { return true }
                if nb.count > hb.count { return hb.allSatisfy { $0 < 128 } && nb.allSatisfy { $0 < 128 } ? false : nil }
                for c in nb where c >= 128 { return nil }
                for c in hb where c >= 128 { return nil }
                @inline(__always) func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
                let first = lower(nb[0])
                var i = 0
                let last = hb.count - nb.count
                while i <= last {
                    if lower(hb[i]) == first {
                        var j = 1
                        while j < nb.count, lower(hb[i + j]) == lower(nb[j]) { j += 1 }
                        if j == nb.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
        return result ?? haystack.lowercased().contains(needle.lowercased())
    }
}

/// Reads a number from a CRM field: `250`, `1,200`, `51-200` (the lower bound), `1000+`, `$2.5`.
public enum NumberValue {
    public static func leading(_ text: String) -> Double? {
        var digits = ""
        var started = false
        for ch in text.trimmingSpaces {
            if ch.isNumber || (ch == "." && started) {
                digits.append(ch)
                started = true
            } else if ch == "," && started {
                continue
            } else if ch == "-" && !started && digits.isEmpty {
                digits.append(ch)
            } else if started {
                break
            } else if ch == "$" || ch == "€" || ch == "£" || ch == " " {
                continue
            } else {
                return nil
            }
        }
        return started ? Double(digits) : nil
    }
}
