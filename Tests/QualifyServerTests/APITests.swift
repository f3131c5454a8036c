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
import Testing

/// A server on an in-memory store, with one key per role, driven through Hummingbird's router test client.
struct Fixture: @unchecked Sendable {
    let store: SQLiteLeadStore
    let keys: [Role: String]
    let revoked: String
    let router: Router<BasicRequestContext>
    let logger: Logger
    var app: some ApplicationProtocol { Hummingbird.Application(router: router, logger: logger) }
    static let now = Timestamp(iso8601: "2026-06-01T12:00:00Z")!

    init(maxBody: Int = 1 << 20) async throws {
        store = try SQLiteLeadStore.inMemory()
        _ = try await store.activate(ModelFile.defaultModel(), source: DefaultModel.yaml, at: Timestamp(iso8601: "2026-01-01T00:00:00Z")!)
        var keys: [Role: String] = [:]
        for role in Role.allCases {
            let made = APIKeys.make(name: "\(role.rawValue) key", role: role, at: Self.now)
            try await store.createAPIKey(made.record, secretHash: made.hash)
            keys[role] = made.secret
        }
        let old = APIKeys.make(name: "old", role: .admin, at: Self.now)
        try await store.createAPIKey(old.record, secretHash: old.hash)
        _ = try await store.revokeAPIKey(id: old.record.id, at: Self.now)
        revoked = old.secret
        self.keys = keys
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        self.logger = logger
        var settings = QualifyServer.Settings(maxBodyBytes: maxBody, keyCacheSeconds: 0)
        settings.readyTimeout = .seconds(30) // the whole suite runs at once on two cores; the deadline is checked by reliability/
        router = try await QualifyServer.router(cards: LeadCards(store: store, verifier: EmailVerifier(), prediction: nil),
                                                    settings: settings, logger: logger, clock: { Fixture.now })
    }

    func headers(_ role: Role?) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        if let role { h[.authorization] = "Bearer \(keys[role]!)" }
        return h
    }
}

struct Reply {
    var status: HTTPResponse.Status
    var json: Any?
    var text: String
    var contentType: String?
    var headers: HTTPFields = [:]

    subscript(_ key: String) -> Any? { (json as? [String: Any])?[key] }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, _ headers: HTTPFields, _ body: String? = nil) async throws -> Reply {
        try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return Reply(status: response.status, json: try? JSONSerialization.jsonObject(with: Data(text.utf8)), text: text,
                         contentType: response.headers[.contentType], headers: response.headers)
        }
    }
}

@Suite struct APITests {
    static let ada = #"{"fields":{"first_name":"Ada","last_name":"Lovelace","job_title":"CTO","employees":"300","industry":"software"}}"#

    static func event(_ id: String, _ email: String = "ada@acme.io", type: String = "content_download", at: String = "2026-05-30T10:00:00Z") -> String {
        #"{"id":"\#(id)","email":"\#(email)","type":"\#(type)","at":"\#(at)","properties":{"url":"/whitepaper"}}"#
    }

