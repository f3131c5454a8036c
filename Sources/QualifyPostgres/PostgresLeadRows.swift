import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

/// Reading and writing the `lead` projection row: the state blob (``LeadStateCodec``, as BYTEA) plus the columns the
/// queue filters and orders by. Every function runs in the caller's transaction.
enum PostgresLeadRows {
    static func decodeState(_ blob: Data, key: LeadKey) throws -> LeadState {
        do { return try LeadStateCodec.decode(blob) } catch {
            throw StoreError.corrupt("state of lead '\(key.email)' does not decode (\(error)); `qualify rescore` rebuilds it from events")
        }
    }

    static func encodeState(_ state: LeadState) -> Data {
        Data(LeadStateCodec.encode(state))
    }

    /// A lead row loaded for an update.
    struct Loaded {
        var id: Int64
        var state: LeadState
        var modelVersion: Int
    }

    /// Loads a lead and locks its row until the transaction ends (`FOR UPDATE`), so two writers to one lead go one
    /// after the other and the second folds onto the first one's state.
    static func load(_ db: PostgresConnection, key: LeadKey, logger: Logger) async throws -> Loaded? {
        let rows = try await db.query("SELECT id, state, model_version FROM lead WHERE email = \(key.email) FOR UPDATE",
                                      logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (id, blob, version) = try row.decode((Int64, Data, Int).self)
        return Loaded(id: id, state: try decodeState(blob, key: key), modelVersion: version)
    }

    /// Loads and locks the leads of `keys` in email order (one order for every writer, so two batches touching the
    /// same leads cannot deadlock on them).
    static func loadAll(_ db: PostgresConnection, keys: Set<LeadKey>, logger: Logger) async throws -> [LeadKey: Loaded] {
        guard !keys.isEmpty else { return [:] }
        let emails = keys.map(\.email).sorted()
        let rows = try await db.query("""
            SELECT id, email, state, model_version FROM lead WHERE email = ANY(\(emails)) ORDER BY email COLLATE "C" FOR UPDATE
            """, logger: logger)
        var loaded: [LeadKey: Loaded] = [:]
        for try await (id, email, blob, version) in rows.decode((Int64, String, Data, Int).self) {
            let key = LeadKey(normalizedEmail: email)
            loaded[key] = Loaded(id: id, state: try decodeState(blob, key: key), modelVersion: version)
        }
        return loaded
    }

    /// Inserts a new lead with an empty state (its first event fills it), linked to its account by email domain
    /// unless the domain is a free-mail or disposable provider. If another transaction inserted the same lead
    /// meanwhile, waits for it and loads (and locks) that row instead.
    static func insert(_ db: PostgresConnection, key: LeadKey, company: String?, at: Timestamp, model: ModelVersion,
                       lists: EmailLists, logger: Logger) async throws -> Loaded {
        var accountID: Int64?
        let domain = key.domain
        if !lists.freeProviders.contains(domain), !lists.disposable.contains(domain) {
            let rows = try await db.query("""
                INSERT INTO account(domain, name) VALUES (\(domain), \(company))
                ON CONFLICT(domain) DO UPDATE SET name = COALESCE(account.name, excluded.name)
                RETURNING id
                """, logger: logger).collect()
            accountID = try rows.first?.decode(Int64.self)
        }
        let state = LeadState(key: key)
        let rows = try await db.query("""
            INSERT INTO lead(email, account_id, created_at, updated_at, model_version, fit_points, grade, grade_rank,
                             stage, engagement_amp, state)
            VALUES (\(key.email), \(accountID), \(at.millis), \(at.millis), \(model.version), 0, 'D', 3, 'new', 0, \(encodeState(state)))
            ON CONFLICT(email) DO NOTHING
            RETURNING id
            """, logger: logger).collect()
        if let row = rows.first {
            return Loaded(id: try row.decode(Int64.self), state: state, modelVersion: model.version)
        }
        guard let loaded = try await load(db, key: key, logger: logger) else {
            throw StoreError.corrupt("lead '\(key.email)' was neither inserted nor found")
        }
        return loaded
    }

    /// Writes the projection of `state` under `model`.
    static func write(_ db: PostgresConnection, id: Int64, state: LeadState, model: ModelVersion, at: Timestamp,
                      logger: Logger) async throws {
        let main = model.model.engagement.main
        let amp = state.groups[EngagementSection.mainGroup]?.amplitude(halfLife: main.halfLife) ?? 0
        let f = state.fields
        let name = [f["first_name"], f["last_name"]].compactMap { $0 }.joined(separator: " ")
        let storedName: String? = name.isEmpty ? nil : name
        try await db.query("""
            UPDATE lead SET updated_at = \(at.millis), model_version = \(model.version), fit_points = \(state.fitPoints),
              grade = \(state.grade.rawValue), grade_rank = \(state.grade.rank), stage = \(state.stage.rawValue),
              engagement_amp = \(amp), last_activity_at = \(state.lastActivity?.millis), last_at = \(state.last?.at.millis),
              last_id = \(state.last?.id.rawValue), name = \(storedName), company = \(f["company"]), state = \(encodeState(state))
            WHERE id = \(id)
            """, logger: logger)
    }

    /// Records stage changes and their outbox messages (same transaction as the change).
    static func recordStageChanges(_ db: PostgresConnection, leadID: Int64, key: LeadKey, changes: [StageChange],
                                   model: ModelVersion, now: Timestamp, logger: Logger) async throws {
        for change in changes {
            try await db.query("""
                INSERT INTO stage_change(lead_id, from_stage, to_stage, at, event_id, reason, by, model_version)
                VALUES (\(leadID), \(change.from.rawValue), \(change.to.rawValue), \(change.at.millis), \(change.eventID.rawValue),
                        \(change.reason), \(change.by), \(model.version))
                """, logger: logger)
            let payload = FlatJSON.encode([
                "lead": key.email, "from": change.from.rawValue, "to": change.to.rawValue, "at": change.at.iso8601,
                "reason": change.reason, "by": change.by,
            ])
            try await db.query("INSERT INTO outbox(kind, payload, created_at) VALUES ('stage_changed', \(payload), \(now.millis))",
                               logger: logger)
        }
    }
}
