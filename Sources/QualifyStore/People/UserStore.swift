import QualifyCore

/// The storage verbs of the web app's people: users (who may sign in, with which role) and their sessions. Kept in
/// the database, so several `qualify serve` instances share them. Passwords arrive hashed and session tokens as the
/// hash of the token: neither a password nor a live token is ever stored. What a password must be, how long a session
/// lives and who may manage users are decided above (QualifyUseCases' ``People``).
public protocol UserStore: Sendable {
    /// Records a new user. Throws ``StoreError/duplicateKey`` if the email is taken.
    func createUser(_ user: UserRecord, passwordHash: String) async throws
    /// The user with this (lowercased) email and their password hash; nil if there is none.
    func user(email: String) async throws -> (user: UserRecord, passwordHash: String)?
    /// Every user, by email.
    func users() async throws -> [UserRecord]
    /// Changes a user (nil leaves a value as it was), in one transaction; disabling a user or setting a new password
    /// also ends every session of theirs. A change that would leave no enabled admin where the user was one is not
    /// made (checked in the same transaction, so two at once cannot both pass).
    func updateUser(email: String, change: UserChange, at: Timestamp) async throws -> UserUpdate

    /// Records a session just signed in.
    func createSession(_ session: WebSession) async throws
    /// The session whose token hashes to `tokenHash` and its user; nil if there is none.
    func session(tokenHash: String) async throws -> (session: WebSession, user: UserRecord)?
    /// Notes that a session was used at `at` (its idle time counts from the latest).
    func touchSession(tokenHash: String, at: Timestamp) async throws
    /// Ends one session (sign-out); nothing happens if there is none.
    func endSession(tokenHash: String) async throws
    /// Ends every session last used before `idleBefore`; returns how many.
    func endSessions(idleBefore: Timestamp) async throws -> Int
}

/// A person who signs in to the web app. Roles are the API's: `sales`, `marketing` or `admin` (`ingest` is for
/// machines and has no pages).
public struct UserRecord: Sendable, Hashable, Codable {
    /// Lowercased; the sign-in name.
    public var email: String
    public var name: String
    public var role: Role
    public var disabled: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public init(email: String, name: String, role: Role, disabled: Bool = false, createdAt: Timestamp, updatedAt: Timestamp? = nil) {
        self.email = email
        self.name = name
        self.role = role
        self.disabled = disabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// What ``UserStore/updateUser(email:change:at:)`` changes; nil leaves a value as it is.
public struct UserChange: Sendable, Hashable {
    public var name: String?
    public var role: Role?
    public var disabled: Bool?
    public var passwordHash: String?
    public init(name: String? = nil, role: Role? = nil, disabled: Bool? = nil, passwordHash: String? = nil) {
        self.name = name
        self.role = role
        self.disabled = disabled
        self.passwordHash = passwordHash
    }

    /// Whether the change ends the user's sessions (disabled, or a new password).
    public var endsSessions: Bool { disabled == true || passwordHash != nil }
}

/// What ``UserStore/updateUser(email:change:at:)`` did.
public enum UserUpdate: Sendable, Hashable {
    case updated
    case noSuchUser
    /// Not made: the user is the last enabled admin and the change disables them or gives them another role.
    case lastAdmin
}

/// A signed-in browser: found by the hash of the token in its cookie; the CSRF token its forms must carry.
public struct WebSession: Sendable, Hashable, Codable {
    public var tokenHash: String
    public var email: String
    public var csrfToken: String
    public var createdAt: Timestamp
    public var lastSeenAt: Timestamp
    public init(tokenHash: String, email: String, csrfToken: String, createdAt: Timestamp, lastSeenAt: Timestamp) {
        self.tokenHash = tokenHash
        self.email = email
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }
}
