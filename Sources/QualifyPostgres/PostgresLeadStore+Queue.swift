#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    /// Priority is grade × temperature: (grade rank 1–4) × (temperature rank 1–3), lower first — A-hot 1, A-warm and
    /// B-hot 2, … D-cold 12 — then engagement now. Temperature at `now` is read off the amplitude column: a lead is
    /// hot when its amplitude is at least `hot·2^((now−epoch)/h)` (see ``Decay``), so no row is touched to decay.
    /// Every filter is a parameter that may be null (one statement, no SQL built from input).
    public func queue(_ query: QueueQuery, now: Timestamp) async throws -> [LeadSummary] {
        let logger = self.logger
        return try await read { db in
            let mv = try await Self.requireModel(db, logger: logger)
            let main = mv.model.engagement.main
            let growth = 1 / Decay.factor(from: Decay.epoch, to: now, halfLife: main.halfLife)
            let hotAmp = main.temperature.hot * growth
            let warmAmp = main.temperature.warm * growth
            let minAmp: Double?
            let belowAmp: Double?
            switch query.temperature {
            case .hot?: (minAmp, belowAmp) = (hotAmp, nil)
            case .warm?: (minAmp, belowAmp) = (warmAmp, hotAmp)
            case .cold?: (minAmp, belowAmp) = (nil, warmAmp)
            case nil: (minAmp, belowAmp) = (nil, nil)
            }
            let stage = query.stage?.rawValue
            let grade = query.grade?.rawValue
            let since = query.updatedSince?.millis
            let owner = query.owner
            let rows = try await db.query("""
                SELECT email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner
                FROM lead
                WHERE (CASE WHEN \(stage)::text IS NULL THEN stage NOT IN ('disqualified', 'customer') ELSE stage = \(stage)::text END)
                  AND (\(grade)::text IS NULL OR grade = \(grade)::text)
                  AND (\(minAmp)::float8 IS NULL OR engagement_amp >= \(minAmp)::float8)
                  AND (\(belowAmp)::float8 IS NULL OR engagement_amp < \(belowAmp)::float8)
                  AND (\(since)::bigint IS NULL OR updated_at >= \(since)::bigint)
                  AND (\(owner)::text IS NULL OR owner = \(owner)::text)
                ORDER BY (grade_rank + 1) * (CASE WHEN engagement_amp >= \(hotAmp) THEN 1 WHEN engagement_amp >= \(warmAmp) THEN 2 ELSE 3 END),
                         grade_rank, engagement_amp DESC, email COLLATE "C"
                LIMIT \(max(0, query.limit)) OFFSET \(max(0, query.offset))
                """, logger: logger)
            var out: [LeadSummary] = []
            for try await (email, name, company, gradeName, fitPoints, stageName, amp, lastActivity, owner)
                in rows.decode((String, String?, String?, String, Int, String, Double, Int64?, String?).self) {
                let engagement = amp / growth
                out.append(LeadSummary(
                    email: email, name: name, company: company, grade: Grade(rawValue: gradeName) ?? .d,
                    fitPoints: fitPoints, engagement: engagement,
                    temperature: main.temperature.temperature(for: engagement),
                    stage: Stage(rawValue: stageName) ?? .new,
                    lastActivity: lastActivity.map(Timestamp.init(millis:)), owner: owner))
            }
            return out
        }
    }
}
#endif
