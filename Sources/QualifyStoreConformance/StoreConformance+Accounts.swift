import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

extension StoreConformance {
    static func accountContacts(_ store: any LeadStore) async throws {
        try await prepared(store)
        try await ada(store)  // VP Engineering at acme.io, fit 60 (A)
        _ = try await store.upsertLeads([
            LeadUpsert(key: key("cy@acme.io"), fields: ["first_name": "Cy", "job_title": "CFO", "employees": "250"], origin: "test:2"),
            LeadUpsert(key: key("dan@ACME.io"), fields: ["job_title": "Software Engineer"], origin: "test:3"),
            LeadUpsert(key: key("bo@shop.io"), fields: ["job_title": "Owner", "industry": "Retail"], origin: "test:4"),
            LeadUpsert(key: key("bob@gmail.com"), fields: ["job_title": "CEO"], origin: "test:5"),
        ], source: "test", at: t0)
        _ = try await store.ingest([
            event("a1", "ada@acme.io", "content_download", day(1)),
            event("a2", "cy@acme.io", "demo_request", day(2)),
            event("a3", "dan@acme.io", "page_view", day(3), ["url": "/pricing"]),
            event("a4", "bo@shop.io", "webinar_attend", day(3)),
        ], options: IngestOptions(), now: now)

        guard let acme = try await store.accountContacts(domain: "acme.io") else { throw ConformanceFailure("acme.io has no account") }
        try expect(acme.domain == "acme.io" && acme.name == "Acme", "the account: \(acme.domain) \(acme.name ?? "nil")")
        try expect(acme.contacts.map(\.email) == ["ada@acme.io", "cy@acme.io", "dan@acme.io"], "contacts in creation order: \(acme.contacts.map(\.email))")
        let ada = acme.contacts[0], cy = acme.contacts[1]
        try expect(ada.fitPoints == 60 && ada.grade == .a && ada.fields["job_title"] == "VP Engineering" && ada.name == "Ada Lovelace",
                   "a contact's row and fields: \(ada)")
        try expect(cy.stage == .sql && cy.amplitude > ada.amplitude && ada.amplitude > 0, "stages and amplitudes: \(acme.contacts.map { ($0.stage, $0.amplitude) })")
        try await expectAsync(try await store.accountContacts(domain: "gmail.com") == nil, "free mail forms no account")
        try await expectAsync(try await store.accountContacts(domain: "nowhere.io") == nil, "an unknown domain: nil")

        // pages of two leads (the free-mail one read, not listed) until the store says there is no next page
        var read: [(account: Int64, domain: String, name: String?, contact: AccountContact)] = []
        var after: Int64 = 0, pages = 0
        while true {
            let page = try await store.accountContactPage(afterLeadID: after, limit: 2)
            pages += 1
            try expect(page.contacts.count <= 2 && pages <= 4, "at most a page's worth, and an end: \(pages) pages")
            read += page.contacts
            guard let next = page.nextAfter else { break }
            try expect(next > after, "pages move forward")
            after = next
        }
        try expect(read.map(\.contact.email).sorted() == ["ada@acme.io", "bo@shop.io", "cy@acme.io", "dan@acme.io"],
                   "every lead with an account once: \(read.map(\.contact.email))")
        let readAda = read.first { $0.contact.email == "ada@acme.io" }
        try expect(readAda?.contact == ada && readAda?.domain == "acme.io" && readAda?.name == "Acme", "the same contact and its account")
        try expect(Set(read.filter { $0.domain == "acme.io" }.map(\.account)).count == 1
                   && read.first { $0.domain == "shop.io" }?.account != readAda?.account, "one id per account")
        // the account's engagement is the sum of its contacts' (the top three here: all of them), as their cards give it
        guard let storage = store as? any QualifyStorage else { throw ConformanceFailure("the store does not serve cards") }
        let cards = LeadCards(store: storage, verifier: EmailVerifier(), prediction: nil)
        var sum = 0.0
        for contact in acme.contacts { sum += try await cards.card(key(contact.email), asOf: nil, now: now).card.engagement }
        guard let score = try await AccountCards.score(store, domain: "ACME.io", now: now) else { throw ConformanceFailure("no score for acme.io") }
        try expect(abs(score.engagement - sum) < 1e-9 * max(1, sum), "account engagement \(score.engagement) = contacts' \(sum)")
        try expect(score.fitPoints == 60 && score.grade == .a && score.fitSource == "ada@acme.io", "fit from the best contact: \(score.fitPoints) \(score.fitSource)")
        try expect(score.presentRoles == ["decision_maker", "technical", "finance"] && score.missingRoles == ["champion"],
                   "roles from titles: \(score.roles)")
        try expect(score.roles.map(\.count) == [1, 0, 2, 1] && score.roles[2].contacts == ["ada@acme.io", "dan@acme.io"], "holders: \(score.roles)")
        try expect(score.stage == .sql, "the furthest stage: \(score.stage)")
        let adaCard = try await cards.card(key("ada@acme.io"), asOf: nil, now: now)
        try expect(adaCard.account == score, "the lead card names its account's score")
        let queue = try await AccountCards.queue(store, filter: AccountFilter(limit: 10), now: now)
        try expect(queue.total == 2 && queue.accounts.first?.domain == "acme.io", "the account queue: \(queue.accounts.map(\.domain))")
        try expect(queue.accounts.first == score, "the queue's tally of the leads in table order scores acme as its card does")
    }
}
