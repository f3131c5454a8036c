import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
@testable import QualifyServer
import QualifyCore
import QualifyModelFile
import QualifySQLite
import QualifyStore
import QualifyUseCases
import QualifyWeb
import Testing

/// The web app on the router `serve` builds: sign-in, roles, CSRF, escaping, the forms' use cases.
struct WebFixture: @unchecked Sendable {
    let store: SQLiteLeadStore
    let router: Router<BasicRequestContext>
    var app: some ApplicationProtocol { Hummingbird.Application(router: router, logger: Logger(label: "test")) }
    static let password = "a-long-password-1"

    init() async throws {
        store = try SQLiteLeadStore.inMemory()
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: Timestamp(iso8601: "2026-01-01T00:00:00Z")!)
        let people = People(store: store)
        for (email, role) in [("sam@example.com", Role.sales), ("mia@example.com", .marketing), ("ana@example.com", .admin)] {
            try await people.add(email: email, name: email.prefix { $0 != "@" }.capitalized, role: role, password: Self.password, at: Fixture.now)
        }
        let logger = { var l = Logger(label: "test"); l.logLevel = .critical; return l }()
        let cards = LeadCards(store: store, verifier: EmailVerifier(), prediction: nil)
        router = try await QualifyServer.router(cards: cards, settings: .init(keyCacheSeconds: 0), logger: logger, clock: { Fixture.now },
                                                pages: { router in try QualifyWeb.register(on: router, cards: cards, logger: logger, clock: { Fixture.now }) })
    }
}

/// A browser's cookie jar and the CSRF token of the last page, over the test client.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var csrf = ""

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: HTTPResponse.Status
        var location: String?
        var html: String
    }

    @discardableResult
    func get(_ uri: String) async throws -> Page { try await send(.get, uri, form: nil) }

    @discardableResult
    func post(_ uri: String, _ form: [(String, String)], csrf: Bool = true) async throws -> Page {
        try await send(.post, uri, form: (csrf ? [("csrf", self.csrf)] : []) + form)
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, form: [(String, String)]?) async throws -> Page {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            body = ByteBuffer(string: form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            for value in response.headers[values: .setCookie] {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0])
                let v = pair.count > 1 ? String(pair[1]) : ""
                if v.isEmpty || value.contains("Max-Age=0") { self.cookies[name] = nil } else { self.cookies[name] = v }
            }
            let html = String(buffer: response.body)
            if let range = html.range(of: #"name="csrf" value=""#) {
                self.csrf = String(html[range.upperBound...].prefix { $0 != "\"" })
            }
            return Page(status: response.status, location: response.headers[.location], html: html)
        }
    }

    @discardableResult func signIn(_ email: String, password: String = WebFixture.password) async throws -> Page {
        try await get("/app/sign-in")
        return try await post("/app/sign-in", [("email", email), ("password", password), ("next", "/app/queue")])
    }
}

@Suite struct WebAppTests {
    @Test func everyPageNeedsASessionAndTheRootLeadsToTheApp() async throws {
        let f = try await WebFixture()
        try await f.app.test(.router) { client in
            let b = Browser(client)
            let root = try await b.get("/")
            #expect(root.status == .seeOther && root.location == "/app/queue")
            for path in ["/app/queue", "/app/leads/ada%40acme.io", "/app/model", "/app/insights", "/app/settings", "/app/insights/abc-xyz",
                         "/app/insights/funnel", "/app/accounts", "/app/accounts/acme.io", "/app/followups"] {
                let page = try await b.get(path)
                #expect(page.status == .seeOther && (page.location ?? "").hasPrefix("/app/sign-in?next="), "\(path): \(page.status)")
            }
            let post = try await b.post("/app/leads/ada%40acme.io/stage", [("action", "accept"), ("reason", "x")], csrf: false)
            #expect(post.status == .seeOther && (post.location ?? "").hasPrefix("/app/sign-in"))
            // the API is unchanged beside it
            let api = try await client.call(.get, "/leads", HTTPFields())
            #expect(api.status == .unauthorized)
        }
    }

