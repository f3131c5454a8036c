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
    /// Domains as written that are not plain ASCII (`münchen.de`, `XN--MNCHEN-3YA.DE`, `acme..com`) and what
    /// ``IDNA/domain(_:normalize:)`` made of them: a few IDNs recur in every list, and converting one costs more than
    /// all the other checks of an address together.
    private var names: [String: Result<DomainName, HygieneFailure>] = [:]
    /// Domains kept at most; the memo starts over when full. 0 keeps nothing.
    public let capacity: Int

    /// `reserve` sets room for that many domains up front, so a memo that lives long does not grow step by step.
    public init(capacity: Int = 20_000, reserve: Int = 0) {
        self.capacity = capacity
        if reserve > 0 { known.reserveCapacity(min(reserve, capacity)) }
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

    /// Both forms of a domain as written: remembered, or converted by `convert` and remembered.
    mutating func domainName(for text: String, convert: () -> Result<DomainName, HygieneFailure>) -> Result<DomainName, HygieneFailure> {
        guard capacity > 0 else { return convert() }
        if let r = names[text] { return r }
        let r = convert()
        if names.count >= capacity { names.removeAll(keepingCapacity: true) }
        names[text] = r
        return r
    }

    public var count: Int { known.count }
}
