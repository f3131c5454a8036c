/// One thing that happened to a lead, at a time. Events are immutable and are the truth: a lead's scores, ledger and
/// stage are a fold of its events (see ``Engine``).
///
/// Three kinds share one log so that a replay reproduces everything, including what people did:
/// - an **activity** the lead did (`page_view`, `demo_request`, any custom type);
/// - a **fields update** (an import or an API upsert changed who the lead is, so fit may change);
/// - a **stage move** made by a person (recycle, disqualify, accept, reject, win, lose) with a reason.
public struct Event: Sendable, Hashable, Codable {
    public var id: EventID
    public var lead: LeadKey
    public var at: Timestamp
    public var kind: Kind

    public enum Kind: Sendable, Hashable, Codable {
        case activity(type: String, properties: [String: String])
        case fieldsUpdate(fields: [String: String], source: String)
        /// `code`: one of the model's reason codes for the action (``HandoffSection/reasons``), when it lists some.
        case stageMove(action: StageAction, reason: String, by: String, code: String?)
        /// The lead given to a salesperson: by routing (`by` is `routing`) or by a person reassigning it. A recorded
        /// decision: a replay sets the same owner, it never routes again.
        case assignment(owner: String, reason: String, by: String)
        /// A step of the SLA's escalation fired (``EscalationStep``): step `step` (from 0) of the assignment made at
        /// `assigned`, with what it did. It counts only while that assignment stands.
        case escalation(step: Int, action: EscalationStep.Action, note: String, assigned: Timestamp)
    }

    public init(id: EventID, lead: LeadKey, at: Timestamp, kind: Kind) {
        self.id = id
        self.lead = lead
        self.at = at
        self.kind = kind
    }

    public static func activity(
        id: String, lead: LeadKey, type: String, at: Timestamp, properties: [String: String] = [:]
    ) -> Event {
        Event(id: EventID(id), lead: lead, at: at, kind: .activity(type: type, properties: properties))
    }

    /// The stored type name: the activity type, or a reserved `$`-prefixed name for the other kinds.
    public var typeName: String {
        switch kind {
        case .activity(let type, _): return type
        case .fieldsUpdate: return Event.fieldsUpdateType
        case .stageMove: return Event.stageMoveType
        case .assignment: return Event.assignmentType
        case .escalation: return Event.escalationType
        }
    }

    public static let fieldsUpdateType = "$fields"
    public static let stageMoveType = "$stage"
    public static let assignmentType = "$assign"
    public static let escalationType = "$sla"

    /// Events of one lead are folded in this order: time, then id (so ties are deterministic).
    public var order: EventOrder { EventOrder(at: at, id: id) }
}

public struct EventOrder: Sendable, Hashable, Codable, Comparable {
    public var at: Timestamp
    public var id: EventID
    public init(at: Timestamp, id: EventID) {
        self.at = at
        self.id = id
    }
    public static func < (lhs: EventOrder, rhs: EventOrder) -> Bool {
        lhs.at != rhs.at ? lhs.at < rhs.at : lhs.id < rhs.id
    }
}

/// Why an incoming activity cannot be accepted. Checked before anything is written.
public enum EventRejection: Sendable, Hashable, Codable, CustomStringConvertible {
    case emptyID
    case idTooLong(Int)
    /// Ids starting with '$' are the product's own (routing's assignments).
    case reservedID(String)
    case emptyType
    case reservedType(String)
    case invalidType(String)
    case inFuture(Timestamp, now: Timestamp)
    case unknownLead(String)
    case invalidEmail(String, reason: String)
    case invalidTimestamp(String)
    case tooManyProperties(Int)
    case propertyTooLong(String)
    case propertyNameTooLong(String)
    case nulCharacter(String)

    public var description: String {
        switch self {
        case .emptyID: return "event id is empty (give every event a unique id so retries are idempotent)"
        case .idTooLong(let n): return "event id is \(n) characters long (at most \(EventLimits.maxIDLength))"
        case .reservedID(let id): return "event id '\(id.prefix(80))' starts with '$', which is reserved for the product's own events; use another id"
        case .emptyType: return "event type is empty (e.g. page_view, demo_request)"
        case .reservedType(let t): return "event type '\(t)' is reserved (types starting with '$' are internal)"
        case .invalidType(let t):
            return "event type '\(t)' has characters other than letters, digits, '_', '-', '.' or ':' (at most \(EventLimits.maxTypeLength))"
        case .inFuture(let at, let now):
            return "timestamp \(at) is in the future (now is \(now); clocks may differ by at most \(EventLimits.futureTolerance))"
        case .unknownLead(let email):
            return "no lead with email '\(email)' (import the lead first, or allow creating leads from events)"
        case .invalidEmail(let email, let reason): return "email '\(email)' is not valid: \(reason)"
        case .invalidTimestamp(let text): return "timestamp '\(text)' is not an ISO-8601 date-time (e.g. 2026-03-01T10:15:00Z)"
        case .tooManyProperties(let n): return "event has \(n) properties (at most \(EventLimits.maxProperties))"
        case .propertyTooLong(let key): return "property '\(key)' is longer than \(EventLimits.maxPropertyLength) characters"
        case .nulCharacter(let field): return "\(field) contains a NUL character (U+0000), which text cannot hold; remove it"
        case .propertyNameTooLong(let key): return "property name '\(key.prefix(80))' is longer than \(EventLimits.maxTypeLength) characters"
        }
    }
}

/// ASCII letters, digits and `_-.:` (the common case, checked without Unicode tables).
@inline(__always)
func isTypeByte(_ b: UInt8) -> Bool {
    (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 45 || b == 46 || b == 58
}

public enum EventLimits {
    public static let maxIDLength = 200
    public static let maxTypeLength = 64
    public static let maxProperties = 50
    public static let maxPropertyLength = 4096
    public static let futureTolerance = TimeSpan(millis: 5 * 60_000)

    /// Checks an incoming activity against the limits above; `now` is the time of ingest.
    public static func check(id: String, type: String, at: Timestamp, properties: [String: String], now: Timestamp)
        -> EventRejection?
    {
        if id.isEmpty { return .emptyID }
        if id.utf8.count > maxIDLength { return .idTooLong(id.utf8.count) }
        if id.hasPrefix("$") { return .reservedID(id) }
        if type.isEmpty { return .emptyType }
        if type.hasPrefix("$") { return .reservedType(type) }
        if type.utf8.count > maxTypeLength || !type.utf8.allSatisfy(isTypeByte) && !type.unicodeScalars.allSatisfy({
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.:".unicodeScalars.contains($0)
        }) {
            return .invalidType(type)
        }
        if at > now.adding(futureTolerance) { return .inFuture(at, now: now) }
        if properties.count > maxProperties { return .tooManyProperties(properties.count) }
        if let long = properties.keys.first(where: { $0.utf8.count > maxTypeLength }) {
            return .propertyNameTooLong(long)
        }
        if let long = properties.first(where: { $0.value.utf8.count > maxPropertyLength }) {
            return .propertyTooLong(long.key)
        }
        if id.utf8.contains(0) { return .nulCharacter("event id") }
        for (name, value) in properties where name.utf8.contains(0) || value.utf8.contains(0) {
            return .nulCharacter("property '\(name.filter { $0 != "\u{0}" })'")
        }
        return nil
    }
}
