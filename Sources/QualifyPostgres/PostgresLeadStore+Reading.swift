#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    public func fieldNamesCarried() async throws -> Set<String> {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT DISTINCT k FROM event, json_object_keys(event.properties::json) AS k WHERE event.type = '$fields' AND k <> '$source'
                """, logger: logger)
            var out = Set<String>()
            for try await name in rows.decode(String.self) { out.insert(name) }
            return out
        }
    }

    public func leadIndex(afterID: Int64, limit: Int) async throws -> [LeadIndexEntry] {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT id, email, stage, updated_at FROM lead WHERE id > \(afterID) ORDER BY id LIMIT \(Int64(limit))
                """, logger: logger)
            var out: [LeadIndexEntry] = []
            for try await (id, email, stage, updated) in rows.decode((Int64, String, String, Int64).self) {
                out.append(LeadIndexEntry(id: id, key: LeadKey(normalizedEmail: email), stage: Stage(rawValue: stage) ?? .new,
                                          updatedAt: Timestamp(millis: updated)))
            }
            return out
        }
    }

    public func handoffEvents(after: Int64, limit: Int) async throws -> [(position: Int64, event: Event)] {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT e.seq, e.id, l.email, e.type, e.at, e.properties FROM event e JOIN lead l ON l.id = e.lead_id
                WHERE e.seq > \(after) AND (e.type IN ('$assign', '$sla', '$stage') OR e.type LIKE 'sales.%')
                ORDER BY e.seq LIMIT \(Int64(limit))
                """, logger: logger)
            var out: [(position: Int64, event: Event)] = []
            for try await (seq, id, email, type, at, properties) in rows.decode((Int64, String, String, String, Int64, String).self) {
                out.append((seq, try StoredEventCodec.event(id: id, lead: LeadKey(normalizedEmail: email), type: type, at: at,
                                                           properties: properties)))
            }
            return out
        }
    }

    public func leadsToEscalate(at now: Timestamp, limit: Int) async throws -> [LeadKey] {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT email FROM lead WHERE escalate_at <= \(now.millis) ORDER BY escalate_at, id LIMIT \(Int64(limit))
                """, logger: logger)
            var keys: [LeadKey] = []
            for try await email in rows.decode(String.self) { keys.append(LeadKey(normalizedEmail: email)) }
            return keys
        }
    }

    public func lead(_ key: LeadKey) async throws -> LeadRecord? {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT l.id, l.state, l.model_version, a.domain, a.name,
                       (SELECT COUNT(*) FROM lead WHERE account_id = l.account_id)
                FROM lead l LEFT JOIN account a ON a.id = l.account_id WHERE l.email = \(key.email)
                """, logger: logger).collect()
            guard let row = rows.first else { return nil }
            let (id, blob, modelVersion, domain, accountName, accountLeads) = try row.decode((Int64, Data, Int, String?, String?, Int).self)
            let state = try PostgresLeadRows.decodeState(blob, key: key)
            let account = domain.map { Account(domain: $0, name: accountName, leads: accountLeads) }
            let events = try await PostgresStoredEvent.fetchAll(db, leadID: id, key: key, logger: logger)
            var merges: [MergeRecord] = []
            let mergeRows = try await db.query("SELECT at, origin, changes FROM lead_merge WHERE lead_id = \(id) ORDER BY id", logger: logger)
            for try await (at, origin, changes) in mergeRows.decode((Int64, String, String).self) {
                merges.append(MergeRecord(at: Timestamp(millis: at), origin: origin, changes: FlatJSON.decode(changes) ?? [:]))
            }
            return LeadRecord(key: key, account: account, state: state, modelVersion: modelVersion, events: events, merges: merges)
        }
    }

    public func statistics() async throws -> StoreStatistics {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT (SELECT COUNT(*) FROM lead), (SELECT COUNT(*) FROM account), (SELECT COUNT(*) FROM event),
                       (SELECT COUNT(*) FROM stage_change), (SELECT MAX(version) FROM model_version),
                       (SELECT COUNT(*) FROM event WHERE left(id, 7) = '$route:' OR left(id, 5) = '$sla:' OR left(id, 10) = '$followup:')
                """, logger: logger).collect()
            guard let row = rows.first else { throw StoreError.corrupt("the statistics query returned no row") }
            let (leads, accounts, events, stageChanges, version, own) = try row.decode((Int, Int, Int, Int, Int?, Int).self)
            return StoreStatistics(leads: leads, accounts: accounts, events: events, stageChanges: stageChanges, modelVersion: version,
                                   ownEvents: own)
        }
    }

    public func quarantine(_ rows: [QuarantinedLead]) async throws -> Int {
        let logger = self.logger
        return try await write { db in
            var added = 0
            for row in rows {
                let inserted = try await db.query("""
                    INSERT INTO quarantine(email, reason, source, line, fields, at)
                    VALUES (\(row.email), \(row.reason), \(row.source), \(row.line), \(FlatJSON.encode(row.fields)), \(row.at.millis))
                    ON CONFLICT(email, source) DO NOTHING
                    RETURNING id
                    """, logger: logger).collect()
                added += inserted.count
            }
            return added
        }
    }

    public func quarantined(limit: Int) async throws -> [QuarantinedLead] {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("""
                SELECT email, reason, source, line, fields, at FROM quarantine ORDER BY id DESC LIMIT \(max(0, limit))
                """, logger: logger)
            var out: [QuarantinedLead] = []
            for try await (email, reason, source, line, fields, at) in rows.decode((String, String, String, Int?, String, Int64).self) {
                out.append(QuarantinedLead(email: email, reason: reason, source: source, line: line, fields: FlatJSON.decode(fields) ?? [:],
                                           at: Timestamp(millis: at)))
            }
            return out
        }
    }

    public func pendingOutbox(limit: Int) async throws -> [OutboxMessage] {
        let logger = self.logger
        return try await read { db in
            try await Self.outbox(db, """
                SELECT id, kind, payload, created_at FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT \(max(0, limit))
                """, logger: logger)
        }
    }

    public func outboxMessages(after id: Int64, limit: Int) async throws -> [OutboxMessage] {
        let logger = self.logger
        return try await read { db in
            try await Self.outbox(db, "SELECT id, kind, payload, created_at FROM outbox WHERE id > \(id) ORDER BY id LIMIT \(max(0, limit))",
                                  logger: logger)
        }
    }

    public func latestOutboxID() async throws -> Int64 {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("SELECT COALESCE(MAX(id), 0) FROM outbox", logger: logger).collect()
            return try rows.first?.decode(Int64.self) ?? 0
        }
    }

    static func outbox(_ db: GuardedConnection, _ query: PostgresQuery, logger: Logger) async throws -> [OutboxMessage] {
        var out: [OutboxMessage] = []
        for try await (id, kind, payload, createdAt) in try await db.query(query, logger: logger).decode((Int64, String, String, Int64).self) {
            out.append(OutboxMessage(id: id, kind: kind, payload: payload, createdAt: Timestamp(millis: createdAt)))
        }
        return out
    }
}
#endif
