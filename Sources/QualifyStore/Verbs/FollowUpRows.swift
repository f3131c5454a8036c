import QualifyCore

/// A lead row as the follow-up list reads it: its queue columns, its follow-up due time or hold, and its state (the
/// step and the next-best offer are worked out from it).
public struct FollowUpRow: Sendable {
    public var row: QueueRow
    public var dueAt: Timestamp?
    public var hold: String?
    public var state: LeadState
    public init(row: QueueRow, dueAt: Timestamp?, hold: String?, state: LeadState) {
        self.row = row
        self.dueAt = dueAt
        self.hold = hold
        self.state = state
    }
}

/// Where a page of due follow-ups ended: the last row's due time and id.
public struct FollowUpCursor: Sendable, Hashable {
    public var dueAt: Timestamp
    public var id: Int64
    public init(dueAt: Timestamp, id: Int64) {
        self.dueAt = dueAt
        self.id = id
    }
}
