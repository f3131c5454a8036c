import Foundation
import GRDB
import QualifyCore
import QualifyStore

/// Reading and writing the `lead` projection row: the state blob plus the columns the queue filters and orders by.
enum LeadRows {
    static func decodeState(_ blob: Data, key: LeadKey) throws -> LeadState {
        try reading(key) { try LeadStateCodec.decode(blob) }
    }

    /// What a rescore compares of a stored state (``LeadStateCodec/headline(_:)``).
    static func decodeHeadline(_ blob: Data, key: LeadKey) throws -> LeadStateCodec.Headline {
        try reading(key) { try LeadStateCodec.headline(blob) }
    }

    private static func reading<T>(_ key: LeadKey, _ decode: () throws -> T) throws -> T {
        do { return try decode() } catch {
            throw StoreError.corrupt("state of lead '\(key.email)' does not decode (\(error)); `qualify rescore` rebuilds it from events")
        }
    }

    /// The stored rows of the leads among `keys`.
    static func load(_ db: Database, keys: Set<LeadKey>) throws -> [LeadKey: StoredLead] {
        let select = try db.cachedStatement(sql: "SELECT id, state, model_version FROM lead WHERE email = ?")
        var loaded: [LeadKey: StoredLead] = [:]
        loaded.reserveCapacity(keys.count)
        for key in keys {
            guard let row = try Row.fetchOne(select, arguments: [key.email]) else { continue }
            loaded[key] = StoredLead(id: row[0], key: key, modelVersion: row[2], stateBytes: row[1])
        }
        return loaded
    }

    /// Inserts a new lead with an empty state (its first event fills it), linked to the account of `accountDomain`.
    static func insert(_ db: Database, key: LeadKey, accountDomain: String?, company: String?, at: Timestamp,
                       modelVersion: Int) throws -> StoredLead {
        var accountID: Int64?
        if let domain = accountDomain {
            try db.cachedStatement(sql: """
                INSERT INTO account(domain, name) VALUES (?, ?)
                ON CONFLICT(domain) DO UPDATE SET name = COALESCE(account.name, excluded.name)
                """).execute(arguments: [domain, company])
            accountID = try Int64.fetchOne(try db.cachedStatement(sql: "SELECT id FROM account WHERE domain = ?"), arguments: [domain])
        }
        let lead = StoredLead.empty(id: 0, key: key, modelVersion: modelVersion)
        try db.cachedStatement(sql: """
            INSERT INTO lead(email, account_id, created_at, updated_at, model_version, fit_points, grade, grade_rank,
                             stage, engagement_amp, state)
            VALUES (?, ?, ?, ?, ?, 0, 'D', 3, 'new', 0, ?)
            """).execute(arguments: [key.email, accountID, at.millis, at.millis, modelVersion, lead.stateBytes])
        return StoredLead(id: db.lastInsertedRowID, key: key, modelVersion: modelVersion, stateBytes: lead.stateBytes)
    }

    /// The values of a lead row's projection columns (``LeadProjection``) under a model version, written at `at`.
    struct Projection: Sendable {
        /// The columns' values in ``updateProjection``'s order. Kept as statement arguments: GRDB's initializer from
        /// `[DatabaseValue]` maps through a key path made anew on every call (12 % of a rescore's writer thread).
        var values: StatementArguments

        init(_ p: LeadProjection, modelVersion: Int, at: Timestamp) {
            let columns: [(any DatabaseValueConvertible)?] = [
                at.millis, modelVersion, p.fitPoints, p.grade.rawValue, p.grade.rank, p.stage.rawValue, p.engagementAmplitude,
                p.lastActivity?.millis, p.lastAt?.millis, p.lastID?.rawValue, p.name, p.company, p.owner, p.dueAt?.millis, p.escalateAt?.millis,
                p.followUpAt?.millis, p.followUpHold, p.followUpAnnounceAt?.millis, p.state,
            ]
            values = StatementArguments(columns)
        }

        init(state: LeadState, model: ModelVersion, at: Timestamp) {
            self.init(LeadProjection(state: state, model: model.model), modelVersion: model.version, at: at)
        }
    }

    static let updateProjection = """
        UPDATE lead SET updated_at = ?, model_version = ?, fit_points = ?, grade = ?, grade_rank = ?, stage = ?,
          engagement_amp = ?, last_activity_at = ?, last_at = ?, last_id = ?, name = ?, company = ?, owner = ?, due_at = ?, escalate_at = ?,
          followup_at = ?, followup_hold = ?, followup_announce_at = ?, state = ?
        WHERE id = ?
        """

    /// Writes a projection.
    static func write(_ db: Database, id: Int64, projection: Projection) throws {
        try db.cachedStatement(sql: updateProjection).execute(arguments: projection.values + [id])
    }

    /// Writes a projection computed from the row as read elsewhere (a snapshot), only if the row still holds that state
    /// under that model version; false if it changed since (then nothing is written). The comparison reads the row by
    /// its id, so a lead scored ahead costs the writer no look-up by email.
    static func write(_ db: Database, id: Int64, projection: Projection, ifStill blob: Data, modelVersion: Int) throws -> Bool {
        try db.cachedStatement(sql: updateProjection + " AND model_version = ? AND state = ?")
            .execute(arguments: projection.values + [id, modelVersion, blob])
        return db.changesCount == 1
    }

    /// Records a lead's stage changes and appends its outbox messages (same transaction as the change).
    static func recordStageChanges(_ db: Database, leadID: Int64, changes: [StageChange], messages: [OutboxEvent], modelVersion: Int,
                                   now: Timestamp) throws {
        for change in changes {
            try db.cachedStatement(sql: """
                INSERT INTO stage_change(lead_id, from_stage, to_stage, at, event_id, reason, by, model_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [leadID, change.from.rawValue, change.to.rawValue, change.at.millis, change.eventID.rawValue,
                                 change.reason, change.by, modelVersion])
        }
        for message in messages {
            try db.cachedStatement(sql: "INSERT INTO outbox(kind, payload, created_at) VALUES (?, ?, ?)")
                .execute(arguments: [message.kind, message.payload, now.millis])
        }
    }
}
