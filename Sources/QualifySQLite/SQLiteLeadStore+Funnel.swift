import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    public func funnelLeads(afterID: Int64, limit: Int, group: FunnelGroup?) async throws -> [(id: Int64, lead: FunnelLead)] {
        try await read { db in
            var arguments: StatementArguments = []
            let groupColumn: String
            switch group {
            case .owner?: groupColumn = "l.owner"
            case .grade?: groupColumn = "l.grade"
            case .field(let name)?:
                // The latest `$fields` event that carries the field (json_extract's path is bound, not spliced).
                let path = "$.\"\(name)\""
                groupColumn = """
                    (SELECT json_extract(e.properties, ?) FROM event e INDEXED BY event_lead
                     WHERE e.lead_id = l.id AND e.type = '$fields' AND json_extract(e.properties, ?) IS NOT NULL
                     ORDER BY e.at DESC, e.seq DESC LIMIT 1)
                    """
                arguments += [path, path]
            case .month?, nil: groupColumn = "NULL"
            }
            arguments += [afterID, limit]
            var leads: [(id: Int64, lead: FunnelLead)] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.id, COALESCE((SELECT MIN(e.at) FROM event e WHERE e.lead_id = l.id), l.created_at), \(groupColumn)
                FROM lead l WHERE l.id > ? ORDER BY l.id LIMIT ?
                """, arguments: arguments)
            while let row = try rows.next() {
                let value: DatabaseValue = row[2]
                let text: String? = switch value.storage {
                case .string(let s): s
                case .int64(let i): String(i)
                case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
                case .null, .blob: nil
                }
                leads.append((row[0], FunnelLead(arrivedAt: Timestamp(millis: row[1]), moves: [], group: text)))
            }
            guard let first = leads.first?.id, let last = leads.last?.id else { return [] }
            var index: [Int64: Int] = [:]
            for (i, lead) in leads.enumerated() { index[lead.id] = i }
            let moves = try Row.fetchCursor(db, sql: """
                SELECT lead_id, from_stage, to_stage, at, reason FROM stage_change
                WHERE lead_id BETWEEN ? AND ? ORDER BY lead_id, at, id
                """, arguments: [first, last])
            while let row = try moves.next() {
                guard let i = index[row[0]], let from = Stage(rawValue: row[1]), let to = Stage(rawValue: row[2]) else { continue }
                leads[i].lead.moves.append(.init(from: from, to: to, at: Timestamp(millis: row[3]), reason: row[4]))
            }
            return leads
        }
    }
}
