#if Postgres // the package trait, on by default: without it qualify is built without PostgresNIO
import PostgresNIO
import QualifyCore
import QualifyStore

extension PostgresLeadStore {
    public func createAPIKey(_ key: APIKeyRecord, secretHash: String) async throws {
        let logger = self.logger
        do {
            try await write { db in
                let taken = try await db.query("SELECT EXISTS(SELECT 1 FROM api_key WHERE id = \(key.id) OR secret_hash = \(secretHash))",
                                               logger: logger).collect().first?.decode(Bool.self) ?? false
                if taken { throw StoreError.duplicateKey(key.id) }
                try await db.query("""
                    INSERT INTO api_key (id, secret_hash, name, role, created_at, revoked_at)
                    VALUES (\(key.id), \(secretHash), \(key.name), \(key.role.rawValue), \(key.createdAt.millis), \(key.revokedAt?.millis))
                    """, logger: logger)
            }
        } catch where PostgresTransaction.isUniqueViolation(error) {
            // Another server created the same id or secret between the check and the insert.
            throw StoreError.duplicateKey(key.id)
        }
    }

    public func apiKey(secretHash: String) async throws -> APIKeyRecord? {
        let logger = self.logger
        return try await read { db in
            try await db.query("SELECT id, name, role, created_at, revoked_at FROM api_key WHERE secret_hash = \(secretHash)", logger: logger)
                .collect().first.map(Self.keyRecord)
        }
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        let logger = self.logger
        return try await read { db in
            try await db.query("SELECT id, name, role, created_at, revoked_at FROM api_key ORDER BY created_at, id COLLATE \"C\"", logger: logger)
                .collect().map(Self.keyRecord)
        }
    }

    public func revokeAPIKey(id: String, at: Timestamp) async throws -> Bool {
        let logger = self.logger
        return try await write { db in
            let exists = try await db.query("SELECT EXISTS(SELECT 1 FROM api_key WHERE id = \(id))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard exists else { return false }
            try await db.query("UPDATE api_key SET revoked_at = \(at.millis) WHERE id = \(id) AND revoked_at IS NULL", logger: logger)
            return true
        }
    }

    static func keyRecord(_ row: PostgresRow) throws -> APIKeyRecord {
        let (id, name, roleName, createdAt, revokedAt) = try row.decode((String, String, String, Int64, Int64?).self)
        guard let role = Role(rawValue: roleName) else { throw StoreError.corrupt("API key '\(id)' has an unknown role '\(roleName)'") }
        return APIKeyRecord(id: id, name: name, role: role, createdAt: Timestamp(millis: createdAt), revokedAt: revokedAt.map(Timestamp.init(millis:)))
    }
}
#endif
