#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
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

    /// A lead's new state, to be written with others in one statement.
    struct Projection {
        var id: Int64
        var key: LeadKey
        var state: LeadState
        var changes: [StageChange]
    }

    /// A sentinel for "no value" in the integer arrays below: PostgresNIO encodes arrays without NULL elements, so
    /// `NULLIF` turns it back into NULL on the server. No timestamp in milliseconds reaches it.
    static let noInt = Int64.min

    /// Writes the projections of several leads under `model` in one `UPDATE … FROM UNNEST(…)` (one round trip for a
    /// batch instead of one per lead), then their stage changes and outbox messages.
    static func writeAll(_ db: PostgresConnection, _ projections: [Projection], model: ModelVersion, at: Timestamp,
                         logger: Logger) async throws {
        guard !projections.isEmpty else { return }
        var ids: [Int64] = [], fit: [Int64] = [], grade: [String] = [], rank: [Int64] = [], stage: [String] = []
        var amp: [Double] = [], activity: [Int64] = [], lastAt: [Int64] = [], lastID: [String] = []
        var name: [String] = [], company: [String] = [], owner: [String] = [], state: [ByteBuffer] = []
        for p in projections {
            let s = p.state
            let f = s.fields
            ids.append(p.id)
            fit.append(Int64(s.fitPoints))
            grade.append(s.grade.rawValue)
            rank.append(Int64(s.grade.rank))
            stage.append(s.stage.rawValue)
            amp.append(s.mainAmplitude(model.model))
            activity.append(s.lastActivity?.millis ?? noInt)
            lastAt.append(s.last?.at.millis ?? noInt)
            lastID.append(s.last?.id.rawValue ?? "")  // event ids are never empty (EventLimits)
            name.append(LeadFields.personName(f) ?? "")
            company.append(f["company"] ?? "")  // stored fields are never empty (upserts skip empty values)
            owner.append(f["owner"] ?? "")
            state.append(ByteBuffer(bytes: LeadStateCodec.encode(s)))
        }
        try await db.query("""
            UPDATE lead SET updated_at = \(at.millis), model_version = \(model.version), fit_points = u.fit_points,
              grade = u.grade, grade_rank = u.grade_rank, stage = u.stage, engagement_amp = u.amp,
              last_activity_at = NULLIF(u.last_activity_at, \(noInt)), last_at = NULLIF(u.last_at, \(noInt)),
              last_id = NULLIF(u.last_id, ''), name = NULLIF(u.name, ''), company = NULLIF(u.company, ''),
              owner = NULLIF(u.owner, ''), state = u.state
            FROM UNNEST(\(ids)::int8[], \(fit)::int8[], \(grade)::text[], \(rank)::int8[], \(stage)::text[], \(amp)::float8[],
                        \(activity)::int8[], \(lastAt)::int8[], \(lastID)::text[], \(name)::text[], \(company)::text[],
                        \(owner)::text[], \(state)::bytea[])
              AS u(id, fit_points, grade, grade_rank, stage, amp, last_activity_at, last_at, last_id, name, company, owner, state)
            WHERE lead.id = u.id
            """, logger: logger)
        try await recordStageChanges(db, projections, model: model, now: at, logger: logger)
    }

    /// Records stage changes and their outbox messages (same transaction as the change), in the projections' order,
    /// each table in one statement.
    static func recordStageChanges(_ db: PostgresConnection, _ projections: [Projection], model: ModelVersion,
                                   now: Timestamp, logger: Logger) async throws {
        var lead: [Int64] = [], from: [String] = [], to: [String] = [], at: [Int64] = [], event: [String] = []
        var reason: [String] = [], by: [String] = [], payload: [String] = []
        for p in projections {
            for change in p.changes {
                lead.append(p.id)
                from.append(change.from.rawValue)
                to.append(change.to.rawValue)
                at.append(change.at.millis)
                event.append(change.eventID.rawValue)
                reason.append(change.reason)
                by.append(change.by)
                payload.append(FlatJSON.encode([
                    "lead": p.key.email, "from": change.from.rawValue, "to": change.to.rawValue, "at": change.at.iso8601,
                    "reason": change.reason, "by": change.by,
                ]))
            }
        }
        guard !lead.isEmpty else { return }
        try await db.query("""
            INSERT INTO stage_change(lead_id, from_stage, to_stage, at, event_id, reason, by, model_version)
            SELECT lead_id, from_stage, to_stage, at, event_id, reason, by, \(model.version)
            FROM UNNEST(\(lead)::int8[], \(from)::text[], \(to)::text[], \(at)::int8[], \(event)::text[], \(reason)::text[],
                        \(by)::text[]) WITH ORDINALITY AS u(lead_id, from_stage, to_stage, at, event_id, reason, by, n)
            ORDER BY n
            """, logger: logger)
        try await db.query("""
            INSERT INTO outbox(kind, payload, created_at)
            SELECT 'stage_changed', payload, \(now.millis) FROM UNNEST(\(payload)::text[]) WITH ORDINALITY AS u(payload, n)
            ORDER BY n
            """, logger: logger)
    }
}
#endif
