/// A lead's identity: its normalized email address (see ``EmailAddress/normalized(_:)``).
public struct LeadKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let email: String
    /// Wraps an already-normalized address; use `EmailAddress.identity(_:)` (QualifyStore) for user input.
    public init(normalizedEmail: String) { self.email = normalizedEmail }
    public var description: String { email }
    public static func < (lhs: LeadKey, rhs: LeadKey) -> Bool { lhs.email < rhs.email }
    public init(from decoder: any Decoder) throws { email = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(email)
    }
    /// The part after `@`, used to link the lead to its account.
    public var domain: String {
        guard let at = email.lastIndex(of: "@") else { return "" }
        return String(email[email.index(after: at)...])
    }
}

/// A client-chosen event id. The same id twice is one event.
public struct EventID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: EventID, rhs: EventID) -> Bool { lhs.rawValue < rhs.rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A rule's id inside a model (`decision-maker`, `pricing-page`).
public typealias RuleID = String
