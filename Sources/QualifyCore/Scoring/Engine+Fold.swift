/// How a store brings a lead's state up to date with newly stored events, one rule for every store and path.
extension Engine {
    /// Applies `newEvents` (sorted here) to `state` when they all come after its latest event, and returns the stage
    /// changes they caused; nil, with `state` untouched, when one is older (a late event: the lead must be replayed
    /// with ``replay(_:log:previous:)``). Only for a state folded under this engine's model.
    public func applyInOrder(_ newEvents: [Event], to state: inout LeadState) -> [StageChange]? {
        let sorted = newEvents.count > 1 ? newEvents.sorted { $0.order < $1.order } : newEvents
        guard let first = sorted.first else { return [] }
        if let last = state.last, !(last < first.order) { return nil }
        var changes: [StageChange] = []
        for event in sorted { changes += apply(event, to: &state).stageChanges }
        return changes
    }

    /// Replays a lead's whole `log` (the new events included) and returns its state with the stage changes that are
    /// new effects: the moves of the replayed history beyond those of the `previous` one (the stored state's), matched
    /// by the stage they enter. A move already recorded is never a new effect again, whichever event now causes it
    /// (a late demo request before the recorded one does not make the lead "become SQL" twice), and a move an old
    /// event makes only now (a late event raised its score past a threshold) is one.
    public func replay(_ key: LeadKey, log: [Event], previous: [StageChange]) -> (state: LeadState, changes: [StageChange]) {
        let state = replay(key, events: log).state
        var recorded: [Stage: Int] = [:]
        for change in previous { recorded[change.to, default: 0] += 1 }
        var changes: [StageChange] = []
        for change in state.stageHistory {
            if let n = recorded[change.to], n > 0 { recorded[change.to] = n - 1 } else { changes.append(change) }
        }
        return (state, changes)
    }
}

extension StageChange {
    /// The move a rescore under another model version makes, when the replayed stage differs from the stored one.
    public static func rescore(from before: Stage, to after: LeadState, model: QualificationModel, version: Int,
                               at: Timestamp) -> StageChange? {
        before == after.stage ? nil : StageChange(
            from: before, to: after.stage, at: at, eventID: after.last?.id ?? EventID(""),
            reason: "rescore under model version \(version) (\(model.name))", by: "model")
    }
}

extension LeadState {
    /// The main engagement group's amplitude (what the queue orders and filters by; see ``Decay``).
    public func mainAmplitude(_ model: QualificationModel) -> Double {
        groups[EngagementSection.mainGroup]?.amplitude(halfLife: model.engagement.main.halfLife) ?? 0
    }
}

extension LeadFields {
    /// The person's name from the first- and last-name fields, nil when neither is there.
    public static func personName(_ fields: [String: String]) -> String? {
        let name = [fields["first_name"], fields["last_name"]].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? nil : name
    }
}
