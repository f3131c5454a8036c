import GRDB
import QualifyCore
import QualifyStore

/// Migration `v4-email-identity`: lead emails stored before lead identity normalized Unicode become their identity
/// form (``EmailAddress/identity(_:)``: local part in NFC, domain in ASCII form), and leads that turn out to be one
/// person become one lead. The PostgreSQL store's migration of the same name does the same in SQL.
///
/// - Only keys with non-ASCII characters can change: ASCII keys were already in identity form. A key that does not
///   parse any more is left as it is.
/// - When keys collide (a lead already has the identity form, or several stored keys map to one), the survivor is the
///   lead already in identity form, otherwise the oldest (lowest id). The others' events, stage changes and merge
///   records move to it, it takes their name, company and account where it has none, and they are deleted: nothing
///   recorded is lost.
/// - Every lead whose key changed is marked for replay (`model_version` 0, a version no model has): its projection
///   still shows what it showed before, the store replays its whole log at its next event, and `qualify rescore`
///   rebuilds every lead at once.
/// - Account domains with non-ASCII characters take their ASCII form too; two accounts that become one are merged
///   (leads re-linked to the survivor, the older one).
enum EmailIdentityMigration {
    static let name = "v4-email-identity"

    static func apply(_ db: Database) throws {
        try rekeyAccounts(db)
        // non-ASCII emails: more bytes than characters
        let stored = try Row.fetchAll(db, sql: "SELECT id, email FROM lead WHERE length(CAST(email AS BLOB)) <> length(email) ORDER BY id")
        var byIdentity: [String: [Int64]] = [:]
        for row in stored {
            let email: String = row[1]
            // compared as bytes: Swift's == holds NFC and NFD forms equal, the database does not
            guard case .success(let key) = EmailAddress.identity(email), !key.email.utf8.elementsEqual(email.utf8) else { continue }
            byIdentity[key.email, default: []].append(row[0])
        }
        for (identity, ids) in byIdentity.sorted(by: { $0.key < $1.key }) {
            let existing = try Int64.fetchOne(db, sql: "SELECT id FROM lead WHERE email = ?", arguments: [identity])
            let survivor = existing ?? ids[0]
            for loser in ids where loser != survivor { try merge(db, lead: loser, into: survivor) }
            try db.execute(sql: "UPDATE lead SET email = ?, model_version = 0 WHERE id = ?", arguments: [identity, survivor])
        }
    }

    /// Moves everything recorded for `lead` to `survivor` and deletes `lead`.
    static func merge(_ db: Database, lead: Int64, into survivor: Int64) throws {
        for table in ["event", "stage_change", "lead_merge"] {
            try db.execute(sql: "UPDATE \(table) SET lead_id = ? WHERE lead_id = ?", arguments: [survivor, lead])
        }
        try db.execute(sql: """
            UPDATE lead SET name = COALESCE(name, (SELECT name FROM lead WHERE id = ?1)),
                            company = COALESCE(company, (SELECT company FROM lead WHERE id = ?1)),
                            account_id = COALESCE(account_id, (SELECT account_id FROM lead WHERE id = ?1))
            WHERE id = ?2
            """, arguments: [lead, survivor])
        try db.execute(sql: "DELETE FROM lead WHERE id = ?", arguments: [lead])
    }

    /// Account domains in Unicode take their ASCII form, merging into an account that already has it.
    static func rekeyAccounts(_ db: Database) throws {
        let stored = try Row.fetchAll(db, sql: "SELECT id, domain FROM account WHERE length(CAST(domain AS BLOB)) <> length(domain) ORDER BY id")
        for row in stored {
            let id: Int64 = row[0], domain: String = row[1]
            guard let ascii = IDNA.toASCII(domain, normalize: UnicodeNormalization.nfc), ascii != domain else { continue }
            if let other = try Int64.fetchOne(db, sql: "SELECT id FROM account WHERE domain = ?", arguments: [ascii]) {
                let (survivor, gone) = (min(id, other), max(id, other))
                try db.execute(sql: "UPDATE lead SET account_id = ? WHERE account_id = ?", arguments: [survivor, gone])
                try db.execute(sql: "UPDATE account SET name = COALESCE(name, (SELECT name FROM account WHERE id = ?)) WHERE id = ?",
                               arguments: [gone, survivor])
                try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [gone])
                try db.execute(sql: "UPDATE account SET domain = ? WHERE id = ?", arguments: [ascii, survivor])
            } else {
                try db.execute(sql: "UPDATE account SET domain = ? WHERE id = ?", arguments: [ascii, id])
            }
        }
    }
}
