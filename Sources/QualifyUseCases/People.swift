import Crypto
import Foundation
import HummingbirdBcrypt
import QualifyCore
import QualifyStore

/// The web app's people, decided once for every shell (`qualify users …`, the settings page, sign-in): who may be a
/// user, what a password must be, how a session starts, lives and ends. Passwords are kept as bcrypt hashes (cost
/// ``bcryptCost``); a session's token lives only in the browser's cookie, the store keeps its SHA-256.
public struct People: Sendable {
    public let store: any UserStore
    /// A session unused this long ends (idle expiry).
    public var idleLimit: TimeSpan
    /// A session ends this long after sign-in, used or not.
    public var lifetime: TimeSpan

    public static let bcryptCost: UInt8 = 12
    public static let minimumPasswordLength = 10
    /// The roles a person can have (``Role/ingest`` is for machines: forms and trackers, through API keys).
    public static let roles: [Role] = [.sales, .marketing, .admin]

    public init(store: any UserStore, idleLimit: TimeSpan = .hours(12), lifetime: TimeSpan = .days(14)) {
        self.store = store
        self.idleLimit = idleLimit
        self.lifetime = lifetime
    }

    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case badEmail(String)
        case badRole(String)
        case badName
        case shortPassword
        case taken(String)
        case unknownUser(String)
        case lastAdmin(String)

        public var description: String {
            switch self {
            case .badEmail(let e): return "'\(e)' is not an email address (the user signs in with it)"
            case .badRole(let r): return "role '\(r)' is not a person's role: use sales, marketing or admin (ingest is for API keys)"
            case .badName: return "the name is empty or longer than 100 characters"
            case .shortPassword: return "the password is shorter than \(People.minimumPasswordLength) characters"
            case .taken(let e): return "there is already a user '\(e)'"
            case .unknownUser(let e): return "there is no user '\(e)' (list them with `qualify users list`)"
            case .lastAdmin(let e): return "'\(e)' is the last admin who can sign in; make another admin first"
            }
        }

