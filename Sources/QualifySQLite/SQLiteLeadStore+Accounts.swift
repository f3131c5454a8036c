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

    public func accountContactPage(afterLeadID: Int64, limit: Int) async throws -> AccountContactPage {
        try await read { db in
            // the lead table in row order (sequential), not by account (a random read per lead at a million)
            var contacts: [(account: Int64, domain: String, name: String?, contact: AccountContact)] = []
            var last: Int64?
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.id, l.account_id, a.domain, a.name, l.email, l.name, l.grade, l.fit_points, l.stage, l.engagement_amp, l.owner,
                       l.last_activity_at, l.state
                FROM lead l LEFT JOIN account a ON a.id = l.account_id WHERE l.id > ? ORDER BY l.id LIMIT ?
                """, arguments: [afterLeadID, limit])
            while let row = try rows.next() {
                last = row[0]
                guard let account: Int64 = row[1], let domain: String = row[2] else { continue }
                let email: String = row[4]
                let state = try LeadRows.decodeState(row[12], key: LeadKey(normalizedEmail: email))
                contacts.append((account, domain, row[3], AccountContact(
                    email: email, name: row[5], grade: Grade(rawValue: row[6]) ?? .d, fitPoints: row[7], stage: Stage(rawValue: row[8]) ?? .new,
                    amplitude: row[9], owner: row[10], lastActivity: (row[11] as Int64?).map(Timestamp.init(millis:)), fields: state.fields)))
            }
            return AccountContactPage(contacts: contacts, nextAfter: last)
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
