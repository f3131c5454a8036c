#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    public func funnelLeads(afterID: Int64, limit: Int, group: FunnelGroup?) async throws -> [(id: Int64, lead: FunnelLead)] {
        let logger = self.logger
        return try await read { db in
            var leads: [(id: Int64, lead: FunnelLead)] = []
            let arrival = "COALESCE((SELECT MIN(e.at) FROM event e WHERE e.lead_id = l.id), l.created_at)"
            let query: PostgresQuery
            switch group {
            case .owner?:
                query = "SELECT l.id, \(unescaped: arrival), l.owner FROM lead l WHERE l.id > \(afterID) ORDER BY l.id LIMIT \(Int64(limit))"
            case .grade?:
                query = "SELECT l.id, \(unescaped: arrival), l.grade FROM lead l WHERE l.id > \(afterID) ORDER BY l.id LIMIT \(Int64(limit))"
            case .field(let name)?:
                // The latest `$fields` event that carries the field; the name is a bound parameter. `json`, not
                // `jsonb`: jsonb refuses a \u0000 anywhere in the text, json only in the value extracted.
                query = """
                    SELECT l.id, \(unescaped: arrival),
                           (SELECT e.properties::json ->> \(name) FROM event e
                            WHERE e.lead_id = l.id AND e.type = '$fields' AND (e.properties::json ->> \(name)) IS NOT NULL
                            ORDER BY e.at DESC, e.seq DESC LIMIT 1)
                    FROM lead l WHERE l.id > \(afterID) ORDER BY l.id LIMIT \(Int64(limit))
                    """
            case .month?, nil:
                query = "SELECT l.id, \(unescaped: arrival), NULL::text FROM lead l WHERE l.id > \(afterID) ORDER BY l.id LIMIT \(Int64(limit))"
            }
            for try await (id, arrived, value) in try await db.query(query, logger: logger).decode((Int64, Int64, String?).self) {
                leads.append((id, FunnelLead(arrivedAt: Timestamp(millis: arrived), moves: [], group: value)))
            }
            guard let first = leads.first?.id, let last = leads.last?.id else { return [] }
            var index: [Int64: Int] = [:]
            for (i, lead) in leads.enumerated() { index[lead.id] = i }
            let moves = try await db.query("""
                SELECT lead_id, from_stage, to_stage, at, reason FROM stage_change
                WHERE lead_id BETWEEN \(first) AND \(last) ORDER BY lead_id, at, id
                """, logger: logger)
            for try await (id, from, to, at, reason) in moves.decode((Int64, String, String, Int64, String).self) {
                guard let i = index[id], let from = Stage(rawValue: from), let to = Stage(rawValue: to) else { continue }
                leads[i].lead.moves.append(.init(from: from, to: to, at: Timestamp(millis: at), reason: reason))
            }
            return leads
        }
    }
}
#endif
