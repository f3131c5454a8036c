/// A lead's deal outcome: its latest `win` or `lose` move (a later move overrides an earlier one), or nil when no
/// deal was decided. The one rule the calibration report, training from the store and the store profile share.
public struct DealOutcome: Sendable, Hashable {
    public var at: Timestamp
    public var won: Bool

    public static func latest(in events: [Event]) -> DealOutcome? {
        var outcome: DealOutcome?
        for event in events {
            if case .stageMove(let action, _, _, _) = event.kind, let won = action.outcome { outcome = DealOutcome(at: event.at, won: won) }
        }
        return outcome
    }
}
