#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    /// Every filter is a parameter that may be null (one statement, no SQL built from input).
    public func queueRows(_ filter: QueueFilter, order: QueueOrder, limit: Int, offset: Int) async throws -> [QueueRow] {
        let logger = self.logger
        let stage = filter.stage?.rawValue, excluded = filter.excludedStages.map(\.rawValue)
        let grade = filter.grade?.rawValue
        let (minAmp, belowAmp) = (filter.minAmplitude, filter.belowAmplitude)
        let since = filter.updatedSince?.millis
        let owner = filter.owner
        let due = filter.dueBy?.millis
        // the band's position by grade rank × 3 + temperature rank (QueueOrder.positionByRanks, 1-based in SQL)
        let positions = QueueOrder.positionByRanks.map(Int64.init)
        return try await read { db in
            let rows = try await db.query("""
                SELECT email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at
                FROM lead
                WHERE (CASE WHEN \(stage)::text IS NULL THEN NOT (stage = ANY(\(excluded)::text[])) ELSE stage = \(stage)::text END)
                  AND (\(grade)::text IS NULL OR grade = \(grade)::text)
                  AND (\(minAmp)::float8 IS NULL OR engagement_amp >= \(minAmp)::float8)
                  AND (\(belowAmp)::float8 IS NULL OR engagement_amp < \(belowAmp)::float8)
                  AND (\(since)::bigint IS NULL OR updated_at >= \(since)::bigint)
                  AND (\(owner)::text IS NULL OR owner = \(owner)::text)
                  AND (\(due)::bigint IS NULL OR due_at <= \(due)::bigint)
                ORDER BY (CASE WHEN \(due)::bigint IS NULL THEN NULL ELSE due_at END) NULLS FIRST, (\(positions)::int8[])[grade_rank * 3
                           + (CASE WHEN engagement_amp >= \(order.hotAmplitude) THEN 0 WHEN engagement_amp >= \(order.warmAmplitude) THEN 1 ELSE 2 END)
                           + 1],
                         engagement_amp DESC, email COLLATE "C"
                LIMIT \(limit) OFFSET \(offset)
                """, logger: logger)
            var out: [QueueRow] = []
            for try await (email, name, company, gradeName, fitPoints, stageName, amp, lastActivity, owner, dueAt)
                in rows.decode((String, String?, String?, String, Int, String, Double, Int64?, String?, Int64?).self) {
                out.append(QueueRow(email: email, name: name, company: company, grade: Grade(rawValue: gradeName) ?? .d,
                                    fitPoints: fitPoints, stage: Stage(rawValue: stageName) ?? .new, amplitude: amp,
                                    lastActivity: lastActivity.map(Timestamp.init(millis:)), owner: owner,
                                    dueAt: dueAt.map(Timestamp.init(millis:))))
            }
            return out
        }
    }
}
#endif
