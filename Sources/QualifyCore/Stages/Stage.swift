/// Where a lead stands in the buyer's journey.
///
/// Automatic moves (from the model's criteria) only go forward: `new`/`recycled` → IQL → MQL → SQL. People move leads
/// with a ``StageAction`` and a reason, including backwards (recycle) and out (disqualify).
public enum Stage: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// known, but has not yet done anything the model qualifies
    case new
    /// information qualified: gave contact details for something useful (awareness)
    case iql
    /// marketing qualified: came back for more (consideration)
    case mql
    /// sales qualified: asked for a demo, trial, consultation or to talk to sales (decision)
    case sql
    /// sales accepted the SQL and is working it
    case opportunity
    case customer
    /// sent back to nurture by a person; automatic moves start again from here, counting only newer events
    case recycled
    /// a person ruled the lead out; no automatic move until a person moves it again
    case disqualified

    /// A stage as screens print it, in any case (`SQL`, `mql`); nil otherwise.
    public init?(text: String) { self.init(rawValue: text.lowercased()) }

    /// The stages a model can define criteria for, in order.
    public static let qualifying: [Stage] = [.iql, .mql, .sql]

    /// Position on the forward path, or nil where automatic moves are frozen.
    public var forwardRank: Int? {
        switch self {
        case .new, .recycled: return 0
        case .iql: return 1
        case .mql: return 2
        case .sql: return 3
        case .opportunity: return 4
        case .customer: return 5
        case .disqualified: return nil
        }
    }

    /// Whether the model may move a lead from `self` to `target` on its own.
    public func allowsAutomaticMove(to target: Stage) -> Bool {
        guard let from = forwardRank, let to = target.forwardRank else { return false }
        return to > from
    }

    /// Whether a CRM stage imported with the lead's fields (``ImportSection``) moves a lead from `self` to `target`:
    /// to customer or disqualified always (the CRM records a person's decision); to recycled as a person's recycle may;
    /// along the path only forward — events may have qualified the lead further since the CRM's export.
    public func allowsImportedMove(to target: Stage) -> Bool {
        guard target != self else { return false }
        switch target {
        case .customer, .disqualified: return true
        case .recycled: return ![.new, .recycled, .customer].contains(self)
        default: return allowsAutomaticMove(to: target)
        }
    }

    public var label: String {
        switch self {
        case .new, .recycled, .opportunity, .customer, .disqualified: return rawValue
        case .iql, .mql, .sql: return rawValue.uppercased()
        }
    }
}

/// What a person can do to a lead's stage.
public enum StageAction: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// back to nurture (from any stage but new, recycled and customer)
    case recycle
    /// rule the lead out
    case disqualify
    /// sales accepts an SQL: it becomes an opportunity
    case accept
    /// sales rejects an SQL: it goes back to nurture (recycled)
    case reject
    /// the deal is won: the SQL or opportunity becomes a customer (an outcome, counted by the calibration report)
    case win
    /// the deal is lost: the SQL or opportunity goes back to nurture (recycled; an outcome for the calibration report)
    case lose

    /// The stage after the action, or why the action does not apply to a lead in `stage`.
    /// Whether the move records a deal's outcome (won or lost), nil for other moves.
    public var outcome: Bool? {
        switch self {
        case .win: return true
        case .lose: return false
        case .recycle, .disqualify, .accept, .reject: return nil
        }
    }

    /// Used to check a person's request; a replay applies recorded moves with ``forcedTarget``.
    public func target(from stage: Stage) -> Result<Stage, StageMoveProblem> {
        switch self {
        case .recycle:
            switch stage {
            case .new, .recycled, .customer: return .failure(.notAllowed(self, stage, "only qualified, opportunity or disqualified leads can be recycled"))
            case .iql, .mql, .sql, .opportunity, .disqualified: return .success(.recycled)
            }
        case .disqualify:
            switch stage {
            case .disqualified, .customer: return .failure(.notAllowed(self, stage, "the lead is already \(stage.label)"))
            case .new, .iql, .mql, .sql, .opportunity, .recycled: return .success(.disqualified)
            }
        case .accept:
            switch stage {
            case .sql: return .success(.opportunity)
            case .new, .iql, .mql, .opportunity, .customer, .recycled, .disqualified:
                return .failure(.notAllowed(self, stage, "only SQL leads can be accepted"))
            }
        case .reject:
            switch stage {
            case .sql: return .success(.recycled)
            case .new, .iql, .mql, .opportunity, .customer, .recycled, .disqualified:
                return .failure(.notAllowed(self, stage, "only SQL leads can be rejected"))
            }
        case .win, .lose:
            switch stage {
            case .sql, .opportunity: return .success(self == .win ? .customer : .recycled)
            case .new, .iql, .mql, .customer, .recycled, .disqualified:
                return .failure(.notAllowed(self, stage, "only an SQL or an opportunity has a deal to \(self == .win ? "win" : "lose")"))
            }
        }
    }

    /// The stage a recorded move leads to in a replay, whatever stage the lead is in under the replayed model:
    /// a person's decision stands.
    public var forcedTarget: Stage {
        switch self {
        case .recycle, .reject, .lose: return .recycled
        case .disqualify: return .disqualified
        case .accept: return .opportunity
        case .win: return .customer
        }
    }
}

