import QualifyCore
import QualifySQLite
import QualifyStore
import QualifyUseCases
import Testing

/// People: passwords kept as bcrypt hashes, sessions that end by idling, by age, by a new password or by disabling.
@Suite struct PeopleTests {
    static let t0 = Timestamp(iso8601: "2026-06-01T09:00:00Z")!

    @Test func aPasswordIsKeptAsABcryptHashAndChecked() async throws {
        let store = try SQLiteLeadStore.inMemory()
        let people = People(store: store)
        try await people.add(email: " Sam@Example.com ", name: nil, role: .sales, password: "correct horse 1", at: Self.t0)
        let stored = try #require(try await store.user(email: "sam@example.com"))
        #expect(stored.user.name == "sam" && stored.passwordHash.hasPrefix("$2") && !stored.passwordHash.contains("correct"))
        #expect(try await people.signIn(email: "sam@example.com", password: "wrong horse 1", at: Self.t0) == nil)
        let signedIn = try #require(try await people.signIn(email: "SAM@example.com", password: "correct horse 1", at: Self.t0))
        #expect(signedIn.token.count == 43 && signedIn.session.tokenHash == People.tokenHash(signedIn.token) && signedIn.session.tokenHash != signedIn.token)
        await #expect(throws: People.Problem.shortPassword) { try await people.add(email: "x@example.com", name: nil, role: .sales, password: "short", at: Self.t0) }
        await #expect(throws: People.Problem.badRole("ingest")) { try await people.add(email: "x@example.com", name: nil, role: .ingest, password: "long enough 1", at: Self.t0) }
    }

    @Test func aSessionEndsWhenIdleTooLongOrTooOldAndUseKeepsItAlive() async throws {
        let store = try SQLiteLeadStore.inMemory()
        let people = People(store: store, idleLimit: .hours(2), lifetime: .hours(10))
        try await people.add(email: "sam@example.com", name: "Sam", role: .sales, password: "correct horse 1", at: Self.t0)
        let s = try #require(try await people.signIn(email: "sam@example.com", password: "correct horse 1", at: Self.t0))
        // used every 90 minutes: alive, until its lifetime is over
        var at = Self.t0
        for _ in 0..<6 {
            at = at.adding(TimeSpan(millis: 90 * 60_000))
            #expect(try await people.session(token: s.token, at: at) != nil, "used at \(at.iso8601)")
        }
        at = at.adding(TimeSpan(millis: 90 * 60_000)) // 10.5 h after sign-in
        #expect(try await people.session(token: s.token, at: at) == nil, "past its lifetime")
        let idle = try #require(try await people.signIn(email: "sam@example.com", password: "correct horse 1", at: Self.t0))
        #expect(try await people.session(token: idle.token, at: Self.t0.adding(.hours(3))) == nil, "idle over two hours")
        #expect(try await store.session(tokenHash: idle.session.tokenHash) == nil, "and removed")
        #expect(try await people.session(token: "not-a-token", at: Self.t0) == nil)
    }

    @Test func disablingOrANewPasswordSignsAUserOutAndTheLastAdminStays() async throws {
        let store = try SQLiteLeadStore.inMemory()
        let people = People(store: store)
        try await people.add(email: "ana@example.com", name: "Ana", role: .admin, password: "correct horse 1", at: Self.t0)
        try await people.add(email: "sam@example.com", name: "Sam", role: .sales, password: "correct horse 2", at: Self.t0)
        let sam = try #require(try await people.signIn(email: "sam@example.com", password: "correct horse 2", at: Self.t0))
        try await people.setPassword(email: "sam@example.com", to: "another horse 3", at: Self.t0)
        #expect(try await people.session(token: sam.token, at: Self.t0) == nil)
        #expect(try await people.signIn(email: "sam@example.com", password: "correct horse 2", at: Self.t0) == nil)
        let again = try #require(try await people.signIn(email: "sam@example.com", password: "another horse 3", at: Self.t0))
        _ = try await people.change(email: "sam@example.com", disabled: true, at: Self.t0)
        #expect(try await people.session(token: again.token, at: Self.t0) == nil)
        #expect(try await people.signIn(email: "sam@example.com", password: "another horse 3", at: Self.t0) == nil, "a disabled user cannot sign in")
        await #expect(throws: People.Problem.lastAdmin("ana@example.com")) { try await people.change(email: "ana@example.com", role: .sales, at: Self.t0) }
        await #expect(throws: People.Problem.unknownUser("ghost@example.com")) { try await people.change(email: "ghost@example.com", disabled: true, at: Self.t0) }
    }
}