    @Test func theFunnelPageShowsStagesCohortsAndGroupsAndSaysWhatIsWrongWithTheForm() async throws {
        let f = try await WebFixture()
        _ = try await f.store.upsertLeads([LeadUpsert(key: try EmailAddress.identity("ada@acme.io").get(),
                                                      fields: ["lead_source": "webinar", "job_title": "CTO"], origin: "test")],
                                          source: "test", at: Timestamp(iso8601: "2026-05-02T10:00:00Z")!)
        _ = try await f.store.ingest([IncomingEvent(id: EventID("w1"), email: "ada@acme.io", type: "demo_request",
                                                    at: Timestamp(iso8601: "2026-05-03T10:00:00Z")!, properties: [:])],
                                     options: IngestOptions(), now: Fixture.now)
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("sam@example.com")
            let insights = try await b.get("/app/insights")
            #expect(insights.html.contains(#"href="/app/insights/funnel""#))
            let page = try await b.get("/app/insights/funnel?by=lead_source&from=2026-01-01")
            #expect(page.status == .ok, "\(page.html.prefix(300))")
            #expect(page.html.contains("<svg") && page.html.contains(#"role="img""#))
            #expect(page.html.contains("By lead_source") && page.html.contains("webinar"), "the group table")
            #expect(page.html.contains("<th scope=\"row\">SQL</th><td class=\"num\">1</td>"), "one lead entered SQL")
            #expect(page.html.contains("2026-05"), "its arrival month's cohort")
            let bad = try await b.get("/app/insights/funnel?from=last+week")
            #expect(bad.status == .badRequest && bad.html.contains("is not a date"), "\(bad.html.prefix(300))")
            let badGroup = try await b.get("/app/insights/funnel?by=%22x")
            #expect(badGroup.status == .badRequest && badGroup.html.contains("Group by"))
        }
    }

    @Test func theAccountPagesListAccountsAndShowTheirContactsCommitteeAndLedger() async throws {
        let f = try await WebFixture()
        let at = Timestamp(iso8601: "2026-05-02T10:00:00Z")!
        _ = try await f.store.upsertLeads([
            LeadUpsert(key: try EmailAddress.identity("ada@acme.io").get(), fields: ["first_name": "Ada", "job_title": "CTO"], origin: "test"),
            LeadUpsert(key: try EmailAddress.identity("cy@acme.io").get(), fields: ["job_title": "<b>CFO</b>"], origin: "test"),
        ], source: "test", at: at)
        _ = try await f.store.ingest([IncomingEvent(id: EventID("w1"), email: "ada@acme.io", type: "demo_request",
                                                    at: Timestamp(iso8601: "2026-05-03T10:00:00Z")!, properties: [:])],
                                     options: IngestOptions(), now: Fixture.now)
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("sam@example.com")
            let list = try await b.get("/app/accounts")
            #expect(list.status == .ok && list.html.contains(#"href="/app/accounts/acme.io""#) && list.html.contains("1 of 1 matching"), "\(list.html.prefix(400))")
            #expect(list.html.contains("missing: decision maker, champion"), "CTO: technical; CFO: finance")
            let none = try await b.get("/app/accounts?grade=D&temperature=cold")
            #expect(none.status == .ok && none.html.contains("No account matches"))
            let bad = try await b.get("/app/accounts?grade=Z")
            #expect(bad.status == .badRequest && bad.html.contains("is not A, B, C or D"))
            let card = try await b.get("/app/accounts/ACME.IO")
            #expect(card.status == .ok && card.html.contains("ada@acme.io") && card.html.contains("demo_request"), "\(card.html.prefix(400))")
            #expect(card.html.contains("&lt;b&gt;CFO&lt;/b&gt;") && !card.html.contains("<b>CFO</b>"), "a title is escaped")
            let lead = try await b.get("/app/leads/ada%40acme.io")
            #expect(lead.html.contains(#"<a href="/app/accounts/acme.io">"#) && lead.html.contains("2 contacts"), "the lead card links its account")
            let unknown = try await b.get("/app/accounts/gmail.com")
            #expect(unknown.status == .notFound && unknown.html.contains("No account"))
        }
    }

    @Test func theFollowUpsPageListsDueStepsAndRecordsOneDone() async throws {
        let f = try await WebFixture()
        _ = try await f.store.upsertLeads([LeadUpsert(key: try EmailAddress.identity("ada@acme.io").get(), fields: ["first_name": "Ada"], origin: "test")],
                                          source: "test", at: Timestamp(iso8601: "2026-05-02T10:00:00Z")!)
        _ = try await f.store.ingest([IncomingEvent(id: EventID("w1"), email: "ada@acme.io", type: "content_download",
                                                    at: Timestamp(iso8601: "2026-05-03T10:00:00Z")!, properties: [:])],
                                     options: IngestOptions(), now: Fixture.now)
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("sam@example.com")
            let page = try await b.get("/app/followups?due=all")
            #expect(page.status == .ok && page.html.contains("ada@acme.io") && page.html.contains("step 1 of 3") && page.html.contains("overdue"),
                    "\(page.html.prefix(500))")
            #expect(page.html.contains(#"action="/app/leads/ada%40acme.io/followups""#))
            let skipped = try await b.post("/app/leads/ada%40acme.io/followups", [("outcome", "skipped"), ("reason", "")])
            #expect(skipped.status == .unprocessableContent && skipped.html.contains("a skipped step needs a reason"), "\(skipped.html.prefix(300))")
            let done = try await b.post("/app/leads/ada%40acme.io/followups", [("outcome", "sent")])
            #expect(done.status == .seeOther && (done.location ?? "").hasPrefix("/app/followups?done="), "\(done.status)")
            let after = try await b.get("/app/followups?due=all")
            #expect(after.html.contains("step 2 of 3"), "the cadence moved on")
            let bad = try await b.get("/app/followups?due=soon")
            #expect(bad.status == .badRequest)
            let held = try await b.get("/app/followups?held=1")
            #expect(held.status == .ok && held.html.contains("Nobody is held back"))
        }
    }

    @Test func signInChecksThePasswordThrottlesGuessingAndSignOutEndsTheSession() async throws {
        let f = try await WebFixture()
        try await f.app.test(.router) { client in
            let b = Browser(client)
            let wrong = try await b.signIn("sam@example.com", password: "not-the-password")
            #expect(wrong.status == .unauthorized && wrong.html.contains("The email or the password is wrong"))
            #expect(b.cookies["qualify_session"] == nil)
            let unknown = try await b.signIn("nobody@example.com")
            #expect(unknown.status == .unauthorized, "an unknown email answers as a wrong password")
            // a sign-in form without its token (a cross-site post) is refused
            let forged = try await b.post("/app/sign-in", [("email", "sam@example.com"), ("password", WebFixture.password)], csrf: false)
            #expect(forged.status == .forbidden && b.cookies["qualify_session"] == nil)
            let ok = try await b.signIn("sam@example.com")
            #expect(ok.status == .seeOther && ok.location == "/app/queue" && b.cookies["qualify_session"] != nil)
            let queue = try await b.get("/app/queue")
            #expect(queue.status == .ok && queue.html.contains("Who to call now") && queue.html.contains("Sam · sales"))
            let stored = try await f.store.session(tokenHash: People.tokenHash(b.cookies["qualify_session"]!))
            #expect(stored?.user.email == "sam@example.com", "the store keeps the token's hash, never the token")
            let out = try await b.post("/app/sign-out", [])
            #expect(out.status == .seeOther && b.cookies["qualify_session"] == nil)
            let after = try await b.get("/app/queue")
            #expect(after.status == .seeOther)
            // five failures in a row lock that email out for a while, even with the right password
            let g = Browser(client)
            for _ in 0..<5 { try await g.signIn("mia@example.com", password: "guess-guess-guess") }
            let locked = try await g.signIn("mia@example.com")
            #expect(locked.status == .tooManyRequests && locked.html.contains("Too many failed sign-ins"))
            let other = try await Browser(client).signIn("ana@example.com")
            #expect(other.status == .seeOther, "other emails are not locked")
        }
    }

    @Test func rolesDecideEveryPageAndFormsNeedTheSessionsToken() async throws {
        let f = try await WebFixture()
        try await f.app.test(.router) { client in
            let sales = Browser(client)
            try await sales.signIn("sam@example.com")
            try await sales.get("/app/queue")
            #expect(try await sales.get("/app/model").status == .forbidden)
            #expect(try await sales.get("/app/settings").status == .forbidden)
            let posted = try await sales.post("/app/model", [("do", "activate"), ("source", DefaultModel.yaml)])
            #expect(posted.status == .forbidden && posted.html.contains("Not for your role"), "a sales session may not change the model")
            #expect(try await f.store.modelVersions().count == 1)
            let key = try await sales.post("/app/settings/keys", [("name", "mine"), ("role", "admin")])
            let keys = try await f.store.apiKeys()
            #expect(key.status == .forbidden && keys.isEmpty)
            // marketing may change the model, but not without the token
            let marketing = Browser(client)
            try await marketing.signIn("mia@example.com")
            try await marketing.get("/app/model")
            let noToken = try await marketing.post("/app/model", [("do", "activate"), ("source", DefaultModel.yaml)], csrf: false)
            #expect(noToken.status == .forbidden && noToken.html.contains("The form was refused"))
            let otherToken = try await marketing.send(.post, "/app/model", form: [("csrf", sales.csrf), ("do", "activate"), ("source", DefaultModel.yaml)])
            #expect(otherToken.status == .forbidden, "another session's token is refused")
            #expect(try await f.store.modelVersions().count == 1)
            #expect(try await marketing.get("/app/settings").status == .forbidden)
            let admin = Browser(client)
            try await admin.signIn("ana@example.com")
            let settings = try await admin.get("/app/settings")
            #expect(settings.status == .ok && settings.html.contains("sam@example.com"))
        }
    }

    @Test func valuesFromTheDatabaseAreEscapedOnEveryPage() async throws {
        let f = try await WebFixture()
        let evil = #"<script>alert("x")</script>"#
        _ = try await f.store.upsertLeads([LeadUpsert(key: try EmailAddress.identity("eve@acme.io").get(), fields: [
            "first_name": evil, "last_name": "O'Neil \"Q\"", "company": #""><img src=x onerror=alert(1)>"#, "job_title": "<b>CTO</b>",
            "industry": "software", "employees": "300", "note": "<iframe src=//evil>",
        ], origin: "t")], source: "t", at: Fixture.now)
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("ana@example.com")
            let _ = try await b.post("/app/settings/keys", [("name", #"<svg onload=alert(1)>"#), ("role", "ingest")])
            for path in ["/app/queue?view=all&stage=all", "/app/queue?view=all&q=%3Cscript%3E", "/app/leads/eve%40acme.io", "/app/settings"] {
                let page = try await b.get(path)
                #expect(page.status == .ok, "\(path): \(page.status)")
                for raw in ["<script>alert", "<img src=x", "<b>CTO", "<iframe", "<svg onload"] {
                    #expect(!page.html.contains(raw), "\(path) shows \(raw) unescaped")
                }
            }
            let card = try await b.get("/app/leads/eve%40acme.io")
            #expect(card.html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") && card.html.contains("O&#39;Neil &quot;Q&quot;"))
            #expect(card.html.contains("&lt;iframe src=//evil&gt;"))
        }
    }

    @Test func salesAcceptsTheTopLeadWithAReasonAndTheCardShowsIt() async throws {
        let f = try await WebFixture()
        let ada = try EmailAddress.identity("ada@acme.io").get()
        _ = try await f.store.upsertLeads([LeadUpsert(key: ada, fields: ["first_name": "Ada", "job_title": "CTO", "employees": "300", "industry": "software"],
                                                      origin: "t")], source: "t", at: Fixture.now)
        _ = try await f.store.ingest([IncomingEvent(id: EventID("d1"), email: "ada@acme.io", type: "demo_request", at: Fixture.now)],
                                     options: IngestOptions(), now: Fixture.now)
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("sam@example.com")
            let queue = try await b.get("/app/queue?view=all")
            #expect(queue.html.contains(#"href="/app/leads/ada%40acme.io""#))
            let card = try await b.get("/app/leads/ada%40acme.io")
            #expect(card.status == .ok && card.html.contains("<strong>SQL</strong>"))
            let empty = try await b.post("/app/leads/ada%40acme.io/stage", [("action", "accept"), ("reason", " ")])
            #expect(empty.status == .unprocessableContent && empty.html.contains("accept:"), "a move needs a reason")
            let moved = try await b.post("/app/leads/ada%40acme.io/stage", [("action", "accept"), ("reason", "budget confirmed on the call")])
            #expect(moved.status == .seeOther)
            let after = try await b.get(moved.location!)
            #expect(after.html.contains("<strong>opportunity</strong>") && after.html.contains("Recorded: accept"))
            #expect(after.html.contains("budget confirmed on the call") && after.html.contains("Sam &lt;sam@example.com&gt;"), "who moved it is recorded")
            let wrong = try await b.post("/app/leads/ada%40acme.io/stage", [("action", "accept"), ("reason", "again")])
            #expect(wrong.status == .unprocessableContent, "an opportunity cannot be accepted again: \(wrong.status)")
            // the checklist form records answers with who gave them
            let answered = try await b.post("/app/leads/ada%40acme.io/answers", [("answer.budget", "yes"), ("answer.need", "partly")])
            #expect(answered.status == .seeOther)
            let withAnswers = try await b.get("/app/leads/ada%40acme.io")
            #expect(withAnswers.html.contains("2 of 6 answered") && withAnswers.html.contains(#"name="answer.budget" value="yes" checked"#))
            let bad = try await b.post("/app/leads/ada%40acme.io/answers", [("answer.nonsense", "yes")])
            #expect(bad.status == .unprocessableContent && bad.html.contains("nonsense"))
            // the card as of an earlier date
            let before = try await b.get("/app/leads/ada%40acme.io?as_of=2026-05-01")
            #expect(before.status == .notFound || before.html.contains("as of 2026-05-01"))
            #expect(try await b.get("/app/leads/ghost%40acme.io").status == .notFound)
        }
    }

    @Test func marketingSeesTheBrokenLineFixesItDryRunsAndActivates() async throws {
        let f = try await WebFixture()
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("mia@example.com")
            let page = try await b.get("/app/model")
            #expect(page.status == .ok && page.html.contains(#"id="L1""#))
            var lines = DefaultModel.yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let gradeLine = lines.firstIndex { $0.contains("grades:") }!
            let broken = lines
            lines[gradeLine] = lines[gradeLine].replacingOccurrences(of: "grades:", with: "grades: [")
            let bad = try await b.post("/app/model", [("do", "validate"), ("source", lines.joined(separator: "\n"))])
            #expect(bad.status == .unprocessableContent && bad.html.contains(##"href="#L"##) && bad.html.contains(#"class="bad""#), "\(bad.html.prefix(0))")
            let dry = try await b.post("/app/model", [("do", "dry-run"), ("source", broken.joined(separator: "\n").replacingOccurrences(of: "name: default-b2b", with: "name: tuned"))])
            #expect(dry.status == .ok && dry.html.contains("Dry run") && dry.html.contains("leads replayed"))
            #expect(try await f.store.modelVersions().count == 1, "a dry run writes nothing")
            let activated = try await b.post("/app/model", [("do", "activate"), ("source", broken.joined(separator: "\n").replacingOccurrences(of: "name: default-b2b", with: "name: tuned"))])
            #expect(activated.status == .ok && activated.html.contains("Version 2 is active"))
            let versions = try await f.store.modelVersions()
            #expect(versions.last?.activatedBy == "Mia <mia@example.com>" && versions.last?.model.name == "tuned")
            let diff = try await b.get("/app/model/diff?from=1&to=2")
            #expect(diff.status == .ok && diff.html.contains("name: tuned") && diff.html.contains("1 lines added, 1 removed"))
        }
    }

    @Test func anAdminAddsAUserWhoSignsInAndDisablesThem() async throws {
        let f = try await WebFixture()
        try await f.app.test(.router) { client in
            let admin = Browser(client)
            try await admin.signIn("ana@example.com")
            try await admin.get("/app/settings")
            let short = try await admin.post("/app/settings/users", [("email", "lea@example.com"), ("role", "sales"), ("password", "short")])
            #expect(short.status == .unprocessableContent && short.html.contains("password: the password is shorter"))
            let added = try await admin.post("/app/settings/users", [("email", "Lea@Example.com"), ("name", "Lea"), ("role", "sales"), ("password", "")])
            #expect(added.status == .ok && added.html.contains("Added lea@example.com as sales"))
            let password = try #require(added.html.range(of: #"(?s)The password for lea@example.com.*?<code>([A-Za-z0-9]+)</code>"#, options: .regularExpression)
                .map { String(added.html[$0]).components(separatedBy: "<code>").last!.replacingOccurrences(of: "</code>", with: "") })
            let lea = Browser(client)
            let signedIn = try await lea.signIn("lea@example.com", password: password)
            #expect(signedIn.status == .seeOther && signedIn.location == "/app/queue")
            #expect(try await lea.get("/app/queue").status == .ok)
            try await admin.get("/app/settings")
            let disabled = try await admin.post("/app/settings/users/lea%40example.com", [("do", "disable")])
            #expect(disabled.status == .ok && disabled.html.contains("disabled and signed out"))
            #expect(try await lea.get("/app/queue").status == .seeOther, "a disabled user's session ends")
            let last = try await admin.post("/app/settings/users/ana%40example.com", [("do", "disable")])
            #expect(last.status == .unprocessableContent && last.html.contains("last admin"))
            // an API key's secret is shown once
            let key = try await admin.post("/app/settings/keys", [("name", "web form"), ("role", "ingest")])
            #expect(key.status == .ok && key.html.contains("shown this once") && key.html.contains("qk_"))
            #expect(try await f.store.apiKeys().map(\.name) == ["web form"])
        }
    }

    @Test func theQueuePagesByKeyAndSearchesByText() async throws {
        let f = try await WebFixture()
        _ = try await f.store.upsertLeads((0..<120).map { i in
            LeadUpsert(key: try! EmailAddress.identity("p\(i)@firm\(i % 9).io").get(),
                       fields: ["first_name": "P\(i)", "company": i == 77 ? "Umbrella Corp" : "Firm \(i % 9)", "job_title": i % 3 == 0 ? "CTO" : "Intern"],
                       origin: "t")
        }, source: "t", at: Fixture.now)
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("mia@example.com")
            func emails(_ html: String) -> [String] {
                html.components(separatedBy: #"<a href="/app/leads/"#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
            }
            func nextLink(_ html: String) -> String? {
                html.range(of: #"<a rel="next" href=""#).map { r in String(html[r.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&") }
            }
            let byDefault = try await b.get("/app/queue")
            #expect(byDefault.status == .ok && emails(byDefault.html).isEmpty && byDefault.html.contains("SQL, then MQL"),
                    "by default the SQLs, then the MQLs: none here")
            let one = try await b.get("/app/queue?stage=all")
            var seen = emails(one.html)
            #expect(seen.count == 50, "a page holds 50 leads")
            let second = try #require(nextLink(one.html))
            #expect(second.contains("after=k"), "the next page is a key: \(second)")
            let two = try await b.get(second)
            seen += emails(two.html)
            let three = try await b.get(try #require(nextLink(two.html)))
            seen += emails(three.html)
            #expect(nextLink(three.html) == nil && seen.count == 120 && Set(seen).count == 120, "every lead once over three pages")
            #expect(three.html.contains("First page"))
            let found = try await b.get("/app/queue?view=all&q=umbrella")
            #expect(emails(found.html) == ["p77%40firm5.io"], "search by company: \(emails(found.html))")
            let broken = try await b.get("/app/queue?after=k:99:zz:x")
            #expect(broken.status == .badRequest)
        }
    }

    @Test func hostileInputIsRefusedOrEscapedWithoutHarm() async throws {
        let f = try await WebFixture()
        _ = try await f.store.upsertLeads([LeadUpsert(key: try EmailAddress.identity("a/b@slash.io").get(), fields: ["first_name": "Slash"], origin: "t")],
                                          source: "t", at: Fixture.now)
        try await f.app.test(.router) { client in
            let b = Browser(client)
            try await b.signIn("ana@example.com")
            // a quote followed by a combining mark is one Character but must still be escaped
            let q = try await b.get("/app/queue?view=all&q=%22%CC%81%20style%3Dx%20autofocus")
            #expect(q.status == .ok && !q.html.contains("\"\u{301} style=x") && q.html.contains("&quot;\u{301} style=x autofocus"))
            // an email with a slash has a working card
            let queue = try await b.get("/app/queue?view=all&stage=all")
            #expect(queue.html.contains(#"href="/app/leads/a%2Fb%40slash.io""#), "the slash is escaped in the link")
            let card = try await b.get("/app/leads/a%2Fb%40slash.io")
            #expect(card.status == .ok && card.html.contains("a/b@slash.io"), "\(card.status)")
            // a multipart upload with an empty boundary is refused, and the server carries on
            var headers = HTTPFields()
            headers[.cookie] = b.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            headers[.contentType] = "multipart/form-data; boundary="
            let empty = try await client.execute(uri: "/app/insights/hygiene", method: .post, headers: headers, body: ByteBuffer(string: "--\r\n")) { $0.status }
            #expect(empty == .badRequest)
            #expect(try await b.get("/app/queue").status == .ok)
            // spelling variants of an email share one sign-in count
            let g = Browser(client)
            for variant in ["mia@example.com\n", " MIA@example.com", "mia@example.com\r", "Mia@Example.com", "mia@example.com "] {
                try await g.signIn(variant, password: "wrong-wrong-wrong")
            }
            #expect(try await g.signIn("mia@example.com").status == .tooManyRequests)
            // a failed sign-in keeps where the user was going
            let n = Browser(client)
            try await n.get("/app/sign-in?next=/app/insights")
            let failed = try await n.post("/app/sign-in", [("email", "sam@example.com"), ("password", "nope-nope-nope"), ("next", "/app/insights")])
            #expect(failed.html.contains(#"name="next" value="/app/insights""#))
            let ok = try await n.post("/app/sign-in", [("email", "sam@example.com"), ("password", WebFixture.password), ("next", "/app/insights")])
            #expect(ok.location == "/app/insights")
        }
    }
}
