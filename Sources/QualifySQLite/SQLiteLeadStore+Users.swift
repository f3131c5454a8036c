import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore: UserStore {
    public func createUser(_ user: UserRecord, passwordHash: String) async throws {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM app_user WHERE email = ?)", arguments: [user.email]) == false else {
                throw StoreError.duplicateKey(user.email)
            }
            try db.execute(sql: """
                INSERT INTO app_user (email, name, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [user.email, user.name, user.role.rawValue, passwordHash, user.disabled ? 1 : 0, user.createdAt.millis,
                                 user.updatedAt.millis])
        }
    }

    public func user(email: String) async throws -> (user: UserRecord, passwordHash: String)? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.userColumns), password_hash FROM app_user WHERE email = ?", arguments: [email])
                .map { row in (try Self.userRecord(row), row[6] as String) }
        }
    }

    public func users() async throws -> [UserRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.userColumns) FROM app_user ORDER BY email").map(Self.userRecord)
        }
    }

    public func updateUser(email: String, change: UserChange, at: Timestamp) async throws -> UserUpdate {
        try await write { db in
            guard let before = try Row.fetchOne(db, sql: "SELECT role, disabled FROM app_user WHERE email = ?", arguments: [email]) else {
                return .noSuchUser
            }
            let wasAdmin = (before[0] as String) == Role.admin.rawValue && (before[1] as Int64) == 0
            let losesAdmin = change.disabled == true || (change.role.map { $0 != .admin } ?? false)
            if wasAdmin, losesAdmin,
               try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM app_user WHERE role = 'admin' AND disabled = 0 AND email <> ?", arguments: [email]) == 0 {
                return .lastAdmin
            }
            try db.execute(sql: """
                UPDATE app_user SET name = COALESCE(?, name), role = COALESCE(?, role), disabled = COALESCE(?, disabled),
                  password_hash = COALESCE(?, password_hash), updated_at = ? WHERE email = ?
                """, arguments: [change.name, change.role?.rawValue, change.disabled.map { $0 ? 1 : 0 }, change.passwordHash, at.millis, email])
            if change.endsSessions { try db.execute(sql: "DELETE FROM web_session WHERE email = ?", arguments: [email]) }
            return .updated
        }
    }

    public func createSession(_ session: WebSession) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO web_session (token_hash, email, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [session.tokenHash, session.email, session.csrfToken, session.createdAt.millis, session.lastSeenAt.millis])
        }
    }

    public func session(tokenHash: String) async throws -> (session: WebSession, user: UserRecord)? {
        try await read { db in
            let columns = Self.userColumns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(columns), s.token_hash, s.csrf_token, s.created_at, s.last_seen_at
                FROM web_session s JOIN app_user u ON u.email = s.email WHERE s.token_hash = ?
                """, arguments: [tokenHash]) else { return nil }
            let user = try Self.userRecord(row)
            return (WebSession(tokenHash: row[6], email: user.email, csrfToken: row[7], createdAt: Timestamp(millis: row[8]),
                               lastSeenAt: Timestamp(millis: row[9])), user)
        }
    }

    public func touchSession(tokenHash: String, at: Timestamp) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE web_session SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
                           arguments: [at.millis, tokenHash, at.millis])
        }
    }

    public func endSession(tokenHash: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM web_session WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    public func endSessions(idleBefore: Timestamp) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE last_seen_at < ?", arguments: [idleBefore.millis])
            return db.changesCount
        }
    }

    static let userColumns = "email, name, role, disabled, created_at, updated_at"

    static func userRecord(_ row: Row) throws -> UserRecord {
        let roleName: String = row[2]
        guard let role = Role(rawValue: roleName) else { throw StoreError.corrupt("user '\(row[0] as String)' has an unknown role '\(roleName)'") }
        return UserRecord(email: row[0], name: row[1], role: role, disabled: (row[3] as Int64) != 0, createdAt: Timestamp(millis: row[4]),
                          updatedAt: Timestamp(millis: row[5]))
    }
}