        /// The form field at fault.
        public var field: String {
            switch self {
            case .badEmail, .taken, .unknownUser: return "email"
            case .badRole, .lastAdmin: return "role"
            case .badName: return "name"
            case .shortPassword: return "password"
            }
        }
    }

    /// The sign-in form of an email: trimmed, lowercased, checked as an address.
    public static func signInName(_ raw: String) throws -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard email.count <= 254, case .success = EmailAddress.parse(email) else { throw Problem.badEmail(String(raw.prefix(80))) }
        return email
    }

    public static func role(_ raw: String) throws -> Role {
        guard let role = Role(rawValue: raw.lowercased()), roles.contains(role) else { throw Problem.badRole(String(raw.prefix(40))) }
        return role
    }

    static func check(password: String) throws {
        guard password.count >= minimumPasswordLength else { throw Problem.shortPassword }
    }

    /// A password of 16 random letters and digits (`users add` without `--password`, `reset-password`).
    public static func generatedPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
    }

    /// Adds a user. The email is the sign-in name; the name defaults to the email's local part.
    @discardableResult
    public func add(email rawEmail: String, name: String?, role: Role, password: String, at: Timestamp) async throws -> UserRecord {
        let email = try Self.signInName(rawEmail)
        guard Self.roles.contains(role) else { throw Problem.badRole(role.rawValue) }
        let shown = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard shown.count <= 100 else { throw Problem.badName }
        try Self.check(password: password)
        let user = UserRecord(email: email, name: shown.isEmpty ? String(email.prefix { $0 != "@" }) : shown, role: role, createdAt: at)
        do {
            try await store.createUser(user, passwordHash: await Self.hash(password))
        } catch StoreError.duplicateKey {
            throw Problem.taken(email)
        }
        return user
    }

    /// Sets a new password (ending the user's sessions).
    public func setPassword(email rawEmail: String, to password: String, at: Timestamp) async throws {
        let email = try Self.signInName(rawEmail)
        try Self.check(password: password)
        guard try await store.updateUser(email: email, change: UserChange(passwordHash: await Self.hash(password)), at: at) == .updated else {
            throw Problem.unknownUser(email)
        }
    }

    /// Changes a user's name, role or whether they may sign in (disabling ends their sessions). The last admin who can
    /// sign in cannot be disabled or given another role: nobody could manage users after.
    public func change(email rawEmail: String, name: String? = nil, role: Role? = nil, disabled: Bool? = nil, at: Timestamp) async throws -> UserRecord {
        let email = try Self.signInName(rawEmail)
        if let role, !Self.roles.contains(role) { throw Problem.badRole(role.rawValue) }
        if let name { guard !name.isEmpty, name.count <= 100 else { throw Problem.badName } }
        // the store checks the last admin in the change's own transaction
        switch try await store.updateUser(email: email, change: UserChange(name: name, role: role, disabled: disabled), at: at) {
        case .updated: break
        case .noSuchUser: throw Problem.unknownUser(email)
        case .lastAdmin: throw Problem.lastAdmin(email)
        }
        guard let user = try await store.user(email: email)?.user else { throw Problem.unknownUser(email) }
        return user
    }

    /// The `owner` value of a user's leads ("my leads"): the id of the model team member with their email, else their
    /// name (the routing writes team ids; a CRM or import may write names).
    public static func ownerID(of user: UserRecord, team: HandoffSection?) -> String {
        team?.team.first { $0.email?.lowercased() == user.email }?.id ?? user.name
    }

    // MARK: sessions

    /// A signed-in browser: the token for its cookie (shown once, never stored) and the session as stored.
    public struct SignedIn: Sendable {
        public var token: String
        public var session: WebSession
        public var user: UserRecord
    }

    /// Checks an email and password; a new session if they match a user who may sign in, nil otherwise (the same
    /// answer whether the email is unknown, the password wrong or the user disabled, and the same work: a hash is
    /// checked either way, so timing does not tell which).
    public func signIn(email rawEmail: String, password: String, at: Timestamp) async throws -> SignedIn? {
        let email = (try? Self.signInName(rawEmail)) ?? ""
        let found = email.isEmpty ? nil : try await store.user(email: email)
        let hash = found?.passwordHash ?? Self.decoyHash
        let matches = password.utf8.count <= 512 ? await Self.verify(password, hash: hash) : false
        guard let found, matches, !found.user.disabled else { return nil }
        let token = Self.randomToken()
        let session = WebSession(tokenHash: Self.tokenHash(token), email: found.user.email, csrfToken: Self.randomToken(), createdAt: at, lastSeenAt: at)
        try await store.createSession(session)
        return SignedIn(token: token, session: session, user: found.user)
    }

    /// The session a cookie's token opens at `at`: nil if there is none, it idled past ``idleLimit`` or outlived
    /// ``lifetime`` (such a session is ended), or its user is disabled. Its idle time restarts (written at most once
    /// a minute).
    public func session(token: String, at: Timestamp) async throws -> (session: WebSession, user: UserRecord)? {
        guard token.count == 43, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        let hash = Self.tokenHash(token)
        guard let found = try await store.session(tokenHash: hash) else { return nil }
        if found.session.lastSeenAt.adding(idleLimit) < at || found.session.createdAt.adding(lifetime) < at {
            try await store.endSession(tokenHash: hash)
            return nil
        }
        guard !found.user.disabled else { return nil }
        if found.session.lastSeenAt.adding(.seconds(60)) < at { try await store.touchSession(tokenHash: hash, at: at) }
        return found
    }

    public func signOut(token: String) async throws {
        try await store.endSession(tokenHash: Self.tokenHash(token))
    }

    /// Ends the sessions idle past ``idleLimit`` at `at` (the server does this now and then).
    public func endIdleSessions(at: Timestamp) async throws -> Int {
        try await store.endSessions(idleBefore: at.adding(TimeSpan(millis: -idleLimit.millis)))
    }

    // MARK: secrets

    static func hash(_ password: String) async -> String { await Self.bcrypt { Bcrypt.hash(password, cost: bcryptCost) } }
    static func verify(_ password: String, hash: String) async -> Bool { await Self.bcrypt { Bcrypt.verify(password, hash: hash) } }

    /// bcrypt (~0.2 s of CPU at cost 12) runs on a queue of its own, two at a time at most, never on the cooperative
    /// threads that serve every other request: a burst of sign-ins waits its turn instead of stalling the server.
    static func bcrypt<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            bcryptQueue.async {
                bcryptSlots.wait()
                defer { bcryptSlots.signal() }
                continuation.resume(returning: work())
            }
        }
    }

    private static let bcryptQueue = DispatchQueue(label: "qualify.bcrypt", attributes: .concurrent)
    private static let bcryptSlots = DispatchSemaphore(value: 2)
    /// Checked against when the email is unknown, so an unknown email costs what a known one does.
    static let decoyHash = Bcrypt.hash("qualify-decoy-password", cost: bcryptCost)

    /// 32 random bytes, base64url without padding (43 characters).
    public static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
