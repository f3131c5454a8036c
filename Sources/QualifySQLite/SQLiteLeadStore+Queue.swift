import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    public func queueRows(_ filter: QueueFilter, order: QueueOrder, limit: Int, offset: Int) async throws -> [QueueRow] {
        try await read { db in
            var (conditions, arguments) = Self.leadConditions(filter)
            if let grade = filter.grade {
                conditions.append("grade = ?")
                _ = arguments.append(contentsOf: [grade.rawValue])
            }
            if let min = filter.minAmplitude {
                conditions.append("engagement_amp >= ?")
                _ = arguments.append(contentsOf: [min])
            }
            if let below = filter.belowAmplitude {
                conditions.append("engagement_amp < ?")
                _ = arguments.append(contentsOf: [below])
            }
            if let pattern = filter.matching {
                // LIKE ignores ASCII case in SQLite; name and company are lowercased for the rest
                conditions.append("(email LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\' OR lower(company) LIKE ? ESCAPE '\\')")
                _ = arguments.append(contentsOf: [pattern, pattern, pattern])
            }
            if let due = filter.dueBy {
                conditions.append("due_at <= ?")
                _ = arguments.append(contentsOf: [due.millis])
            }
            // several stages: one after another in the filter's order
            let stageOrder = (filter.stages?.count ?? 0) > 1 ? filter.stages ?? [] : []
            _ = arguments.append(contentsOf: StatementArguments(stageOrder.map(\.rawValue)))
            _ = arguments.append(contentsOf: [order.hotAmplitude, order.warmAmplitude])
            _ = arguments.append(contentsOf: StatementArguments(QueueOrder.positionByRanks))
            _ = arguments.append(contentsOf: [limit, offset])
            // the band's position by grade rank × 3 + temperature rank (QueueOrder.positionByRanks, one parameter each)
            let sql = """
                SELECT id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at
                FROM lead \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY \(filter.dueBy == nil ? "" : "due_at, ")\(stageOrder.isEmpty ? "" : "CASE stage " + stageOrder.indices.map { "WHEN ? THEN \($0) " }.joined() + "END, ")CASE grade_rank * 3 + (CASE WHEN engagement_amp >= ? THEN 0 WHEN engagement_amp >= ? THEN 1 ELSE 2 END)
                           \((0..<12).map { "WHEN \($0) THEN ?" }.joined(separator: " ")) END,
                         engagement_amp DESC, id
                LIMIT ? OFFSET ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.queueRow)
        }
    }

    public func queueBand(_ filter: QueueFilter, gradeRank: Int, minAmplitude: Double?, belowAmplitude: Double?, after: QueueKey?,
                          limit: Int) async throws -> [QueueRow] {
        try await read { db in
            // the filter's conditions, shared by both reads below
            let (filters, filterArguments) = Self.leadConditions(filter)
            func fetch(_ range: [String], _ rangeArguments: StatementArguments, orderBy: String, limit: Int) throws -> [QueueRow] {
                guard limit > 0 else { return [] }
                var arguments: StatementArguments = [gradeRank]
                _ = arguments.append(contentsOf: rangeArguments)
                _ = arguments.append(contentsOf: filterArguments)
                _ = arguments.append(contentsOf: [limit])
                let sql = """
                    SELECT id, email, name, company, grade, fit_points, stage, engagement_amp, last_activity_at, owner, due_at
                    FROM lead WHERE \((["grade_rank = ?"] + range + filters).joined(separator: " AND "))
                    ORDER BY \(orderBy) LIMIT ?
                    """
                return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.queueRow)
            }
            var range: [String] = []
            var rangeArguments: StatementArguments = []
            if let min = minAmplitude {
                range.append("engagement_amp >= ?")
                _ = rangeArguments.append(contentsOf: [min])
            }
            var rows: [QueueRow] = []
            if let after {
                // after a key, two seeks: the rest of its amplitude by id, then the lower amplitudes (one OR'd condition
                // would walk every row above the key)
                rows = try fetch(["engagement_amp = ?", "id > ?"], [after.amplitude, after.id], orderBy: "id", limit: limit)
                range.append("engagement_amp < ?")
                _ = rangeArguments.append(contentsOf: [after.amplitude])
            } else if let below = belowAmplitude {
                range.append("engagement_amp < ?")
                _ = rangeArguments.append(contentsOf: [below])
            }
            return rows + (try fetch(range, rangeArguments, orderBy: "engagement_amp DESC, id", limit: limit - rows.count))
        }
    }

    /// The conditions on a lead row both queue reads share: stage (or the stages left out), owner or unassigned, time
    /// of change.
    static func leadConditions(_ filter: QueueFilter) -> (conditions: [String], arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let stages = filter.stages {
            conditions.append(stages.count == 1 ? "stage = ?" : "stage IN (\(stages.map { _ in "?" }.joined(separator: ", ")))")
            _ = arguments.append(contentsOf: StatementArguments(stages.map(\.rawValue)))
        } else if !filter.excludedStages.isEmpty {
            conditions.append("stage NOT IN (\(filter.excludedStages.map { _ in "?" }.joined(separator: ", ")))")
            _ = arguments.append(contentsOf: StatementArguments(filter.excludedStages.map(\.rawValue)))
        }
        if let owner = filter.owner {
            conditions.append("owner = ? COLLATE NOCASE")
            _ = arguments.append(contentsOf: [owner])
        }
        if filter.unassigned { conditions.append("(owner IS NULL OR owner = '')") }
        if let since = filter.updatedSince {
            conditions.append("updated_at >= ?")
            _ = arguments.append(contentsOf: [since.millis])
        }
        return (conditions, arguments)
    }

    static func queueRow(_ row: Row) -> QueueRow {
        QueueRow(id: row["id"], email: row["email"], name: row["name"], company: row["company"],
                 grade: Grade(rawValue: row["grade"]) ?? .d, fitPoints: row["fit_points"],
                 stage: Stage(rawValue: row["stage"]) ?? .new, amplitude: row["engagement_amp"],
                 lastActivity: (row["last_activity_at"] as Int64?).map(Timestamp.init(millis:)), owner: row["owner"],
                 dueAt: (row["due_at"] as Int64?).map(Timestamp.init(millis:)))
    }

    public func countBand(gradeRank: Int, minAmplitude: Double?, belowAmplitude: Double?, stages: [Stage]?) async throws -> Int {
        try await read { db in
            var conditions = ["grade_rank = ?"]
            var arguments: StatementArguments = [gradeRank]
            if let min = minAmplitude {
                conditions.append("engagement_amp >= ?")
                _ = arguments.append(contentsOf: [min])
            }
            if let below = belowAmplitude {
                conditions.append("engagement_amp < ?")
                _ = arguments.append(contentsOf: [below])
            }
            if let stages {
                guard !stages.isEmpty else { return 0 }
                conditions.append("stage IN (\(stages.map { _ in "?" }.joined(separator: ", ")))")
                _ = arguments.append(contentsOf: StatementArguments(stages.map(\.rawValue)))
            }
            // with stages (the few closed leads), through the stage index: the planner would otherwise walk the band's
            // index range and read every row of it to test the stage
            let table = stages == nil ? "lead" : "lead INDEXED BY lead_stage"
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(conditions.joined(separator: " AND "))", arguments: arguments) ?? 0
        }
    }

    public func stageEntries(since: Timestamp) async throws -> [StageEntries] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT to_stage, ((at - ?) / ?) * ? + ? AS week, COUNT(*) FROM stage_change WHERE at >= ? GROUP BY to_stage, week ORDER BY week
                """, arguments: [StageEntries.mondayOffset, StageEntries.weekMillis, StageEntries.weekMillis, StageEntries.mondayOffset,
                                 max(since.millis, StageEntries.mondayOffset)]).compactMap { row in
                guard let stage = Stage(rawValue: row[0]) else { return nil }
                return StageEntries(stage: stage, week: Timestamp(millis: row[1]), leads: row[2])
            }
        }
    }
}
