/// One line of a lead's ledger: a rule added or removed points because of an event.
/// The lead's fit points are the sum of its fit entries; its engagement at any time is the sum of its engagement
/// entries, each decayed from its own time.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case fit, engagement
    }

    public var kind: Kind
    public var ruleID: RuleID
    /// The score group (engagement only).
    public var group: String?
    public var eventID: EventID
    public var eventType: String
    public var at: Timestamp
    public var points: Int
    /// Why the points differ from the rule's (a cap, a fit rule that stopped matching), if they do.
    public var note: String?

    public init(kind: Kind, ruleID: RuleID, group: String?, eventID: EventID, eventType: String, at: Timestamp,
                points: Int, note: String? = nil) {
        self.kind = kind
        self.ruleID = ruleID
        self.group = group
        self.eventID = eventID
        self.eventType = eventType
        self.at = at
        self.points = points
        self.note = note
    }

    /// What this entry is worth at `now` (engagement decays; fit does not).
    public func value(at now: Timestamp, halfLife: TimeSpan) -> Double {
        switch kind {
        case .fit: return Double(points)
        case .engagement: return Double(points) * Decay.factor(from: at, to: now, halfLife: halfLife)
        }
    }
}

/// What applying one event did.
public struct Application: Sendable, Hashable {
    public var ledger: [LedgerEntry] = []
    public var stageChanges: [StageChange] = []
    public init() {}
}

extension LedgerEntry {
    /// What earned the points, in words for a card (`fields update`, `stage move`, or the event's type and id).
    public var cause: String {
        switch eventType {
        case Event.fieldsUpdateType: return "fields update"
        case Event.stageMoveType: return "stage move"
        case Event.assignmentType: return "assignment"
        case Event.escalationType: return "SLA escalation"
        default: return "\(eventType) \(eventID)"
        }
    }
}
