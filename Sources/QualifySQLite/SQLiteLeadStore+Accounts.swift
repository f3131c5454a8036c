import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    public func accountContacts(domain: String) async throws -> AccountContacts? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, domain, name FROM account WHERE domain = ?", arguments: [domain]) else { return nil }
            let contacts = try Self.contacts(db, accounts: row["id"]...row["id"])
            return AccountContacts(domain: row["domain"], name: row["name"], contacts: contacts[row["id"]] ?? [])
        }
    }

    public func accountPage(afterID: Int64, limit: Int) async throws -> [(id: Int64, account: AccountContacts)] {
        try await read { db in
            let accounts = try Row.fetchAll(db, sql: "SELECT id, domain, name FROM account WHERE id > ? ORDER BY id LIMIT ?",
                                            arguments: [afterID, limit])
            guard let first: Int64 = accounts.first?["id"], let last: Int64 = accounts.last?["id"] else { return [] }
            let contacts = try Self.contacts(db, accounts: first...last)
            return accounts.compactMap { row in
                let id: Int64 = row["id"]
                guard let list = contacts[id] else { return nil }
                return (id, AccountContacts(domain: row["domain"], name: row["name"], contacts: list))
            }
        }
    }

    /// The contacts of the accounts whose ids are in `ids`, by account, each account's in the order they were created.
    static func contacts(_ db: Database, accounts ids: ClosedRange<Int64>) throws -> [Int64: [AccountContact]] {
        var out: [Int64: [AccountContact]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT account_id, email, name, grade, fit_points, stage, engagement_amp, owner, last_activity_at, state
            FROM lead INDEXED BY lead_account WHERE account_id BETWEEN ? AND ? ORDER BY account_id, id
            """, arguments: [ids.lowerBound, ids.upperBound])
        while let row = try rows.next() {
            let email: String = row[1]
            let state = try LeadRows.decodeState(row[9], key: LeadKey(normalizedEmail: email))
            out[row[0], default: []].append(AccountContact(
                email: email, name: row[2], grade: Grade(rawValue: row[3]) ?? .d, fitPoints: row[4], stage: Stage(rawValue: row[5]) ?? .new,
                amplitude: row[6], owner: row[7], lastActivity: (row[8] as Int64?).map(Timestamp.init(millis:)), fields: state.fields))
        }
        return out
    }
}
