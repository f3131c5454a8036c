#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import Foundation
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    public func accountContacts(domain: String) async throws -> AccountContacts? {
        let logger = self.logger
        return try await read { db in
            let rows = try await db.query("SELECT id, domain, name FROM account WHERE domain = \(domain)", logger: logger).collect()
            guard let row = rows.first else { return nil }
            let (id, found, name) = try row.decode((Int64, String, String?).self)
            let contacts = try await Self.contacts(db, accounts: id...id, logger: logger)
            return AccountContacts(domain: found, name: name, contacts: contacts[id] ?? [])
        }
    }

    public func accountContactPage(afterLeadID: Int64, limit: Int) async throws -> AccountContactPage {
        let logger = self.logger
        return try await read { db in
            var contacts: [(account: Int64, domain: String, name: String?, contact: AccountContact)] = []
            var last: Int64?
            let rows = try await db.query("""
                SELECT l.id, l.account_id, a.domain, a.name, l.email, l.name, l.grade, l.fit_points, l.stage, l.engagement_amp, l.owner,
                       l.last_activity_at, l.state
                FROM lead l LEFT JOIN account a ON a.id = l.account_id WHERE l.id > \(afterLeadID) ORDER BY l.id LIMIT \(Int64(limit))
                """, logger: logger)
            for try await row in rows {
                let (id, account, domain, accountName, email, name, grade, fit, stage, amplitude, owner, lastActivity, blob) =
                    try row.decode((Int64, Int64?, String?, String?, String, String?, String, Int, String, Double, String?, Int64?, Data).self)
                last = id
                guard let account, let domain else { continue }
                let state = try PostgresLeadRows.decodeState(blob, key: LeadKey(normalizedEmail: email))
                contacts.append((account, domain, accountName, AccountContact(
                    email: email, name: name, grade: Grade(rawValue: grade) ?? .d, fitPoints: fit, stage: Stage(rawValue: stage) ?? .new,
                    amplitude: amplitude, owner: owner, lastActivity: lastActivity.map(Timestamp.init(millis:)), fields: state.fields)))
            }
            return AccountContactPage(contacts: contacts, nextAfter: last)
        }
    }

    /// The contacts of the accounts whose ids are in `ids`, by account, each account's in the order they were created.
    static func contacts(_ db: GuardedConnection, accounts ids: ClosedRange<Int64>, logger: Logger) async throws -> [Int64: [AccountContact]] {
        var out: [Int64: [AccountContact]] = [:]
        let rows = try await db.query("""
            SELECT account_id, email, name, grade, fit_points, stage, engagement_amp, owner, last_activity_at, state
            FROM lead WHERE account_id BETWEEN \(ids.lowerBound) AND \(ids.upperBound) ORDER BY account_id, id
            """, logger: logger)
        for try await (account, email, name, grade, fit, stage, amplitude, owner, last, blob)
            in rows.decode((Int64, String, String?, String, Int, String, Double, String?, Int64?, Data).self) {
            let state = try PostgresLeadRows.decodeState(blob, key: LeadKey(normalizedEmail: email))
            out[account, default: []].append(AccountContact(
                email: email, name: name, grade: Grade(rawValue: grade) ?? .d, fitPoints: fit, stage: Stage(rawValue: stage) ?? .new,
                amplitude: amplitude, owner: owner, lastActivity: last.map(Timestamp.init(millis:)), fields: state.fields))
        }
        return out
    }
}
#endif