    @Test func healthNeedsNoKeyAndReadySaysTheModelVersion() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let live = try await client.call(.get, "/health/live", f.headers(nil))
            #expect(live.status == .ok && live["status"] as? String == "live")
            let ready = try await client.call(.get, "/health/ready", f.headers(nil))
            #expect(ready.status == .ok && ready["model_version"] as? Int == 1)
        }
    }

    /// The spec's limits are the server's (issue 21): a null, a batch event outside its schema, an over-long
    /// subscription id or model text are refused naming the field, before anything is stored.
    @Test func requestsOutsideTheSchemaAreRefusedNamingTheField() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let null = try await client.call(.post, "/webhooks", f.headers(.admin), #"{"url":"https://hooks.example.com/q","events":["lead.sql"],"format":null}"#)
            #expect(null.status == .badRequest && null["field"] as? String == "format", "\(null.text)")
            var bare = f.headers(.admin)
            bare[.contentType] = nil
            let untyped = try await client.call(.post, "/events", bare, #"{"id":"n1","email":"ada@acme.io","type":"page_view","at":"2026-05-30T10:00:00Z","properties":null}"#)
            #expect(untyped.status == .badRequest && untyped["field"] as? String == "properties", "sent without a content type: \(untyped.text)")
            let keyless = try await client.call(.post, "/webhooks", f.headers(nil), #"{"url":"https://h.example.com","events":["lead.sql"],"format":null}"#)
            #expect(keyless.status == .unauthorized, "no key is a 401 whatever the body holds")
            let long = String(repeating: "x", count: 4_097)
            let batch = try await client.call(.post, "/events/batch", f.headers(.admin),
                                              #"{"events":[\#(Self.event("ok1")),{"id":"b","email":"ada@acme.io","type":"page_view","at":"2026-05-30T10:00:00Z","properties":{"note":"\#(long)"}}]}"#)
            #expect(batch.status == .badRequest && batch["field"] as? String == "events[1].properties.note", "\(batch.text.prefix(200))")
            let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.admin))
            #expect(!card.text.contains("ok1"), "nothing of a refused batch is stored")
            let attempts = try await client.call(.get, "/webhooks/attempts?subscription=" + String(repeating: "w", count: 65), f.headers(.admin))
            #expect(attempts.status == .badRequest && attempts["field"] as? String == "subscription")
            let empty = try await client.call(.post, "/model/validate", f.headers(.admin), #"{"source":""}"#)
            #expect(empty.status == .badRequest && empty["field"] as? String == "source")
        }
    }

    /// The card carries the merge audit: where each field value came from (issue 18).
    @Test func theCardListsTheMergesThatChangedItsFields() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/mia@acme.io", f.headers(.admin), #"{"fields":{"job_title":"CTO"}}"#)
            _ = try await client.call(.put, "/leads/mia@acme.io", f.headers(.admin), #"{"fields":{"job_title":"CEO","company":"Acme"}}"#)
            let card = try await client.call(.get, "/leads/mia@acme.io", f.headers(.sales))
            let merges = try #require(card["merges"] as? [[String: Any]], "\(card.text.prefix(300))")
            let last = try #require(merges.last)
            #expect((last["changes"] as? [String: String])?.keys.sorted() == ["company", "job_title"], "\(merges)")
            #expect((last["origin"] as? String)?.hasPrefix("api:") == true)
        }
    }

    /// Every answer carries the request's id for the log: the caller's own when it is a plain token, else a new one.
    @Test func everyAnswerCarriesARequestID() async throws {
        let f = try await Fixture()
        let name = HTTPField.Name("X-Request-Id")!
        try await f.app.test(.router) { client in
            let made = try await client.call(.get, "/health/live", f.headers(nil))
            let id = try #require(made.headers[name])
            #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
            var headers = f.headers(.sales)
            headers[name] = "lb-7f3a:42"
            #expect(try await client.call(.get, "/leads/nobody@acme.io", headers).headers[name] == "lb-7f3a:42")
            headers[name] = "not a token; <script>"
            let replaced = try await client.call(.get, "/leads", headers).headers[name]
            #expect(replaced != nil && replaced != "not a token; <script>")
        }
    }

    @Test func aRequestNoRouteTakesGetsAProblemAnd405NamesTheMethodsThePathHas() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let delete = try await client.execute(uri: "/events", method: .delete, headers: f.headers(.admin)) { $0 }
            #expect(delete.status == .methodNotAllowed && delete.headers[.allow] == "POST")
            #expect(delete.headers[.contentType] == "application/problem+json")
            let patch = try await client.call(.patch, "/leads/ada@acme.io", f.headers(.admin), "{}")
            #expect(patch.status == .methodNotAllowed && (patch["detail"] as? String ?? "").contains("GET, PUT"), "\(patch.text)")
            let none = try await client.call(.get, "/nowhere/at/all", f.headers(nil))
            #expect(none.status == .notFound && none["status"] as? Int == 404 && (none["detail"] as? String ?? "").contains("GET /nowhere/at/all"),
                    "\(none.text)")
            // a route that exists still answers (its own 404 for an unknown lead included)
            let unknown = try await client.call(.get, "/leads/nobody@acme.io", f.headers(.sales))
            #expect(unknown.status == .notFound && (unknown["detail"] as? String ?? "").contains("nobody@acme.io"), "\(unknown.text)")
        }
    }

    @Test func aLeadUpsertedThenAnEventGiveACardWhoseLedgerSumsToTheScores() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let created = try await client.call(.put, "/leads/Ada@ACME.io", f.headers(.ingest), Self.ada)
            #expect(created.status == .ok && created["outcome"] as? String == "created" && created["email"] as? String == "ada@acme.io", "\(created.text)")
            let again = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            #expect(again["outcome"] as? String == "unchanged")
            let merged = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), #"{"fields":{"Job Title":"CEO"}}"#)
            #expect(merged["outcome"] as? String == "merged" && merged["changed"] as? [String] == ["job_title"], "\(merged.text)")

            let posted = try await client.call(.post, "/events", f.headers(.ingest), Self.event("e1"))
            #expect(posted.status == .ok && posted["status"] as? String == "applied", "\(posted.text)")
            let duplicate = try await client.call(.post, "/events", f.headers(.ingest), Self.event("e1"))
            #expect(duplicate.status == .ok && duplicate["status"] as? String == "duplicate")

            let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            #expect(card.status == .ok, "\(card.text)")
            #expect(card["stage"] as? String == "iql" && card["grade"] as? String == "A", "\(card.text)")
            let ledger = card["ledger"] as? [[String: Any]] ?? []
            let fit = ledger.filter { $0["kind"] as? String == "fit" }.compactMap { $0["points"] as? Double }.reduce(0, +)
            let engagement = ledger.filter { $0["kind"] as? String == "engagement" }.compactMap { $0["value_now"] as? Double }.reduce(0, +)
            #expect(Int(fit) == card["fit_points"] as? Int)
            #expect(abs(engagement - (card["engagement"] as? Double ?? -1)) < 0.001, "ledger \(engagement) vs \(card["engagement"] ?? "")")
            #expect((card["stage_history"] as? [[String: Any]])?.first?["to"] as? String == "iql")
            #expect(!(card["next_offers"] as? [String] ?? []).isEmpty)

            let before = try await client.call(.get, "/leads/ada@acme.io?as_of=2026-05-29", f.headers(.sales))
            #expect(before.status == .notFound && (before["detail"] as? String ?? "").contains("no history yet"), "\(before.text)")
            let download = try await client.call(.get, "/leads/ada@acme.io?as_of=2026-05-31", f.headers(.sales))
            #expect(download.status == .ok && download["events"] as? Int == 1 && download["stage"] as? String == "iql", "only the download: \(download.text)")
            let badDate = try await client.call(.get, "/leads/ada@acme.io?as_of=soon", f.headers(.sales))
            #expect(badDate.status == .badRequest && badDate["field"] as? String == "as_of")
        }
    }

    @Test func aBatchAnswersPerEventAndIsIdempotent() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            let events = [Self.event("b1"), Self.event("b2", type: "demo_request"), Self.event("b3", "nobody@acme.io"),
                          Self.event("b4", at: "2027-01-01T00:00:00Z"), Self.event("b5", type: "$stage")]
            let body = #"{"events":[\#(events.joined(separator: ","))]}"#
            let first = try await client.call(.post, "/events/batch", f.headers(.ingest), body)
            #expect(first.status == .ok, "\(first.text)")
            #expect(first["applied"] as? Int == 2 && first["rejected"] as? Int == 3 && first["duplicates"] as? Int == 0, "\(first.text)")
            let results = first["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? String ?? "" } == ["applied", "applied", "rejected", "rejected", "rejected"])
            #expect((results[2]["reason"] as? String ?? "").contains("nobody@acme.io"), "\(results[2])")
            #expect((results[3]["reason"] as? String ?? "").contains("future"), "\(results[3])")
            let second = try await client.call(.post, "/events/batch", f.headers(.ingest), body)
            #expect(second["applied"] as? Int == 0 && second["duplicates"] as? Int == 2, "\(second.text)")
            let stats = try await f.store.statistics()
            #expect(stats.events >= 2)
            let created = try await client.call(.post, "/events/batch?create_leads=true", f.headers(.ingest), #"{"events":[\#(Self.event("b6", "new@firm.io"))]}"#)
            #expect(created["applied"] as? Int == 1, "\(created.text)")
            let empty = try await client.call(.post, "/events/batch", f.headers(.ingest), #"{"events":[]}"#)
            #expect(empty.status == .badRequest && empty["field"] as? String == "events", "\(empty.text)")
        }
    }

    @Test func theQueuePagesWithACursorAndFilters() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            for i in 0..<5 {
                _ = try await client.call(.put, "/leads/p\(i)@firm\(i).io", f.headers(.ingest), #"{"fields":{"job_title":"CTO"}}"#)
            }
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("q1", "p3@firm3.io", type: "demo_request"))
            var emails: [String] = []
            var uri = "/leads?limit=2&stage=all"
            for _ in 0..<5 {
                let page = try await client.call(.get, uri, f.headers(.sales))
                #expect(page.status == .ok, "\(page.text)")
                emails += (page["leads"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
                guard let next = page["next_cursor"] as? String else { break }
                uri = "/leads?limit=2&stage=all&cursor=\(next)"
            }
            #expect(emails.count == 5 && Set(emails).count == 5 && emails.first == "p3@firm3.io", "\(emails)")
            let sql = try await client.call(.get, "/leads?stage=SQL", f.headers(.sales))
            #expect((sql["leads"] as? [[String: Any]])?.map { $0["email"] as? String } == ["p3@firm3.io"], "\(sql.text)")
            // by default the SQLs, then the MQLs: new leads are not listed
            let byDefault = try await client.call(.get, "/leads", f.headers(.sales))
            #expect(byDefault.status == .ok && (byDefault["leads"] as? [[String: Any]])?.compactMap { $0["email"] as? String } == ["p3@firm3.io"],
                    "\(byDefault.text)")
            let wrongStage = try await client.call(.get, "/leads?stage=soon", f.headers(.sales))
            #expect(wrongStage.status == .badRequest && wrongStage["field"] as? String == "stage", "\(wrongStage.text)")
            let bad = try await client.call(.get, "/leads?cursor=zzz", f.headers(.sales))
            #expect(bad.status == .badRequest && bad["field"] as? String == "cursor")
            let tooMany = try await client.call(.get, "/leads?limit=5000", f.headers(.sales))
            #expect(tooMany.status == .badRequest)
            _ = try await client.call(.put, "/leads/p1@firm1.io", f.headers(.ingest), #"{"fields":{"owner":"Maria Lopez"}}"#)
            let maria = try await client.call(.get, "/leads?owner=maria%20LOPEZ&stage=all", f.headers(.sales))
            let rows = maria["leads"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["email"] as? String } == ["p1@firm1.io"] && rows.first?["owner"] as? String == "Maria Lopez", "\(maria.text)")
            let nobody = try await client.call(.get, "/leads?owner=Sam", f.headers(.sales))
            #expect(nobody.status == .ok && (nobody["leads"] as? [Any])?.isEmpty == true, "\(nobody.text)")
        }
    }

    /// GET /leads?sort=…: the queue by a card's value, each lead's value in sort_value; sorts that cannot apply are 400s.
    @Test func theQueueSortsByEngagementAndRefusesSortsItCannotApply() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            for (i, type) in ["page_view", "webinar_attend", "content_download"].enumerated() {
                _ = try await client.call(.put, "/leads/s\(i)@firm.io", f.headers(.ingest), #"{"fields":{"job_title":"Intern"}}"#)
                _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("s\(i)", "s\(i)@firm.io", type: type))
            }
            let sorted = try await client.call(.get, "/leads?stage=all&sort=engagement&limit=2", f.headers(.sales))
            let rows = sorted["leads"] as? [[String: Any]] ?? []
            let values = rows.compactMap { $0["sort_value"] as? Double }
            #expect(sorted.status == .ok && rows.count == 2 && values.count == 2 && values[0] >= values[1] && values[0] > 0, "\(sorted.text)")
            let next = try #require(sorted["next_cursor"] as? String)
            let rest = try await client.call(.get, "/leads?stage=all&sort=engagement&limit=2&cursor=\(next)", f.headers(.sales))
            let last = (rest["leads"] as? [[String: Any]] ?? []).compactMap { $0["sort_value"] as? Double }
            #expect(last.count == 1 && last[0] <= values[1], "\(rest.text)")
            for (query, field) in [("sort=chance", "sort"), ("sort=engagement:nope", "sort"), ("sort=loudest", "sort")] {
                let refused = try await client.call(.get, "/leads?\(query)", f.headers(.sales))
                #expect(refused.status == .badRequest && refused["field"] as? String == field, "\(query): \(refused.text)")
            }
        }
    }

    /// An event type no rule names is stored and told: a warning in the answer with the type it likely means.
    @Test func aTypoInAnEventTypeIsToldInTheAnswer() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            let one = try await client.call(.post, "/events", f.headers(.ingest), Self.event("t1", type: "pageview"))
            #expect(one.status == .ok && one["status"] as? String == "applied" && (one["warning"] as? String)?.contains("did you mean 'page_view'?") == true,
                    "\(one.text)")
            let fine = try await client.call(.post, "/events", f.headers(.ingest), Self.event("t2", type: "page_view"))
            #expect(fine.status == .ok && fine["warning"] == nil, "\(fine.text)")
            let events = [Self.event("t3", type: "demo_requets"), Self.event("t4", type: "demo_requets"), Self.event("t5", type: "webinar_attend"),
                          Self.event("t6", "nobody@acme.io", type: "zzz")]
            let batch = try await client.call(.post, "/events/batch", f.headers(.ingest), #"{"events":[\#(events.joined(separator: ","))]}"#)
            let warnings = batch["warnings"] as? [String] ?? []
            #expect(warnings.count == 1 && warnings[0].contains("'demo_requets' ×2") && warnings[0].contains("'demo_request'"), "\(batch.text)")
            let results = batch["results"] as? [[String: Any]] ?? []
            #expect(results.compactMap { $0["warning"] as? String }.count == 2 && results[3]["warning"] == nil, "a rejected event warns of nothing")
        }
    }

    /// GET /leads/export: every lead for a CRM, streamed, for marketing and admin keys only.
    @Test func theExportStreamsEveryLeadForMarketing() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            for i in 0..<450 {
                _ = try await client.call(.put, "/leads/p\(i)@firm\(i % 7).io", f.headers(.ingest),
                                          #"{"fields":{"job_title":"CTO","crm_id":"00Q\#(i)","favourite_colour":"=1+1"}}"#)
            }
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("x1", "p3@firm3.io", type: "demo_request"))
            let refused = try await client.call(.get, "/leads/export", f.headers(.sales))
            #expect(refused.status == .forbidden, "sales may read leads one page at a time, not export them all")
            let csv = try await client.call(.get, "/leads/export?profile=hubspot", f.headers(.marketing))
            #expect(csv.status == .ok && csv.contentType?.hasPrefix("text/csv") == true, "\(csv.status) \(csv.text.prefix(200))")
            let lines = csv.text.split(whereSeparator: \.isNewline)  // CSV lines end in CRLF
            #expect(lines.count == 451 && lines[0].hasPrefix("Email,Record ID,") && lines[0].contains("favourite_colour"), "\(lines.count): \(lines.first ?? "")")
            #expect(csv.text.contains(#","'=1+1","#) && csv.text.contains("p449@firm1.io,00Q449,"), "formulas neutralised: \(lines.last ?? "")")
            let jsonl = try await client.call(.get, "/leads/export?format=jsonl&stage=SQL&raw=true", f.headers(.admin))
            let rows = jsonl.text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(jsonl.contentType?.hasPrefix("application/x-ndjson") == true && rows.count == 1 && rows.first?["email"] as? String == "p3@firm3.io"
                    && rows.first?["stage"] as? String == "sql", "\(jsonl.text.prefix(300))")
            let bad = try await client.call(.get, "/leads/export?stage=soon", f.headers(.marketing))
            #expect(bad.status == .badRequest && bad["field"] as? String == "stage", "\(bad.text)")
            let none = try await client.call(.get, "/leads/export?updated_since=2099-01-01T00:00:00Z", f.headers(.marketing))
            #expect(none.status == .ok && none.text.split(whereSeparator: \.isNewline).count == 1, "only the header: \(none.text.prefix(200))")
        }
    }

    /// GET /funnel: the stage history's funnel for anyone who reads leads; bad parameters name themselves.
    @Test func theFunnelReportsStagesCohortsAndGroups() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), #"{"fields":{"lead_source":"webinar","job_title":"CTO"}}"#)
            _ = try await client.call(.put, "/leads/bo@shop.io", f.headers(.ingest), #"{"fields":{"lead_source":"ads"}}"#)
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("f1", type: "demo_request"))
            let r = try await client.call(.get, "/funnel?by=lead_source&from=2026-01-01", f.headers(.sales))
            #expect(r.status == .ok, "\(r.text)")
            #expect(r["arrivals"] as? Int == 2 && r["grouped_by"] as? String == "lead_source", "\(r.text)")
            let stages = r["stages"] as? [[String: Any]] ?? []
            #expect(stages.map { $0["stage"] as? String } == ["new", "iql", "mql", "sql", "opportunity", "customer"])
            #expect(stages.first { $0["stage"] as? String == "sql" }?["entered"] as? Int == 1, "\(stages)")
            let groups = r["groups"] as? [[String: Any]] ?? []
            #expect(Set(groups.compactMap { $0["value"] as? String }) == ["webinar", "ads"], "\(groups)")
            let cohorts = r["cohorts"] as? [[String: Any]] ?? []
            let horizons = cohorts.first?["reached_sql"] as? [[String: Any]] ?? []
            #expect(cohorts.map { $0["month"] as? String } == ["2026-05", "2026-06"] && horizons.map { $0["days"] as? Int } == [30, 60, 90]
                    && horizons.allSatisfy { $0["share"] == nil }, "no cohort has a full horizon on June 1: \(cohorts)")
            let refused = try await client.call(.get, "/funnel", f.headers(.ingest))
            #expect(refused.status == .forbidden)
            let badDate = try await client.call(.get, "/funnel?from=last-week", f.headers(.sales))
            #expect(badDate.status == .badRequest && badDate["field"] as? String == "from", "\(badDate.text)")
            let backwards = try await client.call(.get, "/funnel?from=2026-05-02&to=2026-05-01", f.headers(.sales))
            #expect(backwards.status == .badRequest, "\(backwards.text)")
            let badGroup = try await client.call(.get, "/funnel?by=%22x", f.headers(.sales))
            #expect(badGroup.status == .badRequest && badGroup["field"] as? String == "by", "\(badGroup.text)")
        }
    }

    /// GET /accounts and /accounts/{domain}: accounts scored from their contacts for anyone who reads leads; the lead
    /// card carries its account's score; bad parameters name themselves, an unknown domain is a 404.
    @Test func accountsAreScoredFromTheirContacts() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), #"{"fields":{"job_title":"CTO","employees":"250"}}"#)
            _ = try await client.call(.put, "/leads/cy@acme.io", f.headers(.ingest), #"{"fields":{"job_title":"Procurement Manager"}}"#)
            _ = try await client.call(.put, "/leads/bo@shop.io", f.headers(.ingest), #"{"fields":{"job_title":"Owner"}}"#)
            _ = try await client.call(.put, "/leads/al@gmail.com", f.headers(.ingest), #"{"fields":{"job_title":"CEO"}}"#)
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("f1", type: "demo_request"))
            let list = try await client.call(.get, "/accounts?limit=10", f.headers(.sales))
            #expect(list.status == .ok && list["total"] as? Int == 2 && list["matched"] as? Int == 2, "\(list.text)")
            let accounts = list["accounts"] as? [[String: Any]] ?? []
            #expect(accounts.map { $0["domain"] as? String } == ["acme.io", "shop.io"], "acme is engaged, shop is not: \(accounts)")
            #expect(accounts.first?["missing_roles"] as? [String] == ["decision_maker"] && accounts.first?["contacts"] as? Int == 2,
                    "CTO: technical; procurement manager: champion and finance: \(accounts.first ?? [:])")
            let hot = try await client.call(.get, "/accounts?temperature=HOT&grade=d", f.headers(.sales))
            #expect(hot.status == .ok && hot["matched"] as? Int == 0, "\(hot.text)")
            let card = try await client.call(.get, "/accounts/ACME.io", f.headers(.sales))
            #expect(card.status == .ok, "\(card.text)")
            let contacts = card["contacts"] as? [[String: Any]] ?? []
            #expect(contacts.map { $0["email"] as? String } == ["ada@acme.io", "cy@acme.io"] && contacts.first?["roles"] as? [String] == ["technical"],
                    "\(contacts)")
            let ledger = card["ledger"] as? [[String: Any]] ?? []
            #expect(ledger.contains { $0["contact"] as? String == "ada@acme.io" && ($0["line"] as? [String: Any])?["rule"] as? String == "demo" }, "\(ledger)")
            let lead = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            let score = lead["account_score"] as? [String: Any]
            #expect(score?["domain"] as? String == "acme.io" && score?["engagement"] as? Double == (accounts.first?["engagement"] as? Double),
                    "the card names its account: \(score ?? [:])")
            let unknown = try await client.call(.get, "/accounts/gmail.com", f.headers(.sales))
            #expect(unknown.status == .notFound && unknown.text.contains("free-mail"), "\(unknown.text)")
            let refused = try await client.call(.get, "/accounts", f.headers(.ingest))
            #expect(refused.status == .forbidden)
            let badGrade = try await client.call(.get, "/accounts?grade=E", f.headers(.sales))
            #expect(badGrade.status == .badRequest && badGrade["field"] as? String == "grade", "\(badGrade.text)")
            let badLimit = try await client.call(.get, "/accounts?limit=0", f.headers(.sales))
            #expect(badLimit.status == .badRequest, "\(badLimit.text)")
        }
    }

    /// GET /followups, POST /leads/{email}/followups, GET /followups/held: the cadence's due steps with their offers,
    /// a step done moving it on, the held leads; roles and bad input refused with the field named.
    @Test func followUpsAreListedDoneAndHeld() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), #"{"fields":{"job_title":"CTO"}}"#)
            _ = try await client.call(.put, "/leads/cy@acme.io", f.headers(.ingest), #"{"fields":{"job_title":"CFO"}}"#)
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("d1", at: "2026-05-20T10:00:00Z"))  // ada: IQL
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("d2", "cy@acme.io", at: "2026-05-20T10:00:00Z"))
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("u1", "cy@acme.io", type: "unsubscribe", at: "2026-05-21T10:00:00Z"))
            // a disposable address: due by its events, held back by the hygiene check
            _ = try await client.call(.post, "/events?create_leads=true", f.headers(.ingest), Self.event("d3", "jo@mailinator.com", at: "2026-05-20T10:00:00Z"))
            let list = try await client.call(.get, "/followups?due=all", f.headers(.sales))
            #expect(list.status == .ok, "\(list.text)")
            let items = list["followups"] as? [[String: Any]] ?? []
            #expect(items.map { $0["email"] as? String } == ["ada@acme.io"] && items.first?["step"] as? Int == 1
                    && items.first?["due_at"] as? String == "2026-05-23T10:00:00Z" && items.first?["overdue"] as? Bool == true, "\(items)")
            #expect((items.first?["offer"] as? [String: Any])?["id"] as? String == "webinar", "the next-best offer: \(items)")
            let held = try await client.call(.get, "/followups/held", f.headers(.marketing))
            let heldReasons = (held["held"] as? [[String: Any]] ?? []).map { "\($0["email"] as? String ?? "") \($0["reason"] as? String ?? "")" }
            #expect(heldReasons == ["cy@acme.io unsubscribed", "jo@mailinator.com disposable address"], "\(held.text)")
            let done = try await client.call(.post, "/leads/ada@acme.io/followups", f.headers(.sales), #"{"outcome":"sent","id":"fu-1"}"#)
            #expect(done.status == .ok && done["step"] as? Int == 1, "\(done.text)")
            let moved = try await client.call(.get, "/followups?due=all", f.headers(.sales))
            #expect((moved["followups"] as? [[String: Any]])?.first?["step"] as? Int == 2, "\(moved.text)")
            let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            #expect((card["follow_up"] as? [String: Any])?["step"] as? Int == 2 && (card["next_offer"] as? [String: Any])?["id"] != nil, "\(card.text.prefix(400))")
            let skip = try await client.call(.post, "/leads/ada@acme.io/followups", f.headers(.sales), #"{"outcome":"skipped"}"#)
            #expect(skip.status == .unprocessableContent && skip["field"] as? String == "reason", "\(skip.text)")
            let heldDone = try await client.call(.post, "/leads/cy@acme.io/followups", f.headers(.sales), #"{"outcome":"sent"}"#)
            #expect(heldDone.status == .conflict && heldDone.text.contains("unsubscribed"), "\(heldDone.text)")
            let refused = try await client.call(.post, "/leads/ada@acme.io/followups", f.headers(.ingest), #"{"outcome":"sent"}"#)
            #expect(refused.status == .forbidden)
            let badDue = try await client.call(.get, "/followups?due=tomorrow", f.headers(.sales))
            #expect(badDue.status == .badRequest, "\(badDue.text)")
        }
    }

    @Test func aPersonsStageMoveIsRecordedWithItsReasonOrRefused() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("s1", type: "demo_request"))
            let accept = try await client.call(.post, "/leads/ada@acme.io/stage", f.headers(.sales), #"{"action":"accept","reason":"budget confirmed"}"#)
            #expect(accept.status == .ok && accept["stage"] as? String == "opportunity", "\(accept.text)")
            let again = try await client.call(.post, "/leads/ada@acme.io/stage", f.headers(.sales), #"{"action":"accept","reason":"twice"}"#)
            #expect(again.status == .conflict, "\(again.text)")
            let noReason = try await client.call(.post, "/leads/ada@acme.io/stage", f.headers(.sales), #"{"action":"recycle"}"#)
            #expect(noReason.status == .badRequest && noReason["field"] as? String == "reason", "\(noReason.text)")
            let unknown = try await client.call(.post, "/leads/ghost@acme.io/stage", f.headers(.sales), #"{"action":"recycle","reason":"x"}"#)
            #expect(unknown.status == .notFound)
            let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            let last = (card["stage_history"] as? [[String: Any]])?.last
            #expect(last?["reason"] as? String == "accept: budget confirmed" && (last?["by"] as? String ?? "").contains("sales key"), "\(String(describing: last))")
        }
    }

    @Test func theModelIsValidatedDryRunActivatedAndListed() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let current = try await client.call(.get, "/model", f.headers(.marketing))
            #expect(current.status == .ok && current["version"] as? Int == 1)
            let broken = #"{"source":"name: x\nfit:\n  rules: 3\n"}"#
            let check = try await client.call(.post, "/model/validate", f.headers(.marketing), broken)
            #expect(check.status == .ok && check["valid"] as? Bool == false, "\(check.text)")
            let firstError = (check["errors"] as? [[String: Any]])?.first
            #expect(firstError?["line"] as? Int != nil && firstError?["message"] as? String != nil, "\(check.text)")
            let refused = try await client.call(.post, "/model/activate", f.headers(.marketing), broken)
            #expect(refused.status == .unprocessableContent && refused["field"] as? String == "source", "\(refused.text)")

            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("m1"))
            let stricter = DefaultModel.yaml.replacingOccurrences(of: "name: ", with: "name: stricter-", options: [], range: nil)
            let body = String(decoding: try JSONEncoder().encode(["source": stricter]), as: UTF8.self)
            let valid = try await client.call(.post, "/model/validate", f.headers(.marketing), body)
            #expect(valid["valid"] as? Bool == true, "\(valid.text)")
            let dry = try await client.call(.post, "/model/dry-run", f.headers(.marketing), body)
            #expect(dry.status == .ok && dry["leads"] as? Int == 1, "\(dry.text)")
            let activated = try await client.call(.post, "/model/activate", f.headers(.marketing), body)
            #expect(activated.status == .ok && activated["version"] as? Int == 2, "\(activated.text)")
            let versions = try await client.call(.get, "/model/versions", f.headers(.marketing))
            #expect((versions["versions"] as? [[String: Any]])?.map { $0["version"] as? Int } == [2, 1], "\(versions.text)")
        }
    }

    /// Every operation against every role: allowed ones never answer 401/403, refused ones answer exactly 403 with
    /// a problem document and no data; no key and a revoked key answer 401.
    @Test func theRoleMatrix() async throws {
        let f = try await Fixture()
        let calls: [(HTTPRequest.Method, String, String?, Set<Role>)] = [
            (.get, "/metrics", nil, [.admin]),
            (.get, "/leads", nil, [.sales, .marketing, .admin]),
            (.get, "/leads/ada@acme.io", nil, [.sales, .marketing, .admin]),
            (.get, "/leads/export", nil, [.marketing, .admin]),
            (.put, "/leads/ada@acme.io", Self.ada, [.ingest, .admin]),
            (.post, "/leads/ada@acme.io/stage", #"{"action":"disqualify","reason":"test"}"#, [.sales, .marketing, .admin]),
            (.post, "/events", Self.event("r1"), [.ingest, .admin]),
            (.post, "/events/batch", #"{"events":[\#(Self.event("r2"))]}"#, [.ingest, .admin]),
            (.get, "/model", nil, [.marketing, .admin]),
            (.get, "/model/versions", nil, [.marketing, .admin]),
            (.post, "/model/validate", #"{"source":"name: x"}"#, [.marketing, .admin]),
            (.post, "/model/dry-run", #"{"source":"name: x"}"#, [.marketing, .admin]),
            (.post, "/model/activate", #"{"source":"name: x"}"#, [.admin, .marketing]),
            (.post, "/verify", #"{"emails":["ana@gmial.com"]}"#, Set(Role.allCases)),
            (.post, "/leads/ada@acme.io/answers", #"{"answers":{"budget":"yes"}}"#, [.sales, .marketing, .admin]),
        ]
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.admin), Self.ada)
            for (method, uri, body, allowed) in calls {
                for role in Role.allCases {
                    let reply = try await client.call(method, uri, f.headers(role), body)
                    if allowed.contains(role) {
                        #expect(reply.status != .forbidden && reply.status != .unauthorized, "\(role) \(method) \(uri): \(reply.status)")
                    } else {
                        #expect(reply.status == .forbidden, "\(role) \(method) \(uri): \(reply.status)")
                        #expect(reply.contentType == "application/problem+json" && !reply.text.contains("ada@acme.io") && !reply.text.contains("Lovelace"),
                                "\(role) \(method) \(uri): \(reply.text)")
                    }
                }
                let anonymous = try await client.call(method, uri, f.headers(nil), body)
                #expect(anonymous.status == .unauthorized && !anonymous.text.contains("Lovelace"), "no key \(method) \(uri)")
                var revoked = f.headers(nil)
                revoked[.authorization] = "Bearer \(f.revoked)"
                #expect(try await client.call(method, uri, revoked, body).status == .unauthorized, "revoked key \(method) \(uri)")
                var wrong = f.headers(nil)
                wrong[.authorization] = "Bearer qk_not-a-real-key"
                #expect(try await client.call(method, uri, wrong, body).status == .unauthorized, "unknown key \(method) \(uri)")
            }
        }
    }

    @Test func badInputsGetProblemsNamingTheField() async throws {
        let f = try await Fixture(maxBody: 4096)
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            let cases: [(HTTPRequest.Method, String, String, HTTPResponse.Status, String?)] = [
                (.post, "/events", #"{"id":"x","email":"ada@acme.io","type":"visit","at":"2026-05-01T00:00:00Z","colour":"red"}"#, .badRequest, "colour"),
                (.post, "/events", #"{"id":"x","email":"ada@acme.io","type":"visit"}"#, .badRequest, "at"),
                (.post, "/events", #"{"id":7,"email":"ada@acme.io","type":"visit","at":"2026-05-01T00:00:00Z"}"#, .badRequest, "id"),
                (.post, "/events", #"{"id":"x","email":"ada@acme.io","type":"$stage","at":"2026-05-01T00:00:00Z"}"#, .unprocessableContent, "type"),
                (.post, "/events", "{not json", .badRequest, nil),
                (.put, "/leads/not-an-email", #"{"fields":{}}"#, .badRequest, "email"),
                (.put, "/leads/ada@acme.io", #"{"fields":{"email":"other@acme.io"}}"#, .badRequest, "fields.email"),
                (.post, "/leads/ada@acme.io/stage", #"{"action":"promote","reason":"x"}"#, .badRequest, nil),
                (.post, "/events/batch", #"{"events":[\#(String(repeating: Self.event("big") + ",", count: 40))\#(Self.event("z"))]}"#, .contentTooLarge, nil),
            ]
            for (method, uri, body, status, field) in cases {
                let reply = try await client.call(method, uri, f.headers(.admin), body)
                #expect(reply.status == status, "\(method) \(uri) \(body.prefix(80)): \(reply.status) \(reply.text)")
                #expect(reply.contentType == "application/problem+json", "\(uri): \(reply.contentType ?? "none")")
                #expect(reply["status"] as? Int == Int(status.code) && !(reply["detail"] as? String ?? "").isEmpty, "\(reply.text)")
                if let field { #expect(reply["field"] as? String == field, "\(body.prefix(80)): \(reply.text)") }
                #expect(!reply.text.contains("SELECT") && !reply.text.contains("INSERT"), "no SQL in errors")
            }
        }
    }

    /// Counts look-ups in flight (the resolver itself is tested against a real DNS server in DNSResolverTests).
    actor InFlight {
        var now = 0, most = 0, total = 0
        func enter() { now += 1; total += 1; most = max(most, now) }
        func leave() { now -= 1 }
    }

    @Test func domainLookUpsNeedAListRoleAndRunSixteenAtATime() async throws {
        let f = try await Fixture()
        let flight = InFlight()
        let lookup: @Sendable (String) async -> MailDomainStatus = { _ in
            await flight.enter()
            try? await Task.sleep(for: .milliseconds(40))
            await flight.leave()
            return .addressOnly
        }
        let router = try await QualifyServer.router(cards: LeadCards(store: f.store, verifier: EmailVerifier(), prediction: nil), mailDomainLookup: lookup,
                                                    settings: .init(keyCacheSeconds: 0), logger: f.logger, clock: { Fixture.now })
        try await Application(router: router, logger: f.logger).test(.router) { client in
            let emails = (0..<100).map { "\"a@domain\($0).com\"" }.joined(separator: ",")
            let ingest = try await client.call(.post, "/verify", f.headers(.ingest), #"{"emails":[\#(emails)],"dns":true}"#)
            #expect(ingest.status == .forbidden && ingest["field"] as? String == "dns", "\(ingest.text)")
            let marketing = try await client.call(.post, "/verify", f.headers(.marketing), #"{"emails":[\#(emails),"b@domain1.com"],"dns":true}"#)
            #expect(marketing.status == .ok && (marketing["results"] as? [[String: Any]])?.count == 101, "\(marketing.text.prefix(300))")
            let (most, total) = (await flight.most, await flight.total)
            #expect(total == 100 && most <= 16 && most > 1, "each domain once, at most 16 at a time: \(total) look-ups, \(most) at once")
        }
    }

    @Test func aBatchOfAddressesIsVerifiedAndTheCardShowsItsVerdict() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let reply = try await client.call(.post, "/verify", f.headers(.ingest),
                                              #"{"emails":["ana@acme-industries.com","bob@gmial.com","info@acme-industries.com","bad@@x.com",""]}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            let results = reply["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["verdict"] as? String ?? "" } == ["valid", "risky", "risky", "invalid", "unknown"], "\(reply.text)")
            #expect(results[1]["suggestion"] as? String == "bob@gmail.com" && (results[1]["reasons"] as? [String])?.contains("possible_typo") == true)
            #expect((results[2]["reasons"] as? [String]) == ["role_account"], "\(results[2])")
            #expect((results[3]["reasons"] as? [String]) == ["multiple_at_signs"], "\(results[3])")
            let noDNS = try await client.call(.post, "/verify", f.headers(.marketing), #"{"emails":["a@b.com"],"dns":true}"#)
            #expect(noDNS.status == .notImplemented && noDNS["field"] as? String == "dns", "\(noDNS.text)")
            let tooMany = try await client.call(.post, "/verify", f.headers(.ingest), #"{"emails":[]}"#)
            #expect(tooMany.status == .badRequest)

            _ = try await client.call(.put, "/leads/carla@gmail.com", f.headers(.ingest), #"{"fields":{"first_name":"Carla"}}"#)
            let card = try await client.call(.get, "/leads/carla@gmail.com", f.headers(.sales))
            let check = card["email_check"] as? [String: Any]
            #expect(check?["verdict"] as? String == "risky" && (check?["reasons"] as? [String]) == ["free_mail"], "\(card.text)")
        }
    }

    @Test func checklistAnswersGiveThePriorityGradeOnTheCard() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            let answered = try await client.call(.post, "/leads/ada@acme.io/answers", f.headers(.sales),
                                                 #"{"answers":{"budget":"yes","authority":"yes","need":"partly"}}"#)
            // default checklist weights: budget 3, authority 3, need 4, timeline 2, icp 2, strengths 2 → (3 + 3 + 2) / 16
            #expect(answered.status == .ok && answered["grade"] as? String == "P2" && answered["score"] as? Double == 0.5, "\(answered.text)")
            let lines = answered["requirements"] as? [[String: Any]] ?? []
            #expect(lines.first?["answer"] as? String == "yes" && (lines.first?["by"] as? String ?? "").contains("sales key"), "\(lines.first ?? [:])")
            let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
            #expect((card["priority"] as? [String: Any])?["grade"] as? String == "P2", "\(card.text)")
            // grade A and no engagement: a great fit but cold; no model installed, so no prediction
            #expect(card["flags"] as? [String] == ["great_fit_but_cold"] && card["prediction"] == nil, "\(card.text)")
            let unknown = try await client.call(.post, "/leads/ada@acme.io/answers", f.headers(.sales), #"{"answers":{"budgte":"yes"}}"#)
            #expect(unknown.status == .unprocessableContent && unknown["field"] as? String == "answers.budgte"
                    && (unknown["detail"] as? String ?? "").contains("did you mean 'budget'"), "\(unknown.text)")
            let bad = try await client.call(.post, "/leads/ada@acme.io/answers", f.headers(.sales), #"{"answers":{"budget":"maybe"}}"#)
            #expect(bad.status == .badRequest, "\(bad.text)")
            let ghost = try await client.call(.post, "/leads/ghost@acme.io/answers", f.headers(.sales), #"{"answers":{"budget":"yes"}}"#)
            #expect(ghost.status == .notFound)
        }
    }

    @Test func metricsCountRequestsByRouteEventsAndStageTransitions() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), Self.ada)
            _ = try await client.call(.post, "/events", f.headers(.ingest), Self.event("x1", type: "demo_request"))
            let metrics = try await client.call(.get, "/metrics", f.headers(.admin))
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains(#"hb_requests{http_route="/leads/{email}",http_request_method="PUT""#), "\(metrics.text.prefix(2000))")
            #expect(metrics.text.contains(#"qualify_events_ingested_total{status="applied"}"#))
            #expect(metrics.text.contains(#"qualify_stage_transitions_total{from="new",to="sql"}"#), "\(metrics.text.prefix(3000))")
            #expect(metrics.text.contains("http_server_request_duration_bucket"))
        }
    }
}
