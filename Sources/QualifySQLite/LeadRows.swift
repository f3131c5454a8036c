import Foundation
import GRDB
import QualifyCore
import QualifyStore

/// Reading and writing the `lead` projection row: the state blob plus the columns the queue filters and orders by.
enum LeadRows {
    static func decodeState(_ blob: Data, key: LeadKey) throws -> LeadState {
        do { return try LeadStateCodec.decode(blob) } catch {
            throw StoreError.corrupt("state of lead '\(key.email)' does not decode (\(error)); `qualify rescore` rebuilds it from events")
        }
    }

    static func encodeState(_ state: LeadState) throws -> Data {
        Data(LeadStateCodec.encode(state))
    }

    /// A lead row loaded for an update.
    struct Loaded {
        var id: Int64
        var state: LeadState
        var modelVersion: Int
    }

    static func load(_ db: Database, key: LeadKey) throws -> Loaded? {
        try loadStored(db, key: key).map { Loaded(id: $0.id, state: $0.state, modelVersion: $0.modelVersion) }
    }

    /// The lead row as ``load(_:key:)`` reads it, with the state blob as stored (what a guarded write compares).
    static func loadStored(_ db: Database, key: LeadKey) throws -> (id: Int64, state: LeadState, modelVersion: Int, blob: Data)? {
        guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT id, state, model_version FROM lead WHERE email = ?"), arguments: [key.email]) else {
            return nil
        }
        let blob: Data = row[1]
        return (row[0], try decodeState(blob, key: key), row[2], blob)
    }

    /// Inserts a new lead with an empty state (its first event fills it), linked to its account by email domain
    /// unless the domain is a free-mail or disposable provider.
    static func insert(_ db: Database, key: LeadKey, company: String?, at: Timestamp, model: ModelVersion,
                       lists: EmailLists) throws -> Loaded {
        var accountID: Int64?
        let domain = key.domain
        if !lists.freeProviders.contains(domain), !lists.disposable.contains(domain) {
            try db.cachedStatement(sql: """
                INSERT INTO account(domain, name) VALUES (?, ?)
                ON CONFLICT(domain) DO UPDATE SET name = COALESCE(account.name, excluded.name)
                """).execute(arguments: [domain, company])
            accountID = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT id FROM account WHERE domain = ?"), arguments: [domain])
        }
        let state = LeadState(key: key)
        try db.cachedStatement(sql: """
            INSERT INTO lead(email, account_id, created_at, updated_at, model_version, fit_points, grade, grade_rank,
                             stage, engagement_amp, state)
            VALUES (?, ?, ?, ?, ?, 0, 'D', 3, 'new', 0, ?)
            """).execute(arguments: [key.email, accountID, at.millis, at.millis, model.version, try encodeState(state)])
        return Loaded(id: db.lastInsertedRowID, state: state, modelVersion: model.version)
    }

    /// The values of a lead row's projection columns for `state` under `model`, written at `at`.
    struct Projection: Sendable {
        var values: [DatabaseValue]

        init(state: LeadState, model: ModelVersion, at: Timestamp) throws {
            let f = state.fields
            let columns: [(any DatabaseValueConvertible)?] = [
                at.millis, model.version, state.fitPoints, state.grade.rawValue, state.grade.rank, state.stage.rawValue,
                state.mainAmplitude(model.model), state.lastActivity?.millis, state.last?.at.millis, state.last?.id.rawValue,
                LeadFields.personName(f), f["company"], f["owner"], try encodeState(state),
            ]
            values = columns.map { $0?.databaseValue ?? .null }
        }
    }

    static let updateProjection = """
        UPDATE lead SET updated_at = ?, model_version = ?, fit_points = ?, grade = ?, grade_rank = ?, stage = ?,
          engagement_amp = ?, last_activity_at = ?, last_at = ?, last_id = ?, name = ?, company = ?, owner = ?, state = ?
        WHERE id = ?
        """

    /// Writes the projection of `state` under `model`.
    static func write(_ db: Database, id: Int64, state: LeadState, model: ModelVersion, at: Timestamp) throws {
        try write(db, id: id, projection: try Projection(state: state, model: model, at: at))
    }

    /// Writes a projection computed beforehand.
    static func write(_ db: Database, id: Int64, projection: Projection) throws {
        try db.cachedStatement(sql: updateProjection).execute(arguments: StatementArguments(projection.values + [id.databaseValue]))
    }

    /// Writes a projection computed from the row as it was read elsewhere (a read snapshot), only if the row still
    /// holds that state under that model version; false if it changed since (then nothing is written).
    static func write(_ db: Database, id: Int64, projection: Projection, ifStill blob: Data, modelVersion: Int) throws -> Bool {
        try db.cachedStatement(sql: updateProjection + " AND model_version = ? AND state = ?")
            .execute(arguments: StatementArguments(projection.values + [id.databaseValue, modelVersion.databaseValue, blob.databaseValue]))
        return db.changesCount == 1
    }

    /// Records stage changes and their outbox messages (same transaction as the change).
    static func recordStageChanges(_ db: Database, leadID: Int64, key: LeadKey, changes: [StageChange], model: ModelVersion,
                                   now: Timestamp) throws {
        for change in changes {
            try db.cachedStatement(sql: """
                INSERT INTO stage_change(lead_id, from_stage, to_stage, at, event_id, reason, by, model_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [leadID, change.from.rawValue, change.to.rawValue, change.at.millis, change.eventID.rawValue,
                                 change.reason, change.by, model.version])
            let payload = FlatJSON.encode([
                "lead": key.email, "from": change.from.rawValue, "to": change.to.rawValue, "at": change.at.iso8601,
                "reason": change.reason, "by": change.by,
            ])
            try db.cachedStatement(sql: "INSERT INTO outbox(kind, payload, created_at) VALUES ('stage_changed', ?, ?)").execute(arguments: [payload, now.millis])
        }
    }
}
