/// A trained model applied to one lead's fields, with the flags where the three signals (fit grade, engagement
/// temperature, predicted chance) and the stage disagree.
public enum LeadPrediction {
    /// The lead field that holds a training column's value: the column's own name if the lead has it, else the
    /// field a lead import of the training file fills from that column (recorded in the model: `Lead Origin` →
    /// `lead_source`, then `Lead Source` → `lead_source_2`, as the import keeps two columns of one meaning), else —
    /// for a model trained before that was recorded — the field the header alone maps to, so leads imported from a
    /// file like the training file are scored on the same values. Missing fields score as missing cells.
    public static func cells(for model: TrainedModel, fields: [String: String], activity: [String: String] = [:]) -> [String] {
        model.features.map { feature in
            activity[feature.column] ?? fields[feature.column] ?? fields[feature.leadField ?? LeadFields.field(forHeader: feature.column)] ?? ""
        }
    }

    /// The probability and (unless `explain` is false) the top factors for a lead.
    public static func score(_ model: TrainedModel, fields: [String: String], activity: [String: String] = [:],
                             explain: Bool = true) throws(ScoringError) -> ScoredRow {
        let scorer = try Scorer(model, headers: model.features.map(\.column))
        return scorer.score(cells(for: model, fields: fields, activity: activity), explain: explain)
    }

    /// Features from a lead's history at `asOf`, named as `qualify train --from-store` writes them: `events_TYPE`
    /// (activities of each type so far), `days_since_last_activity`, `fit_points`, `engagement` (decayed to `asOf`).
    public static func activity(events: [Event], card: LeadCard, asOf: Timestamp) -> [String: String] {
        var out: [String: String] = [:]
        var last: Timestamp?
        for event in events where event.at <= asOf {
            guard case .activity(let type, _) = event.kind else { continue }
            out["events_" + type] = String((Int(out["events_" + type] ?? "0") ?? 0) + 1)
            last = max(last ?? event.at, event.at)
        }
        if let last { out["days_since_last_activity"] = String((asOf.millis - last.millis) / 86_400_000) }
        out["fit_points"] = String(card.fitPoints)
        out["engagement"] = card.engagement.formatted(2)
        return out
    }
}

/// Where the signals point different ways, worth a person's look.
public enum SignalFlag: String, Sendable, Hashable, Codable, CaseIterable {
    /// Hot, but grade C or D: interested, but not who we sell to (a student, a competitor, the wrong size).
    case hotButPoorFit = "hot_but_poor_fit"
    /// Grade A, but cold: exactly who we sell to, and not engaging — nurture or reach out.
    case greatFitButCold = "great_fit_but_cold"
    /// The model gives at least an even chance, but the lead is still new or IQL: the rules may be too strict.
    case likelyButEarly = "likely_but_early"

    public var sentence: String {
        switch self {
        case .hotButPoorFit: return "hot but a poor fit (grade C or D)"
        case .greatFitButCold: return "a great fit (grade A) but cold"
        case .likelyButEarly: return "a likely buyer (chance ≥ 50 %) but still new or IQL"
        }
    }

    public static func flags(grade: Grade, temperature: Temperature, stage: Stage, probability: Double?) -> [SignalFlag] {
        var out: [SignalFlag] = []
        if temperature == .hot, grade == .c || grade == .d { out.append(.hotButPoorFit) }
        if grade == .a, temperature == .cold { out.append(.greatFitButCold) }
        if let p = probability, p >= 0.5, stage == .new || stage == .iql { out.append(.likelyButEarly) }
        return out
    }
}
