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

    /// The rows of the leads among `keys`, locked until the transaction ends (`FOR UPDATE`) in email order — one
    /// order for every writer, so two batches touching the same leads cannot deadlock on them — or, with
    /// `lock: false`, read without holding anything.
    static func loadAll(_ db: GuardedConnection, keys: Set<LeadKey>, lock: Bool = true, logger: Logger) async throws -> [LeadKey: StoredLead] {
        guard !keys.isEmpty else { return [:] }
        let emails = keys.map(\.email).sorted()
        let rows = lock
            ? try await db.query("""
                SELECT id, email, state, model_version FROM lead WHERE email = ANY(\(emails)) ORDER BY email COLLATE "C" FOR UPDATE
                """, logger: logger)
            : try await db.query("SELECT id, email, state, model_version FROM lead WHERE email = ANY(\(emails))", logger: logger)
        var loaded: [LeadKey: StoredLead] = [:]
        for try await (id, email, blob, version) in rows.decode((Int64, String, Data, Int).self) {
            let key = LeadKey(normalizedEmail: email)
            loaded[key] = StoredLead(id: id, key: key, modelVersion: version, stateBytes: blob)
        }
        return loaded
    }

    /// Inserts a new lead with an empty state (its first event fills it), linked to the account of `accountDomain`.
    /// If another transaction inserted the same lead meanwhile, waits for it and loads (and locks) that row instead.
    static func insert(_ db: GuardedConnection, key: LeadKey, accountDomain: String?, company: String?, at: Timestamp,
                       modelVersion: Int, logger: Logger) async throws -> StoredLead {
        var accountID: Int64?
        if let domain = accountDomain {
            let rows = try await db.query("""
                INSERT INTO account(domain, name) VALUES (\(domain), \(company))
                ON CONFLICT(domain) DO UPDATE SET name = COALESCE(account.name, excluded.name)
                RETURNING id
                """, logger: logger).collect()
            accountID = try rows.first?.decode(Int64.self)
        }
        let empty = StoredLead.empty(id: 0, key: key, modelVersion: modelVersion)
        let rows = try await db.query("""
            INSERT INTO lead(email, account_id, created_at, updated_at, model_version, fit_points, grade, grade_rank,
                             stage, engagement_amp, state)
            VALUES (\(key.email), \(accountID), \(at.millis), \(at.millis), \(modelVersion), 0, 'D', 3, 'new', 0, \(empty.stateBytes))
            ON CONFLICT(email) DO NOTHING
            RETURNING id
            """, logger: logger).collect()
        if let row = rows.first {
            return StoredLead(id: try row.decode(Int64.self), key: key, modelVersion: modelVersion, stateBytes: empty.stateBytes)
        }
        guard let loaded = try await loadAll(db, keys: [key], logger: logger)[key] else {
            throw StoreError.corrupt("lead '\(key.email)' was neither inserted nor found")
        }
        return loaded
    }

    /// A sentinel for "no value" in the integer arrays below: PostgresNIO encodes arrays without NULL elements, so
    /// `NULLIF` turns it back into NULL on the server. No timestamp in milliseconds reaches it.
    static let noInt = Int64.min

    /// Writes the projections of several leads (``LeadProjection``) under a model version in one
    /// `UPDATE … FROM UNNEST(…)` (one round trip for a batch instead of one per lead), then their stage changes and
    /// outbox messages.
    static func writeAll(_ db: GuardedConnection, _ writes: [LeadWrite], modelVersion: Int, at: Timestamp,
                         logger: Logger) async throws {
        guard !writes.isEmpty else { return }
        var ids: [Int64] = [], fit: [Int64] = [], grade: [String] = [], rank: [Int64] = [], stage: [String] = []
        var amp: [Double] = [], activity: [Int64] = [], lastAt: [Int64] = [], lastID: [String] = []
        var name: [String] = [], company: [String] = [], owner: [String] = [], due: [Int64] = [], escalate: [Int64] = [], state: [ByteBuffer] = []
        var followUp: [Int64] = [], hold: [String] = [], announce: [Int64] = []
        for w in writes {
            let p = w.projection
            ids.append(w.lead.id)
            fit.append(Int64(p.fitPoints))
            grade.append(p.grade.rawValue)
            rank.append(Int64(p.grade.rank))
            stage.append(p.stage.rawValue)
            amp.append(p.engagementAmplitude)
            activity.append(p.lastActivity?.millis ?? noInt)
            lastAt.append(p.lastAt?.millis ?? noInt)
            lastID.append(p.lastID?.rawValue ?? "")  // event ids are never empty (EventLimits)
            name.append(p.name ?? "")
            company.append(p.company ?? "")  // stored fields are never empty (upserts skip empty values)
            owner.append(p.owner ?? "")
            due.append(p.dueAt?.millis ?? noInt)
            escalate.append(p.escalateAt?.millis ?? noInt)
            followUp.append(p.followUpAt?.millis ?? noInt)
            hold.append(p.followUpHold ?? "")
            announce.append(p.followUpAnnounceAt?.millis ?? noInt)
            state.append(ByteBuffer(bytes: p.state))
        }
        try await db.query("""
            UPDATE lead SET updated_at = \(at.millis), model_version = \(modelVersion), fit_points = u.fit_points,
              grade = u.grade, grade_rank = u.grade_rank, stage = u.stage, engagement_amp = u.amp,
              last_activity_at = NULLIF(u.last_activity_at, \(noInt)), last_at = NULLIF(u.last_at, \(noInt)),
              last_id = NULLIF(u.last_id, ''), name = NULLIF(u.name, ''), company = NULLIF(u.company, ''),
              owner = NULLIF(u.owner, ''), due_at = NULLIF(u.due_at, \(noInt)),
              escalate_at = NULLIF(u.escalate_at, \(noInt)), followup_at = NULLIF(u.followup_at, \(noInt)),
              followup_hold = NULLIF(u.followup_hold, ''), followup_announce_at = NULLIF(u.followup_announce_at, \(noInt)), state = u.state
            FROM UNNEST(\(ids)::int8[], \(fit)::int8[], \(grade)::text[], \(rank)::int8[], \(stage)::text[], \(amp)::float8[],
                        \(activity)::int8[], \(lastAt)::int8[], \(lastID)::text[], \(name)::text[], \(company)::text[],
                        \(owner)::text[], \(due)::int8[], \(escalate)::int8[], \(followUp)::int8[], \(hold)::text[], \(announce)::int8[], \(state)::bytea[])
              AS u(id, fit_points, grade, grade_rank, stage, amp, last_activity_at, last_at, last_id, name, company, owner, due_at, escalate_at,
                   followup_at, followup_hold, followup_announce_at, state)
            WHERE lead.id = u.id
            """, logger: logger)
        try await recordStageChanges(db, writes, modelVersion: modelVersion, now: at, logger: logger)
    }

    /// Records stage changes and their outbox messages (same transaction as the change), in the projections' order,
    /// each table in one statement.
    static func recordStageChanges(_ db: GuardedConnection, _ writes: [LeadWrite], modelVersion: Int,
                                   now: Timestamp, logger: Logger) async throws {
        var lead: [Int64] = [], from: [String] = [], to: [String] = [], at: [Int64] = [], event: [String] = []
        var reason: [String] = [], by: [String] = [], kind: [String] = [], payload: [String] = []
        for w in writes {
            for change in w.changes {
                lead.append(w.lead.id)
                from.append(change.from.rawValue)
                to.append(change.to.rawValue)
                at.append(change.at.millis)
                event.append(change.eventID.rawValue)
                reason.append(change.reason)
                by.append(change.by)
            }
            for message in w.messages {
                kind.append(message.kind)
                payload.append(message.payload)
            }
        }
        if !lead.isEmpty {
            try await db.query("""
                INSERT INTO stage_change(lead_id, from_stage, to_stage, at, event_id, reason, by, model_version)
                SELECT lead_id, from_stage, to_stage, at, event_id, reason, by, \(modelVersion)
                FROM UNNEST(\(lead)::int8[], \(from)::text[], \(to)::text[], \(at)::int8[], \(event)::text[], \(reason)::text[],
                            \(by)::text[]) WITH ORDINALITY AS u(lead_id, from_stage, to_stage, at, event_id, reason, by, n)
                ORDER BY n
                """, logger: logger)
        }
        guard !payload.isEmpty else { return }
        try await db.query("""
            INSERT INTO outbox(kind, payload, created_at)
            SELECT kind, payload, \(now.millis) FROM UNNEST(\(kind)::text[], \(payload)::text[]) WITH ORDINALITY AS u(kind, payload, n)
            ORDER BY n
            """, logger: logger)
    }
}
#endif
