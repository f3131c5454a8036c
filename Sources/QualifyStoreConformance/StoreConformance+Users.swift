import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

extension StoreConformance {
    static func usersAndSessions(_ any: any LeadStore) async throws {
        guard let store = any as? any QualifyStorage else { throw ConformanceFailure("the store does not keep users") }
        let ana = UserRecord(email: "ana@example.com", name: "Ana", role: .admin, createdAt: t0)
        try await store.createUser(ana, passwordHash: "hash-1")
        try await store.createUser(UserRecord(email: "sam@example.com", name: "Sam", role: .sales, createdAt: t0), passwordHash: "hash-2")
        do {
            try await store.createUser(ana, passwordHash: "other")
            throw ConformanceFailure("a second user with the same email was accepted")
        } catch StoreError.duplicateKey(let email) {
            try expect(email == "ana@example.com", "the duplicate names the email: \(email)")
        }
        try await expectAsync(try await store.users().map(\.email) == ["ana@example.com", "sam@example.com"], "users listed by email")
        let found = try await store.user(email: "sam@example.com")
        try expect(found?.passwordHash == "hash-2" && found?.user.role == .sales && found?.user.name == "Sam", "a user and their hash: \(String(describing: found))")
        try await expectAsync(try await store.user(email: "nobody@example.com") == nil, "an unknown email has no user")

        let session = WebSession(tokenHash: "t-1", email: "sam@example.com", csrfToken: "c-1", createdAt: day(1), lastSeenAt: day(1))
        try await store.createSession(session)
        try await store.createSession(WebSession(tokenHash: "t-2", email: "sam@example.com", csrfToken: "c-2", createdAt: day(1), lastSeenAt: day(1)))
        try await store.createSession(WebSession(tokenHash: "t-3", email: "ana@example.com", csrfToken: "c-3", createdAt: day(1), lastSeenAt: day(1)))
        let open = try await store.session(tokenHash: "t-1")
        try expect(open?.session == session && open?.user.email == "sam@example.com", "a session and its user: \(String(describing: open))")
        try await store.touchSession(tokenHash: "t-1", at: day(2))
        try await store.touchSession(tokenHash: "t-1", at: day(1, hour: 5))
        try await expectAsync(try await store.session(tokenHash: "t-1")?.session.lastSeenAt == day(2), "touching never moves the last use back")

        // a new password ends the user's sessions; a name change does not
        try await expectAsync(try await store.updateUser(email: "ana@example.com", change: UserChange(name: "Ana D."), at: day(2)) == .updated, "ana changed")
        try await expectAsync(try await store.session(tokenHash: "t-3") != nil, "a name change keeps the sessions")
        try await expectAsync(try await store.updateUser(email: "sam@example.com", change: UserChange(passwordHash: "hash-9"), at: day(3)) == .updated, "sam changed")
        let (s1, s2) = (try await store.session(tokenHash: "t-1"), try await store.session(tokenHash: "t-2"))
        try expect(s1 == nil && s2 == nil, "a new password ends every session of the user")
        try await expectAsync(try await store.user(email: "sam@example.com")?.passwordHash == "hash-9", "the new hash is kept")
        try await expectAsync(try await store.session(tokenHash: "t-3")?.user.name == "Ana D.", "other users' sessions stay")
        try await expectAsync(try await store.updateUser(email: "nobody@example.com", change: UserChange(disabled: true), at: day(3)) == .noSuchUser,
                              "an unknown user is not changed")
        // disabling ends sessions; idle sessions are swept
        try await store.createSession(WebSession(tokenHash: "t-4", email: "sam@example.com", csrfToken: "c-4", createdAt: day(3), lastSeenAt: day(3)))
        try await expectAsync(try await store.updateUser(email: "sam@example.com", change: UserChange(disabled: true), at: day(4)) == .updated, "sam disabled")
        // the last enabled admin keeps the role and stays enabled; with a second admin, either may go
        try await expectAsync(try await store.updateUser(email: "ana@example.com", change: UserChange(disabled: true), at: day(4)) == .lastAdmin,
                              "the last admin is not disabled")
        try await expectAsync(try await store.updateUser(email: "ana@example.com", change: UserChange(role: .sales), at: day(4)) == .lastAdmin,
                              "nor made sales")
        try await expectAsync(try await store.user(email: "ana@example.com")?.user.role == .admin, "ana is still admin")
        try await store.createUser(UserRecord(email: "zoe@example.com", name: "Zoe", role: .admin, createdAt: t0), passwordHash: "h")
        try await expectAsync(try await store.updateUser(email: "zoe@example.com", change: UserChange(role: .marketing), at: day(4)) == .updated,
                              "with two admins one may change role")
        _ = try await store.updateUser(email: "zoe@example.com", change: UserChange(role: .admin), at: day(4))
        try await expectAsync(try await store.session(tokenHash: "t-4") == nil, "disabling ends the sessions")
        try await expectAsync(try await store.user(email: "sam@example.com")?.user.disabled == true, "disabled is kept")
        try await store.createSession(WebSession(tokenHash: "t-5", email: "ana@example.com", csrfToken: "c-5", createdAt: day(5), lastSeenAt: day(5)))
        let swept = try await store.endSessions(idleBefore: day(4))
        try expect(swept == 1, "only the session idle since before day 4 (t-3) is ended: \(swept)")
        let (s5, s3) = (try await store.session(tokenHash: "t-5"), try await store.session(tokenHash: "t-3"))
        try expect(s5 != nil && s3 == nil, "t-5 stays, t-3 went")
        try await store.endSession(tokenHash: "t-5")
        try await expectAsync(try await store.session(tokenHash: "t-5") == nil, "sign-out ends the session")

        // who activated a model version is kept
        try await prepared(store)
        _ = try await store.activate(ModelFile.defaultModel(), source: "v2", at: day(6), by: "Ana <ana@example.com>")
        let versions = try await store.modelVersions()
        try expect(versions.map(\.activatedBy) == [nil, "Ana <ana@example.com>"], "activations record who: \(versions.map(\.activatedBy))")
        try await expectAsync(try await store.activeModel()?.activatedBy == "Ana <ana@example.com>", "the active version says who")
    }

