#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    public func followUpsDue(by: Timestamp, owner: String?, after: FollowUpCursor?, limit: Int) async throws -> [FollowUpRow] {
        let logger = self.logger
        let (afterAt, afterID) = (after?.dueAt.millis, after?.id)
        return try await read { db in
            let rows = try await db.query("""
                SELECT id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at, followup_at,
                       followup_hold, state
                FROM lead
                WHERE followup_at <= \(by.millis)
                  AND (\(afterAt)::bigint IS NULL OR followup_at > \(afterAt)::bigint OR (followup_at = \(afterAt)::bigint AND id > \(afterID)::bigint))
                  AND (\(owner)::text IS NULL OR lower(owner) = lower(\(owner)::text))
                ORDER BY followup_at, id LIMIT \(Int64(limit))
                """, logger: logger)
            return try await Self.followUpRows(rows)
        }
    }

    public func followUpsToAnnounce(at now: Timestamp, limit: Int) async throws -> [LeadKey] {
        let logger = self.logger
        return try await read { db in
            var keys: [LeadKey] = []
            let rows = try await db.query("""
                SELECT email FROM lead WHERE followup_announce_at <= \(now.millis) ORDER BY followup_announce_at, id LIMIT \(Int64(limit))
                """, logger: logger)
            for try await email in rows.decode(String.self) { keys.append(LeadKey(normalizedEmail: email)) }
            return keys
        }
    }

    public func followUpsHeld(limit: Int) async throws -> [FollowUpRow] {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at, followup_at,
                       followup_hold, state
                FROM lead WHERE followup_hold IS NOT NULL ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: logger)
            return try await Self.followUpRows(rows)
        }
    }

    public func leadStates(afterID: Int64, limit: Int) async throws -> [(id: Int64, state: LeadState)] {
        let logger = self.logger
        return try await read { db in
            var out: [(id: Int64, state: LeadState)] = []
            let rows = try await db.query("SELECT id, email, state FROM lead WHERE id > \(afterID) ORDER BY id LIMIT \(Int64(limit))", logger: logger)
            for try await (id, email, blob) in rows.decode((Int64, String, Data).self) {
                out.append((id, try PostgresLeadRows.decodeState(blob, key: LeadKey(normalizedEmail: email))))
            }
            return out
        }
    }

    static func followUpRows(_ rows: PostgresRowSequence) async throws -> [FollowUpRow] {
        var out: [FollowUpRow] = []
        for try await (id, email, name, company, grade, fit, stage, amp, lastActivity, owner, dueAt, followUpAt, hold, blob)
            in rows.decode((Int64, String, String?, String?, String, Int, String, Double, Int64?, String?, Int64?, Int64?, String?, Data).self) {
            let row = QueueRow(id: id, email: email, name: name, company: company, grade: Grade(rawValue: grade) ?? .d, fitPoints: fit,
                               stage: Stage(rawValue: stage) ?? .new, amplitude: amp, lastActivity: lastActivity.map(Timestamp.init(millis:)),
                               owner: owner, dueAt: dueAt.map(Timestamp.init(millis:)))
            out.append(FollowUpRow(row: row, dueAt: followUpAt.map(Timestamp.init(millis:)), hold: hold,
                                   state: try PostgresLeadRows.decodeState(blob, key: LeadKey(normalizedEmail: email))))
        }
        return out
    }
}
#endif
