/// What the domain checks found for one domain: reserved or not, a typo suggestion, the list class.
public struct DomainFacts: Sendable, Hashable {
    public var reserved: Bool
    /// The corrected domain (Unicode form) when the domain looks mistyped.
    public var suggestion: String?
    public var listClass: HygieneLists.DomainClass

    public init(reserved: Bool, suggestion: String?, listClass: HygieneLists.DomainClass) {
        self.reserved = reserved
        self.suggestion = suggestion
        self.listClass = listClass
    }
}

/// A memo of ``DomainFacts`` by domain, owned by the caller and passed to ``EmailVerifier/verify(_:memo:)``: lists
/// repeat their domains (gmail.com, the company's own), so each distinct domain is checked once. A value, not a cache
/// hidden in the verifier: the core keeps no state between calls.
public struct DomainMemo: Sendable {
    private var known: [String: DomainFacts] = [:]
    /// Domains kept at most; the memo starts over when full. 0 keeps nothing.
    public let capacity: Int

    public init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    /// The facts for a domain: remembered, or computed by `compute` and remembered.
    public mutating func facts(for domain: String, compute: () -> DomainFacts) -> DomainFacts {
        guard capacity > 0 else { return compute() }
        if let f = known[domain] { return f }
        let f = compute()
        if known.count >= capacity { known.removeAll(keepingCapacity: true) }
        known[domain] = f
        return f
    }

    public var count: Int { known.count }
}
