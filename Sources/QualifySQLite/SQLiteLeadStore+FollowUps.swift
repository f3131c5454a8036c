import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    static let followUpColumns = """
        id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at, followup_at, followup_hold, state
        """

    public func followUpsDue(by: Timestamp, owner: String?, after: FollowUpCursor?, limit: Int) async throws -> [FollowUpRow] {
        try await read { db in
            var conditions = ["followup_at <= ?"]
            var arguments: StatementArguments = [by.millis]
            if let after {
                conditions.append("(followup_at > ? OR (followup_at = ? AND id > ?))")
                _ = arguments.append(contentsOf: [after.dueAt.millis, after.dueAt.millis, after.id])
            }
            if let owner {
                conditions.append("owner = ? COLLATE NOCASE")
                _ = arguments.append(contentsOf: [owner])
            }
            _ = arguments.append(contentsOf: [limit])
            return try Self.followUpRows(db, sql: """
                SELECT \(Self.followUpColumns) FROM lead INDEXED BY lead_followup
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY followup_at, id LIMIT ?
                """, arguments: arguments)
        }
    }

    public func followUpsToAnnounce(at now: Timestamp, limit: Int) async throws -> [LeadKey] {
        try await read { db in
            try String.fetchAll(db.cachedStatement(sql: """
                SELECT email FROM lead INDEXED BY lead_followup_announce WHERE followup_announce_at <= ? ORDER BY followup_announce_at, id LIMIT ?
                """), arguments: [now.millis, limit]).map(LeadKey.init(normalizedEmail:))
        }
    }

    public func followUpsHeld(limit: Int) async throws -> [FollowUpRow] {
        try await read { db in
            try Self.followUpRows(db, sql: "SELECT \(Self.followUpColumns) FROM lead WHERE followup_hold IS NOT NULL ORDER BY id DESC LIMIT ?",
                                  arguments: [limit])
        }
    }

    public func leadStates(afterID: Int64, limit: Int) async throws -> [(id: Int64, state: LeadState)] {
        try await read { db in
            var out: [(id: Int64, state: LeadState)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, email, state FROM lead WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterID, limit])
            while let row = try rows.next() {
                out.append((row[0], try LeadRows.decodeState(row[2], key: LeadKey(normalizedEmail: row[1]))))
            }
            return out
        }
    }

    static func followUpRows(_ db: Database, sql: String, arguments: StatementArguments) throws -> [FollowUpRow] {
        var out: [FollowUpRow] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let queueRow = queueRow(row)
            out.append(FollowUpRow(row: queueRow, dueAt: (row["followup_at"] as Int64?).map(Timestamp.init(millis:)), hold: row["followup_hold"],
                                   state: try LeadRows.decodeState(row["state"], key: LeadKey(normalizedEmail: queueRow.email))))
        }
        return out
    }
}
