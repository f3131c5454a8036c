import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    /// Priority is grade × temperature: (grade rank 1–4) × (temperature rank 1–3), lower first — A-hot 1, A-warm and
    /// B-hot 2, … D-cold 12 — then engagement now. Temperature at `now` is read off the amplitude column: a lead is
    /// hot when its amplitude is at least `hot·2^((now−epoch)/h)` (see ``Decay``), so no row is touched to decay.
    public func queue(_ query: QueueQuery, now: Timestamp) async throws -> [LeadSummary] {
        try await read { db in
            let mv = try Self.requireModel(db)
            let main = mv.model.engagement.main
            let growth = 1 / Decay.factor(from: Decay.epoch, to: now, halfLife: main.halfLife)
            let hotAmp = main.temperature.hot * growth
            let warmAmp = main.temperature.warm * growth
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let stage = query.stage {
                conditions.append("stage = ?")
                _ = arguments.append(contentsOf: [stage.rawValue])
            } else {
                conditions.append("stage NOT IN ('disqualified', 'customer')")
            }
            if let grade = query.grade {
                conditions.append("grade = ?")
                _ = arguments.append(contentsOf: [grade.rawValue])
            }
            switch query.temperature {
            case .hot?:
                conditions.append("engagement_amp >= ?")
                _ = arguments.append(contentsOf: [hotAmp])
            case .warm?:
                conditions.append("engagement_amp >= ? AND engagement_amp < ?")
                _ = arguments.append(contentsOf: [warmAmp, hotAmp])
            case .cold?:
                conditions.append("engagement_amp < ?")
                _ = arguments.append(contentsOf: [warmAmp])
            case nil: break
            }
            if let owner = query.owner {
                conditions.append("owner = ?")
                _ = arguments.append(contentsOf: [owner])
            }
            if let since = query.updatedSince {
                conditions.append("updated_at >= ?")
                _ = arguments.append(contentsOf: [since.millis])
            }
            _ = arguments.append(contentsOf: [hotAmp, warmAmp, max(0, query.limit), max(0, query.offset)])
            let sql = """
                SELECT email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner
                FROM lead WHERE \(conditions.joined(separator: " AND "))
                ORDER BY (grade_rank + 1) * (CASE WHEN engagement_amp >= ? THEN 1 WHEN engagement_amp >= ? THEN 2 ELSE 3 END),
                         grade_rank, engagement_amp DESC, email
                LIMIT ? OFFSET ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let amp: Double = row[6]
                let engagement = amp / growth
                return LeadSummary(
                    email: row[0], name: row[1], company: row[2], grade: Grade(rawValue: row[3]) ?? .d,
                    fitPoints: row[4], engagement: engagement,
                    temperature: main.temperature.temperature(for: engagement),
                    stage: Stage(rawValue: row[5]) ?? .new,
                    lastActivity: (row[7] as Int64?).map(Timestamp.init(millis:)), owner: row[8])
            }
        }
    }
}
