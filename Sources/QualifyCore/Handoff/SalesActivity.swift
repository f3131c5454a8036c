/// What a salesperson logs on a lead: a call, an email, a meeting or a note, with an outcome. Each is an event in the
/// lead's log (type `sales.call`, …; properties `outcome`, `note`, `by`), scored if the model has engagement rules
/// for it, and shown on the card's timeline with who and when.
public enum SalesActivity: String, Sendable, Hashable, CaseIterable {
    case call, email, meeting, note

    public var eventType: String { "sales.\(rawValue)" }

    public init?(eventType: String) {
        guard eventType.hasPrefix("sales.") else { return nil }
        self.init(rawValue: String(eventType.dropFirst(6)))
    }

    /// The outcomes each kind records (reports count them); a note has none.
    public var outcomes: [String] {
        switch self {
        case .call: return ["connected", "voicemail", "no_answer", "busy", "wrong_number"]
        case .email: return ["sent", "replied", "bounced"]
        case .meeting: return ["held", "no_show", "rescheduled", "cancelled"]
        case .note: return []
        }
    }

    /// The longest note kept (a property's limit).
    public static let maxNote = EventLimits.maxPropertyLength

    /// The properties of the event recording it, checked: a known outcome for the kind (required for a call, an
    /// email or a meeting), a note for a note, someone who did it.
    public func properties(outcome: String?, note: String?, by: String) -> Result<[String: String], SalesActivityProblem> {
        let outcome = outcome?.trimmingSpaces.lowercased().replacingDashes
        let note = note?.trimmingSpaces
        if by.trimmingSpaces.isEmpty { return .failure(.nobody) }
        switch self {
        case .note:
            if outcome?.isEmpty == false { return .failure(.outcomeOnNote) }
            guard let note, !note.isEmpty else { return .failure(.emptyNote) }
        case .call, .email, .meeting:
            guard let outcome, !outcome.isEmpty else { return .failure(.missingOutcome(self)) }
            guard outcomes.contains(outcome) else { return .failure(.unknownOutcome(self, outcome)) }
        }
        if let note, note.utf8.count > Self.maxNote { return .failure(.noteTooLong(note.utf8.count)) }
        var p = ["by": by.trimmingSpaces]
        if let outcome, !outcome.isEmpty { p["outcome"] = outcome }
        if let note, !note.isEmpty { p["note"] = note }
        return .success(p)
    }
}

public enum SalesActivityProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case missingOutcome(SalesActivity)
    case unknownOutcome(SalesActivity, String)
    case outcomeOnNote
    case emptyNote
    case noteTooLong(Int)
    case nobody

    /// The input at fault (`outcome`, `note`, `by`).
    public var field: String {
        switch self {
        case .missingOutcome, .unknownOutcome, .outcomeOnNote: return "outcome"
        case .emptyNote, .noteTooLong: return "note"
        case .nobody: return "by"
        }
    }

    public var description: String {
        switch self {
        case .missingOutcome(let kind):
            return "a \(kind.rawValue) needs an outcome: one of \(kind.outcomes.joined(separator: ", "))"
        case .unknownOutcome(let kind, let outcome):
            return "'\(outcome)' is not an outcome of a \(kind.rawValue); expected one of \(kind.outcomes.joined(separator: ", "))"
        case .outcomeOnNote: return "a note has no outcome; leave it out (or log a call, email or meeting)"
        case .emptyNote: return "a note needs text"
        case .noteTooLong(let n): return "the note is \(n) bytes long; at most \(SalesActivity.maxNote)"
        case .nobody: return "say who did it (the salesperson's name)"
        }
    }
}

extension String {
    /// `no-answer` → `no_answer`.
    var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}

/// One line of a lead's timeline: what happened, who did it, when.
public struct TimelineEntry: Sendable, Hashable, Codable {
    public var at: Timestamp
    /// The event's type (`sales.call`, `page_view`, `$stage`, `$assign`, `$fields`).
    public var type: String
    public var by: String?
    public var text: String

    public init(at: Timestamp, type: String, by: String?, text: String) {
        self.at = at
        self.type = type
        self.by = by
        self.text = text
    }

    /// The latest `limit` events up to `asOf`, newest first, each in words.
    public static func timeline(of events: [Event], asOf: Timestamp, limit: Int = 30) -> [TimelineEntry] {
        events.filter { $0.at <= asOf }.sorted { $0.order > $1.order }.prefix(limit).map(entry)
    }

    static func entry(_ event: Event) -> TimelineEntry {
        switch event.kind {
        case .activity(let type, let p):
            if let kind = SalesActivity(eventType: type) {
                let text = [kind.rawValue + (p["outcome"].map { ": " + String($0.map { $0 == "_" ? " " : $0 }) } ?? ""), p["note"]]
                    .compactMap { $0 }.joined(separator: " — ")
                return TimelineEntry(at: event.at, type: type, by: p["by"], text: text)
            }
            let detail = ["url", "title", "campaign", "source"].compactMap { k in p[k].map { "\(k) \($0)" } }.joined(separator: ", ")
            return TimelineEntry(at: event.at, type: type, by: nil, text: detail.isEmpty ? type : "\(type) (\(detail))")
        case .fieldsUpdate(let fields, let source):
            let answers = fields.keys.filter { $0.hasPrefix(Checklist.fieldPrefix) }.count
            var parts = fields.keys.filter { !$0.hasPrefix(Checklist.fieldPrefix) }.sorted()
            if answers > 0 { parts.append(answers == 1 ? "1 checklist answer" : "\(answers) checklist answers") }
            return TimelineEntry(at: event.at, type: event.typeName, by: nil, text: "fields from \(source): \(parts.joined(separator: ", "))")
        case .stageMove(let action, let reason, let by, let code):
            return TimelineEntry(at: event.at, type: event.typeName, by: by, text: action.changeReason(reason, code: code))
        case .assignment(let owner, let reason, let by):
            return TimelineEntry(at: event.at, type: event.typeName, by: by, text: "assigned to \(owner): \(reason)")
        case .escalation(let step, let action, let note, _):
            return TimelineEntry(at: event.at, type: event.typeName, by: "sla", text: "SLA escalation \(step + 1) (\(action.rawValue)): \(note)")
        }
    }
}
