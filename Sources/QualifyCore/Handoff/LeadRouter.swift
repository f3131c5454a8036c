/// What routing knows of the team at the moment it decides: each person's open leads, and each pool's next turn.
/// Read (and, on PostgreSQL, locked) by the application layer in the transaction that records the decision, so two
/// servers never take the same turn.
public struct RoutingLoad: Sendable, Hashable {
    /// Open leads per person (routed to them, not yet won, lost or sent back).
    public var openLeads: [String: Int]
    /// Per pool, the index of the next turn in ``Pool/turns`` (any integer; taken modulo the cycle).
    public var nextTurn: [String: Int]

    public init(openLeads: [String: Int] = [:], nextTurn: [String: Int] = [:]) {
        self.openLeads = openLeads
        self.nextTurn = nextTurn
    }
}

/// Who gets a lead, and why — recorded on the lead as an assignment event, never decided again by a rescore.
public struct RoutingDecision: Sendable, Hashable {
    public var owner: String
    /// The rule that placed the lead; nil for a sticky account or the fallback.
    public var rule: RuleID?
    /// The pool picked from, and the pool's next turn after this one.
    public var pool: String?
    public var nextTurn: Int?
    /// "routed to Sam Rivera: rule `dach`, round robin, turn 3 of 5".
    public var reason: String
}

public enum RoutingProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nobody can take the lead: every candidate, fallback included, is at capacity or away.
    case nobodyAvailable(String)

    public var description: String {
        switch self {
        case .nobodyAvailable(let why): return "nobody can take the lead: \(why)"
        }
    }
}

/// The routing decision for one lead: sticky account first (when on), then the rules in order, then the fallback. A
/// person at capacity or away is skipped, and the skip is said in the reason.
public struct LeadRouter: Sendable {
    public let handoff: HandoffSection
    public let routing: RoutingSection

    public init?(_ handoff: HandoffSection?) {
        guard let handoff, let routing = handoff.routing else { return nil }
        self.handoff = handoff
        self.routing = routing
    }

    /// - Parameters:
    ///   - matches: whether a rule's condition holds for the lead (the engine evaluates it: ``Engine/routingMatches(_:state:)``).
    ///   - accountOwner: the person who owns the lead's account already (for `sticky: account`), if any.
    public func decide(grade: Grade, matches: (RoutingRule) -> Bool, accountOwner: String?, load: RoutingLoad)
        -> Result<RoutingDecision, RoutingProblem>
    {
        var skipped: [String] = []
        if routing.stickyAccount, let owner = accountOwner, let person = handoff.person(owner) {
            if let why = unavailable(person, load) {
                skipped.append("account owner \(person.name) \(why)")
            } else {
                return .success(RoutingDecision(owner: owner, rule: nil, pool: nil, nextTurn: nil,
                                                reason: "routed to \(person.name): the account's owner (sticky account)"))
            }
        }
        for rule in routing.rules where (rule.grades?.contains(grade) ?? true) && matches(rule) {
            switch pick(rule.to, load) {
            case .success(var decision):
                decision.rule = rule.id
                decision.reason = "routed to \(name(decision.owner)): rule `\(rule.id)`\(decision.reason)" + note(skipped)
                return .success(decision)
            case .failure(let why):
                skipped.append("rule `\(rule.id)`: \(why)")
            }
        }
        switch pick(routing.fallback, load) {
        case .success(var decision):
            let lead = skipped.isEmpty ? "no rule matched" : "no rule placed the lead"
            decision.reason = "routed to \(name(decision.owner)): \(lead), fallback `\(routing.fallback)`\(decision.reason)" + note(skipped)
            return .success(decision)
        case .failure(let why):
            skipped.append("fallback `\(routing.fallback)`: \(why)")
        }
        // everyone is full: the fallback takes it over capacity (said in the reason); only if all there are away,
        // nobody does
        guard case .success(var decision) = pick(routing.fallback, load, ignoringCapacity: true) else {
            return .failure(.nobodyAvailable(skipped.joined(separator: "; ")))
        }
        decision.reason = "routed to \(name(decision.owner)) over capacity: everyone is full, fallback `\(routing.fallback)`\(decision.reason)" + note(skipped)
        return .success(decision)
    }