    static func queueSearchAndMatrix(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)
        _ = try await store.upsertLeads([
            LeadUpsert(key: key("bo@beta.io"), fields: ["first_name": "Bo", "company": "100%_Beta", "owner": "sam"], origin: "t"),
            LeadUpsert(key: key("cy@gamma.io"), fields: ["first_name": "Cy", "company": "Gamma"], origin: "t"),
        ], source: "t", at: t0)
        func emails(_ q: QueueQuery) async throws -> [String] { try await store.queue(q, now: now).map(\.email).sorted() }
        try await expectAsync(try await emails(QueueQuery(stages: .open, search: "LOVELACE")) == ["ada@acme.io"], "search by name ignores case")
        try await expectAsync(try await emails(QueueQuery(stages: .open, search: "gamma")) == ["cy@gamma.io"], "search by company or email")
        try await expectAsync(try await emails(QueueQuery(stages: .open, search: "100%_")) == ["bo@beta.io"], "% and _ are matched literally")
        try await expectAsync(try await emails(QueueQuery(stages: .open, search: "%")) == ["bo@beta.io"], "a lone % is a literal percent sign")
        try await expectAsync(try await emails(QueueQuery(stages: .open, unassigned: true)) == ["ada@acme.io", "cy@gamma.io"], "unassigned: no owner")
        let matrix = try await store.priorityMatrix(now: now)
        try expect(matrix.map(\.leads).reduce(0, +) == 3, "every open lead counted once: \(matrix)")
        let cards = try await store.queue(QueueQuery(stages: .open, limit: 10), now: now)
        for lead in cards {
            try expect(matrix.contains { $0.grade == lead.grade && $0.temperature == lead.temperature && $0.leads >= 1 },
                       "\(lead.email) is in its queue band \(lead.grade) × \(lead.temperature)")
        }
        // stage entries by week: ada's IQL on a Tuesday counts in the week starting the Monday before
        _ = try await store.ingest([event("se1", "ada@acme.io", "content_download", day(1))], options: IngestOptions(), now: now)
        let entries = try await store.stageEntries(since: t0.subtracting(.days(7)))
        let week = StageEntries.weekStart(day(1))
        try expect(entries.contains { $0.stage == .iql && $0.week == week && $0.leads == 1 }, "ada entered IQL in the week of \(week.isoDate): \(entries)")
        try expect(Timestamp(iso8601: "2026-03-02T00:00:00Z") == week, "2026-03-03 is in the week starting Monday 2026-03-02")
    }
}

