#if Postgres
import Logging
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore: UserStore {
    public func createUser(_ user: UserRecord, passwordHash: String) async throws {
        let logger = self.logger
        do {
            try await write { db in
                _ = try await db.query("""
                    INSERT INTO app_user (email, name, role, password_hash, disabled, created_at, updated_at)
                    VALUES (\(user.email), \(user.name), \(user.role.rawValue), \(passwordHash), \(user.disabled ? 1 : 0),
                            \(user.createdAt.millis), \(user.updatedAt.millis))
                    """, logger: logger)
            }
        } catch where PostgresTransaction.isUniqueViolation(error) {
            throw StoreError.duplicateKey(user.email)
        }
    }

    public func user(email: String) async throws -> (user: UserRecord, passwordHash: String)? {
        let logger = self.logger
        return try await read { db in
            guard let row = try await db.query("""
                SELECT email, name, role, disabled, created_at, updated_at, password_hash FROM app_user WHERE email = \(email)
                """, logger: logger).collect().first else { return nil }
            let cells = PostgresRandomAccessRow(row)
            return (try Self.userRecord(cells), try cells[6].decode(String.self))
        }
    }

    public func users() async throws -> [UserRecord] {
        let logger = self.logger
        return try await read { db in
            try await db.query("SELECT email, name, role, disabled, created_at, updated_at FROM app_user ORDER BY email COLLATE \"C\"",
                               logger: logger).collect().map { try Self.userRecord(PostgresRandomAccessRow($0)) }
        }
    }

    public func updateUser(email: String, change: UserChange, at: Timestamp) async throws -> UserUpdate {
        let logger = self.logger
        return try await write { db in
            // every admin row locked, so two changes to the last admins wait for each other
            let admins = try await db.query("""
                SELECT email, disabled FROM app_user WHERE role = 'admin' OR email = \(email) ORDER BY email COLLATE "C" FOR UPDATE
                """, logger: logger).collect()
            var enabledAdmins = Set<String>()
            var found = false
            for row in admins {
                let (who, off) = try row.decode((String, Int64).self)
                if who == email { found = true }
                if off == 0 { enabledAdmins.insert(who) }
            }
            guard found else { return .noSuchUser }
            let losesAdmin = change.disabled == true || (change.role.map { $0 != .admin } ?? false)
            let current = try await db.query("SELECT role FROM app_user WHERE email = \(email)", logger: logger).collect().first?.decode(String.self)
            if current == Role.admin.rawValue, enabledAdmins.contains(email), losesAdmin, enabledAdmins.count == 1 { return .lastAdmin }
            let disabled: Int64? = change.disabled.map { $0 ? 1 : 0 }
            let updated = try await db.query("""
                UPDATE app_user SET name = COALESCE(\(change.name), name), role = COALESCE(\(change.role?.rawValue), role),
                  disabled = COALESCE(\(disabled), disabled), password_hash = COALESCE(\(change.passwordHash), password_hash),
                  updated_at = \(at.millis)
                WHERE email = \(email) RETURNING email
                """, logger: logger).collect()
            guard !updated.isEmpty else { return .noSuchUser }
            if change.endsSessions { try await db.query("DELETE FROM web_session WHERE email = \(email)", logger: logger) }
            return .updated
        }
    }

    public func createSession(_ session: WebSession) async throws {
        let logger = self.logger
        try await write { db in
            _ = try await db.query("""
                INSERT INTO web_session (token_hash, email, csrf_token, created_at, last_seen_at)
                VALUES (\(session.tokenHash), \(session.email), \(session.csrfToken), \(session.createdAt.millis), \(session.lastSeenAt.millis))
                """, logger: logger)
        }
    }

    public func session(tokenHash: String) async throws -> (session: WebSession, user: UserRecord)? {
        let logger = self.logger
        return try await read { db in
            guard let row = try await db.query("""
                SELECT u.email, u.name, u.role, u.disabled, u.created_at, u.updated_at, s.csrf_token, s.created_at, s.last_seen_at
                FROM web_session s JOIN app_user u ON u.email = s.email WHERE s.token_hash = \(tokenHash)
                """, logger: logger).collect().first else { return nil }
            let cells = PostgresRandomAccessRow(row)
            let user = try Self.userRecord(cells)
            return (WebSession(tokenHash: tokenHash, email: user.email, csrfToken: try cells[6].decode(String.self),
                               createdAt: Timestamp(millis: try cells[7].decode(Int64.self)),
                               lastSeenAt: Timestamp(millis: try cells[8].decode(Int64.self))), user)
        }
    }

    public func touchSession(tokenHash: String, at: Timestamp) async throws {
        let logger = self.logger
        try await write { db in
            _ = try await db.query("UPDATE web_session SET last_seen_at = \(at.millis) WHERE token_hash = \(tokenHash) AND last_seen_at < \(at.millis)",
                               logger: logger)
        }
    }

    public func endSession(tokenHash: String) async throws {
        let logger = self.logger
        try await write { db in _ = try await db.query("DELETE FROM web_session WHERE token_hash = \(tokenHash)", logger: logger) }
    }

    public func endSessions(idleBefore: Timestamp) async throws -> Int {
        let logger = self.logger
        return try await write { db in
            try await db.query("DELETE FROM web_session WHERE last_seen_at < \(idleBefore.millis) RETURNING token_hash", logger: logger)
                .collect().count
        }
    }

    /// The user in a row's first six columns.
    static func userRecord(_ cells: PostgresRandomAccessRow) throws -> UserRecord {
        let email = try cells[0].decode(String.self)
        let roleName = try cells[2].decode(String.self)
        guard let role = Role(rawValue: roleName) else { throw StoreError.corrupt("user '\(email)' has an unknown role '\(roleName)'") }
        return UserRecord(email: email, name: try cells[1].decode(String.self), role: role, disabled: try cells[3].decode(Int64.self) != 0,
                          createdAt: Timestamp(millis: try cells[4].decode(Int64.self)), updatedAt: Timestamp(millis: try cells[5].decode(Int64.self)))
    }
}
#endif