    private func name(_ id: String) -> String { handoff.person(id)?.name ?? id }

    private func note(_ skipped: [String]) -> String {
        skipped.isEmpty ? "" : " (skipped: \(skipped.joined(separator: "; ")))"
    }

    /// Why a person cannot take a lead now, or nil.
    func unavailable(_ person: Person, _ load: RoutingLoad, ignoringCapacity: Bool = false) -> String? {
        if person.away { return "is away" }
        if !ignoringCapacity, let capacity = person.capacity, (load.openLeads[person.id] ?? 0) >= capacity {
            return "is full (\(load.openLeads[person.id] ?? 0) of \(capacity) open)"
        }
        return nil
    }

    /// A person or someone from a pool; the decision's reason holds only the method's part (", round robin, turn 3
    /// of 5"), the caller words the rest. Fails with why nobody there can take it.
    func pick(_ target: String, _ load: RoutingLoad, ignoringCapacity: Bool = false) -> Result<RoutingDecision, PickFailure> {
        if let person = handoff.person(target) {
            if let why = unavailable(person, load, ignoringCapacity: ignoringCapacity) { return .failure(PickFailure("\(person.name) \(why)")) }
            return .success(RoutingDecision(owner: person.id, rule: nil, pool: nil, nextTurn: nil, reason: ""))
        }
        guard let pool = routing.pool(target) else { return .failure(PickFailure("no person or pool '\(target)'")) }
        let turns = pool.turns
        guard !turns.isEmpty else { return .failure(PickFailure("pool `\(pool.id)` has nobody in it")) }
        let start = ((load.nextTurn[pool.id] ?? 0) % turns.count + turns.count) % turns.count
        var reasons: [String] = []
        var candidates: [(index: Int, person: Person)] = []
        for k in 0..<turns.count {
            let index = (start + k) % turns.count
            guard let person = handoff.person(turns[index]) else { continue }
            if let why = unavailable(person, load, ignoringCapacity: ignoringCapacity) {
                if !reasons.contains(where: { $0.hasPrefix(person.name + " ") }) { reasons.append("\(person.name) \(why)") }
                continue
            }
            candidates.append((index, person))
            if pool.method != .leastLoaded { break }
        }
        guard var chosen = candidates.first else {
            return .failure(PickFailure("everyone in pool `\(pool.id)` is full or away (\(reasons.joined(separator: ", ")))"))
        }
        let detail: String
        switch pool.method {
        case .roundRobin, .weighted:
            detail = ", pool `\(pool.id)`, \(pool.method == .weighted ? "weighted round robin" : "round robin"), turn \(chosen.index + 1) of \(turns.count)"
        case .leastLoaded:
            // fewest open leads against capacity (or fewest open leads where someone has no capacity); ties go
            // in turn from the pool's next turn, so equal loads share leads evenly
            let shareByCapacity = candidates.allSatisfy { $0.person.capacity != nil }
            func share(_ p: Person) -> Double {
                let open = Double(loadOpen(p.id, load))
                return shareByCapacity ? open / Double(max(1, p.capacity!)) : open
            }
            for c in candidates.dropFirst() where share(c.person) < share(chosen.person) { chosen = c }
            let open = loadOpen(chosen.person.id, load)
            detail = ", pool `\(pool.id)`, least loaded (\(open)\(chosen.person.capacity.map { " of \($0)" } ?? "") open)"
        }
        return .success(RoutingDecision(owner: chosen.person.id, rule: nil, pool: pool.id, nextTurn: chosen.index + 1, reason: detail))
    }

    private func loadOpen(_ id: String, _ load: RoutingLoad) -> Int { load.openLeads[id] ?? 0 }

    struct PickFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

extension Engine {
    /// Whether a routing rule's condition holds for the lead, as fit rules are evaluated (its grades are the
    /// router's to check).
    public func routingMatches(_ rule: RoutingRule, state: LeadState) -> Bool {
        guard let when = rule.when else { return true }
        return evaluate(when, fields: state.fields, kinds: compiled.lists.kinds(of: state.key))
    }
}