public enum StageMoveProblem: Error, Sendable, Hashable, CustomStringConvertible {
    case notAllowed(StageAction, Stage, String)
    case emptyReason
    /// The model lists reason codes for the action, and none was given.
    case missingCode(StageAction, [String])
    case unknownCode(StageAction, String, [String])
    /// A code was given for an action the model lists none for.
    case noCodes(StageAction)

    public var description: String {
        switch self {
        case .notAllowed(let action, let stage, let why): return "cannot \(action.rawValue) a lead in stage \(stage.label): \(why)"
        case .emptyReason: return "a reason is required for a person's stage move (--reason TEXT)"
        case .missingCode(let action, let codes):
            return "the model asks for a reason code to \(action.rawValue) a lead: one of \(codes.joined(separator: ", ")) (--code)"
        case .unknownCode(let action, let code, let codes):
            let hint = Spelling.closest(to: code, in: codes).map { " (did you mean '\($0)'?)" } ?? ""
            return "'\(code)' is not a reason code to \(action.rawValue)\(hint); the model's codes are: \(codes.joined(separator: ", "))"
        case .noCodes(let action): return "the model lists no reason codes to \(action.rawValue); leave the code out"
        }
    }
}

/// One move of a lead between stages, with why.
public struct StageChange: Sendable, Hashable, Codable {
    public var from: Stage
    public var to: Stage
    public var at: Timestamp
    public var eventID: EventID
    public var reason: String
    /// `model` for automatic moves, else the person who moved it.
    public var by: String

    public init(from: Stage, to: Stage, at: Timestamp, eventID: EventID, reason: String, by: String) {
        self.from = from
        self.to = to
        self.at = at
        self.eventID = eventID
        self.reason = reason
        self.by = by
    }
}

extension StageAction {
    /// A person's move of a lead now at `stage`: checked (``target(from:)``) and turned into the event that records
    /// it and the change it makes — the same change a replay of that event makes (``Engine``).
    ///
    /// `codes`: the model's reason codes for this action (``HandoffSection/reasons``); when there are some, `code`
    /// must be one of them, so reports can count why leads are sent back.
    public func request(from stage: Stage, lead: LeadKey, reason: String, by: String, id: EventID, at: Timestamp,
                        code: String? = nil, codes: [String]? = nil)
        -> Result<(event: Event, change: StageChange), StageMoveProblem>
    {
        let code = code?.trimmingSpaces.lowercased()
        if let codes, !codes.isEmpty {
            guard let code, !code.isEmpty else { return .failure(.missingCode(self, codes)) }
            guard codes.contains(code) else { return .failure(.unknownCode(self, code, codes)) }
        } else if let code, !code.isEmpty {
            return .failure(.noCodes(self))
        }
        let given = code.flatMap { $0.isEmpty ? nil : $0 }
        return target(from: stage).map { target in
            (Event(id: id, lead: lead, at: at, kind: .stageMove(action: self, reason: reason, by: by, code: given)),
             StageChange(from: stage, to: target, at: at, eventID: id, reason: changeReason(reason, code: given), by: by))
        }
    }

    /// How a person's move reads in the stage history: the action, the reason code if any, then the reason they gave.
    public func changeReason(_ reason: String, code: String? = nil) -> String {
        code.map { "\(rawValue) [\($0)]: \(reason)" } ?? "\(rawValue): \(reason)"
    }
}
