#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    /// Every filter is a parameter that may be null (one statement, no SQL built from input).
    public func queueRows(_ filter: QueueFilter, order: QueueOrder, limit: Int, offset: Int) async throws -> [QueueRow] {
        let logger = self.logger
        let stages = filter.stages?.map(\.rawValue), excluded = filter.excludedStages.map(\.rawValue)
        let grade = filter.grade?.rawValue
        let (minAmp, belowAmp) = (filter.minAmplitude, filter.belowAmplitude)
        let since = filter.updatedSince?.millis
        let owner = filter.owner
        let due = filter.dueBy?.millis
        let (unassigned, pattern) = (filter.unassigned, filter.matching)
        // the band's position by grade rank × 3 + temperature rank (QueueOrder.positionByRanks, 1-based in SQL)
        let positions = QueueOrder.positionByRanks.map(Int64.init)
        return try await read { db in
            let rows = try await db.query("""
                SELECT id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at
                FROM lead
                WHERE (CASE WHEN \(stages)::text[] IS NULL THEN NOT (stage = ANY(\(excluded)::text[])) ELSE stage = ANY(\(stages)::text[]) END)
                  AND (\(grade)::text IS NULL OR grade = \(grade)::text)
                  AND (\(minAmp)::float8 IS NULL OR engagement_amp >= \(minAmp)::float8)
                  AND (\(belowAmp)::float8 IS NULL OR engagement_amp < \(belowAmp)::float8)
                  AND (\(since)::bigint IS NULL OR updated_at >= \(since)::bigint)
                  AND (\(owner)::text IS NULL OR lower(owner) = lower(\(owner)::text))
                  AND (\(due)::bigint IS NULL OR due_at <= \(due)::bigint)
                  AND (NOT \(unassigned)::bool OR owner IS NULL OR owner = '')
                  AND (\(pattern)::text IS NULL OR email LIKE \(pattern)::text OR lower(name) LIKE \(pattern)::text
                       OR lower(company) LIKE \(pattern)::text)
                ORDER BY (CASE WHEN \(due)::bigint IS NULL THEN NULL ELSE due_at END) NULLS FIRST,
                         (CASE WHEN \(stages)::text[] IS NULL THEN NULL ELSE array_position(\(stages)::text[], stage) END) NULLS FIRST,
                         (\(positions)::int8[])[grade_rank * 3
                           + (CASE WHEN engagement_amp >= \(order.hotAmplitude) THEN 0 WHEN engagement_amp >= \(order.warmAmplitude) THEN 1 ELSE 2 END)
                           + 1],
                         engagement_amp DESC, id
                LIMIT \(limit) OFFSET \(offset)
                """, logger: logger)
            return try await Self.queueRows(rows)
        }
    }

    /// Every filter is a parameter that may be null, as in ``queueRows(_:order:limit:offset:)``; the band index
    /// `lead_band (grade_rank, engagement_amp DESC, id)` serves the order. After a key, two seeks: the rest of the
    /// key's amplitude by id, then the lower amplitudes (one OR'd condition would filter every row above the key).
    public func queueBand(_ filter: QueueFilter, gradeRank: Int, minAmplitude: Double?, belowAmplitude: Double?, after: QueueKey?,
                          limit: Int) async throws -> [QueueRow] {
        let logger = self.logger
        let stages = filter.stages?.map(\.rawValue), excluded = filter.excludedStages.map(\.rawValue)
        let (owner, unassigned, since) = (filter.owner, filter.unassigned, filter.updatedSince?.millis)
        let rank = Int64(gradeRank)
        return try await read { db in
            var rows: [QueueRow] = []
            if let after, limit > 0 {
                let tied = try await db.query("""
                    SELECT id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at
                    FROM lead
                    WHERE grade_rank = \(rank) AND engagement_amp = \(after.amplitude)::float8 AND id > \(after.id)::bigint
                      AND (CASE WHEN \(stages)::text[] IS NULL THEN NOT (stage = ANY(\(excluded)::text[])) ELSE stage = ANY(\(stages)::text[]) END)
                      AND (\(owner)::text IS NULL OR lower(owner) = lower(\(owner)::text))
                      AND (NOT \(unassigned)::bool OR owner IS NULL OR owner = '')
                      AND (\(since)::bigint IS NULL OR updated_at >= \(since)::bigint)
                    ORDER BY engagement_amp DESC, id
                    LIMIT \(Int64(limit))
                    """, logger: logger)
                rows = try await Self.queueRows(tied)
            }
            let below = after.map(\.amplitude) ?? belowAmplitude
            guard rows.count < limit else { return rows }
            let rest = try await db.query("""
                SELECT id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at
                FROM lead
                WHERE grade_rank = \(rank)
                  AND (\(minAmplitude)::float8 IS NULL OR engagement_amp >= \(minAmplitude)::float8)
                  AND (\(below)::float8 IS NULL OR engagement_amp < \(below)::float8)
                  AND (CASE WHEN \(stages)::text[] IS NULL THEN NOT (stage = ANY(\(excluded)::text[])) ELSE stage = ANY(\(stages)::text[]) END)
                  AND (\(owner)::text IS NULL OR lower(owner) = lower(\(owner)::text))
                  AND (NOT \(unassigned)::bool OR owner IS NULL OR owner = '')
                  AND (\(since)::bigint IS NULL OR updated_at >= \(since)::bigint)
                ORDER BY engagement_amp DESC, id
                LIMIT \(Int64(limit - rows.count))
                """, logger: logger)
            return rows + (try await Self.queueRows(rest))
        }
    }

    static func queueRows(_ rows: PostgresRowSequence) async throws -> [QueueRow] {
        var out: [QueueRow] = []
        for try await (id, email, name, company, gradeName, fitPoints, stageName, amp, lastActivity, owner, dueAt)
            in rows.decode((Int64, String, String?, String?, String, Int, String, Double, Int64?, String?, Int64?).self) {
            out.append(QueueRow(id: id, email: email, name: name, company: company, grade: Grade(rawValue: gradeName) ?? .d,
                                fitPoints: fitPoints, stage: Stage(rawValue: stageName) ?? .new, amplitude: amp,
                                lastActivity: lastActivity.map(Timestamp.init(millis:)), owner: owner,
                                dueAt: dueAt.map(Timestamp.init(millis:))))
        }
        return out
    }

    public func countBand(gradeRank: Int, minAmplitude: Double?, belowAmplitude: Double?, stages: [Stage]?) async throws -> Int {
        let logger = self.logger
        let names = stages?.map(\.rawValue)
        let rank = Int64(gradeRank)
        return try await read { db in
            let rows = try await db.query("""
                SELECT COUNT(*) FROM lead
                WHERE grade_rank = \(rank)
                  AND (\(minAmplitude)::float8 IS NULL OR engagement_amp >= \(minAmplitude)::float8)
                  AND (\(belowAmplitude)::float8 IS NULL OR engagement_amp < \(belowAmplitude)::float8)
                  AND (\(names)::text[] IS NULL OR stage = ANY(\(names)::text[]))
                """, logger: logger).collect()
            return try rows.first?.decode(Int.self) ?? 0
        }
    }

    public func stageEntries(since: Timestamp) async throws -> [StageEntries] {
        let logger = self.logger
        let (offset, week) = (StageEntries.mondayOffset, StageEntries.weekMillis)
        let from = max(since.millis, offset)
        return try await read { db in
            let rows = try await db.query("""
                SELECT to_stage, ((at - \(offset)) / \(week)) * \(week) + \(offset) AS w, COUNT(*)
                FROM stage_change WHERE at >= \(from) GROUP BY to_stage, w ORDER BY w
                """, logger: logger)
            var out: [StageEntries] = []
            for try await (stageName, w, count) in rows.decode((String, Int64, Int).self) {
                guard let stage = Stage(rawValue: stageName) else { continue }
                out.append(StageEntries(stage: stage, week: Timestamp(millis: w), leads: count))
            }
            return out
        }
    }
}
#endif
