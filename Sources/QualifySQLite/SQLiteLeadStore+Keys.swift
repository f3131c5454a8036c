import GRDB
import QualifyCore
import QualifyStore

extension SQLiteLeadStore {
    public func createAPIKey(_ key: APIKeyRecord, secretHash: String) async throws {
        try await write { db in
            let taken = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM api_key WHERE id = ? OR secret_hash = ?)",
                                          arguments: [key.id, secretHash]) ?? false
            if taken { throw StoreError.duplicateKey(key.id) }
            try db.execute(sql: "INSERT INTO api_key (id, secret_hash, name, role, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [key.id, secretHash, key.name, key.role.rawValue, key.createdAt.millis, key.revokedAt?.millis])
        }
    }

    public func apiKey(secretHash: String) async throws -> APIKeyRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, role, created_at, revoked_at FROM api_key WHERE secret_hash = ?",
                             arguments: [secretHash]).map(Self.keyRecord)
        }
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, role, created_at, revoked_at FROM api_key ORDER BY created_at, id").map(Self.keyRecord)
        }
    }

    public func revokeAPIKey(id: String, at: Timestamp) async throws -> Bool {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM api_key WHERE id = ?)", arguments: [id]) == true else { return false }
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at.millis, id])
            return true
        }
    }

    static func keyRecord(_ row: Row) throws -> APIKeyRecord {
        let roleName: String = row[2]
        guard let role = Role(rawValue: roleName) else { throw StoreError.corrupt("API key '\(row[0] as String)' has an unknown role '\(roleName)'") }
        let revoked: Int64? = row[4]
        return APIKeyRecord(id: row[0], name: row[1], role: role, createdAt: Timestamp(millis: row[3]), revokedAt: revoked.map(Timestamp.init(millis:)))
    }
}