extension StoreConformance {
    /// The band walk gives the order the one-query sort gives, for every filter and page, keyset or offset.
    static func queueBandsMatchTheSort(_ store: any LeadStore) async throws {
        try await prepared(store)
        var generator = SplitMix(seed: 42)
        let industries = ["software", "retail", "banking", "healthcare"]
        let titles = ["CTO", "VP Engineering", "Intern", "Head of Sales", "Analyst"]
        let owners = ["sam", "Sam", "lea", ""]
        var upserts: [LeadUpsert] = []
        var events: [IncomingEvent] = []
        for i in 0..<90 {
            let email = "p\(i)@c\(i % 17).io"
            upserts.append(LeadUpsert(key: key(email), fields: [
                "first_name": "P\(i)", "company": "C\(i % 17)", "industry": industries[Int(generator.next() % 4)],
                "job_title": titles[Int(generator.next() % 5)], "employees": String(10 + generator.next() % 900),
                "owner": owners[Int(generator.next() % 4)],
            ], origin: "t"))
            for j in 0..<Int(generator.next() % 5) {
                let type = ["page_view", "content_download", "webinar_attended", "pricing_page_view", "demo_request"][Int(generator.next() % 5)]
                events.append(event("q\(i)-\(j)", email, type, day(Int64(generator.next() % 55), hour: Int64(generator.next() % 20))))
            }
        }
        _ = try await store.upsertLeads(upserts, source: "t", at: t0)
        // twins: equal amplitude, listed in the order they were created (b, then a: not the email's order)
        for twin in ["twin-b@t.io", "twin-a@t.io"] {
            _ = try await store.upsertLeads([LeadUpsert(key: key(twin), fields: ["first_name": "T", "job_title": "CTO", "industry": "software",
                                                                               "employees": "300"], origin: "t")], source: "t", at: t0)
            events.append(event("tw-\(twin)", twin, "demo_request", day(50)))
        }
        _ = try await store.ingest(events, options: IngestOptions(), now: now)
        let model = try await store.activeModel()!
        let order = QueueOrder(model: model.model, now: now)
        let queries: [(String, QueueQuery)] = [
            ("default", QueueQuery()), ("open", QueueQuery(stages: .open)), ("all", QueueQuery(stages: .all)), ("sql", QueueQuery(stage: .sql)),
            ("grade B", QueueQuery(stages: .open, grade: .b)), ("warm", QueueQuery(stages: .open, temperature: .warm)),
            ("A hot", QueueQuery(stages: .open, grade: .a, temperature: .hot)), ("owner sam", QueueQuery(stages: .open, owner: "sam")),
            ("owner SAM", QueueQuery(stages: .open, owner: "SAM")), ("unassigned", QueueQuery(stages: .all, unassigned: true)),
            ("customers", QueueQuery(stage: .customer)), ("default grade A", QueueQuery(grade: .a)),
        ]
        for (name, q) in queries {
            let amplitudes: (min: Double?, below: Double?) = q.temperature.map(order.amplitudes) ?? (nil, nil)
            let reference = try await store.queueRows(
                QueueFilter(stages: q.stages.groups, excludedStages: q.stages.excluded, grade: q.grade, minAmplitude: amplitudes.min,
                            belowAmplitude: amplitudes.below, updatedSince: nil, owner: q.owner, unassigned: q.unassigned),
                order: order, limit: 1000, offset: 0).map(\.email)
            var all = q
            all.limit = 1000
            let walked = try await store.queue(all, now: now).map(\.email)
            try expect(walked == reference, "\(name): the band walk lists \(walked.prefix(8)) …, the sort \(reference.prefix(8)) …")
            // pages of 7 by key, and by offset
            var paged: [String] = []
            var key: QueueKey?
            var page = q
            page.limit = 7
            repeat {
                let p = try await store.queuePage(page, after: key, now: now)
                paged += p.leads.map(\.email)
                key = p.next
            } while key != nil && paged.count < 1000
            try expect(paged == reference, "\(name): pages by key list the same leads in the same order")
            page.offset = 14
            let third = try await store.queue(page, now: now).map(\.email)
            try expect(third == Array(reference.dropFirst(14).prefix(7)), "\(name): the page at offset 14")
        }
        // the default: SQLs, then MQLs, nothing else; the owner in any case
        let byDefault = try await store.queue(QueueQuery(limit: 1000), now: now)
        let stages = byDefault.map(\.stage)
        try expect(stages.contains(.sql) && stages.contains(.mql) && stages == stages.filter { $0 == .sql } + stages.filter { $0 == .mql },
                   "the default queue lists the SQLs, then the MQLs: \(stages)")
        let everyone = try await store.queue(QueueQuery(stages: .all, limit: 1000), now: now)
        try expect(Set(everyone.map(\.stage)).count > 2 && everyone.count == 92, "--stage all lists every lead: \(everyone.count)")
        let sam = try await store.queue(QueueQuery(stages: .all, owner: "SAM", limit: 1000), now: now)
        try expect(Set(sam.compactMap(\.owner)) == ["sam", "Sam"], "the owner filter ignores case: \(Set(sam.compactMap(\.owner)))")
        let carried = try await store.fieldNamesCarried()
        try expect(carried.isSuperset(of: ["first_name", "company", "industry", "job_title", "employees", "owner"]) && !carried.contains("$source"),
                   "every field name a fields update carried: \(carried.sorted())")
        // the lead index: every lead once, in creation order, by pages
        var indexed: [LeadIndexEntry] = []
        var after: Int64 = 0
        while case let page = try await store.leadIndex(afterID: after, limit: 7), let last = page.last {
            indexed += page
            after = last.id
        }
        try expect(indexed.count == 92 && indexed.map(\.id) == indexed.map(\.id).sorted() && Set(indexed.map(\.key)).count == 92
                   && indexed.first?.key.email == "p0@c0.io" && Set(indexed.map(\.stage)) == Set(everyone.map(\.stage)),
                   "the lead index lists every lead once in creation order: \(indexed.count)")
        let twins = try await store.queue(QueueQuery(limit: 1000), now: now).map(\.email).filter { $0.hasPrefix("twin") }
        try expect(twins == ["twin-b@t.io", "twin-a@t.io"], "equal amplitudes in creation order: \(twins)")
    }
}

/// A small deterministic generator for conformance data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
