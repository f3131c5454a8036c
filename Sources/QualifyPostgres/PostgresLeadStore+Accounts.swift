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

    public func accountPage(afterID: Int64, limit: Int) async throws -> [(id: Int64, account: AccountContacts)] {
        let logger = self.logger
        return try await read { db in
            var accounts: [(id: Int64, domain: String, name: String?)] = []
            let rows = try await db.query("SELECT id, domain, name FROM account WHERE id > \(afterID) ORDER BY id LIMIT \(Int64(limit))",
                                          logger: logger)
            for try await row in rows.decode((Int64, String, String?).self) { accounts.append(row) }
            guard let first = accounts.first?.id, let last = accounts.last?.id else { return [] }
            let contacts = try await Self.contacts(db, accounts: first...last, logger: logger)
            return accounts.compactMap { a in
                contacts[a.id].map { (a.id, AccountContacts(domain: a.domain, name: a.name, contacts: $0)) }
            }
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
