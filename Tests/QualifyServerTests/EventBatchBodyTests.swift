import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenAPIRuntime
@testable import QualifyCore
import QualifyStore
import QualifyUseCases
@testable import QualifyServer
import Testing

/// The hand-read batch body (``EventBatchBody``) against Foundation's decoding as the generated route does it: the
/// same values for every body it takes, and nil — the generated route's turn — for every other.
@Suite struct EventBatchBodyTests {
    /// The generated route's decoding: Foundation's decoder with the API's dates.
    static func generated(_ bytes: [UInt8]) -> Components.Schemas.EventBatch? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try FlexibleISO8601().decode(try decoder.singleValueContainer().decode(String.self))
        }
        return try? decoder.decode(Components.Schemas.EventBatch.self, from: Data(bytes))
    }

    @Test(arguments: [
        #"{"events":[{"id":"e1","email":"ada@acme.io","type":"page_view","at":"2026-05-30T10:00:00Z","properties":{"url":"/pricing"}}]}"#,
        #"{"events":[]}"#,
        " \n{ \"events\" :\t[ { \"at\" : \"2026-05-30T10:00:00.123+02:00\" , \"type\":\"x\", \"email\":\"a@b.io\", \"id\":\"1\" } ] } \r\n",
        #"{"events":[{"id":"q\"uote\\slash\/","email":"zo\u00eb@acme.io","type":"t\n","at":"2026-05-30T10:00:00Z","properties":{}}]}"#,
        #"{"events":[{"id":"🚀 \ud83d\ude80","email":"東京@例え.jp","type":"a","at":"2026-01-01T00:00:00.5Z","properties":{"k\u0000":"\b\f\r\t","":""}}]}"#,
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"},{"id":"2","email":"a@b.io","type":"t","at":"2026-05-30T10:00:01Z","properties":{"a":"1","b":"2"}}]}"#,
    ])
    func aPlainBodyReadsAsTheGeneratedDecodingReadsIt(_ body: String) throws {
        let bytes = Array(body.utf8)
        let fast = try #require(EventBatchBody.decode(bytes), "taken: \(body)")
        let expected = try #require(Self.generated(bytes), "Foundation reads it too: \(body)")
        #expect(fast == expected)
    }

    @Test(arguments: [
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z","colour":"red"}]}"#,  // unknown key
        #"{"events":[],"more":1}"#,
        #"{"events":[{"id":"1","id":"2","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"}]}"#,  // repeated key
        #"{"events":[{"id":1,"email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"}]}"#,  // a number
        #"{"events":[{"id":"1","email":null,"type":"t","at":"2026-05-30T10:00:00Z"}]}"#,
        #"{"events":[{"id":"1","email":"a@b.io","type":"t"}]}"#,  // no date
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"soon"}]}"#,
        #"{"events":[{"id":"\ud800","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"}]}"#,  // lone surrogate
        #"{"events":[{"id":"\udc00x","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"}]}"#,
        "{\"events\":[{\"id\":\"a\tb\",\"email\":\"a@b.io\",\"type\":\"t\",\"at\":\"2026-05-30T10:00:00Z\"}]}",  // raw tab
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z","properties":{"a":1}}]}"#,
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z","properties":{"a":"1","a":"2"}}]}"#,
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z","properties":{"a":{"b":"c"}}}]}"#,
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"},]}"#,  // trailing comma
        #"{"events":[{"id":"1","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"}]} x"#,
        #"{"events":[{"id":"\x","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"}]}"#,
        "\u{FEFF}{\"events\":[]}",
        #"{"events":{}}"#, "[]", "", "{",
    ])
    func anyOtherBodyIsLeftToTheGeneratedRoute(_ body: String) {
        #expect(EventBatchBody.decode(Array(body.utf8)) == nil, "\(body)")
    }

    @Test func bytesThatAreNotUTF8AreLeftToTheGeneratedRoute() {
        var bytes = Array(#"{"events":[{"id":"x","email":"a@b.io","type":"t","at":"2026-05-30T10:00:00Z"}]}"#.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "x"))!] = 0xFF
        #expect(EventBatchBody.decode(bytes) == nil)
        #expect(Self.generated(bytes) == nil)
    }

    /// Many events with values drawn from every kind of character and escape: read the same both ways.
    @Test func generatedBodiesReadTheSameBothWays() throws {
        var rng = DemoRandom(seed: 20, stream: 1, index: 0)
        let pieces = ["a", "Z", "0", " ", "é", "東", "🚀", #"\""#, #"\\"#, #"\/"#, #"\n"#, #"\t"#, #"\u00e9"#, #"\u0001"#,
                      #"\ud83d\ude80"#, "-", "@", "."]
        func text(_ n: Int) -> String { (0..<Int.random(in: 0...n, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() }
        for _ in 0..<20 {
            let events = (0..<50).map { i -> String in
                let properties = (0..<Int.random(in: 0...4, using: &rng)).map { k in #""p\#(k)\#(text(3))":"\#(text(12))""# }
                let at = ["2026-05-30T10:00:00Z", "2026-05-30T10:00:00.25Z", "2026-05-30T12:00:00+02:00"].randomElement(using: &rng)!
                return #"{"id":"\#(i)\#(text(8))","email":"\#(text(6))@x.io","type":"\#(text(5))","at":"\#(at)","properties":{\#(properties.joined(separator: ","))}}"#
            }
            let bytes = Array(#"{"events":[\#(events.joined(separator: ","))]}"#.utf8)
            let expected = try #require(Self.generated(bytes))
            #expect(EventBatchBody.decode(bytes) == expected)
        }
    }

    /// The answer's bytes are the generated route's: Foundation's encoder with sorted keys, on every kind of text.
    @Test func theAnswerIsWrittenAsFoundationWritesIt() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var every = ""
        for c in 0..<0x80 { every.unicodeScalars.append(Unicode.Scalar(UInt8(c))) }
        every += "é東🚀\u{2028}\u{7F}"
        let results: [Components.Schemas.EventResult] = [
            .init(id: every, status: .applied),
            .init(id: "e/2", status: .rejected, reason: "no lead with email 'a\"b@x.io'"),
            .init(id: "e3", status: .duplicate, warning: "'pageview' ×1 scored nothing"),
            .init(id: "", status: .applied, reason: "r", warning: "w\n"),
        ]
        for warnings in [nil, [], ["a", every]] as [[String]?] {
            for list in [[], results] {
                let result = Components.Schemas.EventBatchResult(applied: 1_234_567, duplicates: 0, rejected: -1, results: list, warnings: warnings)
                #expect(EventBatchBody.encode(result) == Array(try encoder.encode(result)),
                        "\(String(decoding: EventBatchBody.encode(result), as: UTF8.self))")
            }
        }
    }

    @Test func onlyThePlainRequestTakesTheFastPath() {
        #expect(EventBatchFastPath.isJSON("application/json") && EventBatchFastPath.isJSON("Application/JSON; charset=utf-8"))
        #expect(!EventBatchFastPath.isJSON(nil) && !EventBatchFastPath.isJSON("application/jsonx") && !EventBatchFastPath.isJSON("text/plain"))
        #expect(EventBatchFastPath.acceptsJSON(nil) && EventBatchFastPath.acceptsJSON("*/*") && EventBatchFastPath.acceptsJSON("application/json"))
        #expect(!EventBatchFastPath.acceptsJSON("text/html") && !EventBatchFastPath.acceptsJSON("application/json, text/plain"))
        #expect(EventBatchFastPath.createLeads("/events/batch") == .some(nil))
        #expect(EventBatchFastPath.createLeads("/events/batch?create_leads=true") == .some(true))
        #expect(EventBatchFastPath.createLeads("/events/batch?create_leads=false") == .some(false))
        #expect(EventBatchFastPath.createLeads("/events/batch?create_leads=yes") == nil)
        #expect(EventBatchFastPath.createLeads("/events/batch?create_leads=true&x=1") == nil)
    }

    /// The same batch through the fast path and through the generated route (an `Accept` the fast path leaves to it)
    /// gets the same answer, byte for byte, and stores the same.
    @Test func bothWaysInAnswerAlike() async throws {
        let events = [APITests.event("f1"), APITests.event("f2", type: "demo_request"), APITests.event("f3", "nobody@acme.io"),
                      APITests.event("f4", at: "2027-01-01T00:00:00Z"), APITests.event("f1"), APITests.event("f5", type: "pageview")]
        let body = #"{"events":[\#(events.joined(separator: ","))]}"#
        var answers: [String] = []
        for accept in ["application/json", "application/json, text/plain"] {
            let f = try await Fixture()
            answers += try await f.app.test(.router) { client in
                _ = try await client.call(.put, "/leads/ada@acme.io", f.headers(.ingest), APITests.ada)
                var headers = f.headers(.ingest)
                headers[.accept] = accept
                let reply = try await client.call(.post, "/events/batch", headers, body)
                #expect(reply.status == .ok && reply.contentType == "application/json; charset=utf-8", "\(reply.text)")
                #expect(reply.headers[.contentLength] == String(reply.text.utf8.count))
                #expect(reply["applied"] as? Int == 3 && reply["rejected"] as? Int == 2 && reply["duplicates"] as? Int == 1 && reply["warnings"] != nil, "\(reply.text)")
                let card = try await client.call(.get, "/leads/ada@acme.io", f.headers(.sales))
                return [reply.text, "\(card["stage"] ?? "") \(card["events"] ?? "")"]
            }
        }
        #expect(answers[0] == answers[2] && answers[1] == answers[3], "\(answers)")
    }

    /// The fast path sits behind the key check and in front of the `null` refusal and the generated route.
    @Test func theFastPathIsBetweenTheKeyCheckAndTheRoute() async throws {
        let f = try await Fixture()
        let api = QualifyAPI(cards: LeadCards(store: f.store, verifier: EmailVerifier(), prediction: nil), mailDomainLookup: nil, webhookPing: nil,
                             allowPrivateWebhooks: false, readyTimeout: .seconds(1), metrics: ServerMetrics.shared,
                             transitions: TransitionCounter(store: f.store, metrics: ServerMetrics.shared), clock: { Fixture.now })
        let chain = QualifyServer.apiMiddlewares(api: api, store: f.store, settings: .init(), logger: f.logger)
        #expect(chain.map { "\(type(of: $0))" } == ["ProblemMiddleware", "AccessMiddleware", "EventBatchFastPath", "NullRefusalMiddleware"])
    }

    /// A new field in the answer's schema must be written by ``EventBatchBody/encode(_:)`` too: this fails first.
    @Test func theHandWrittenAnswerKnowsEveryFieldOfTheSchema() {
        let result = Components.Schemas.EventBatchResult(applied: 0, duplicates: 0, rejected: 0, results: [], warnings: nil)
        #expect(Mirror(reflecting: result).children.map { $0.label ?? "" } == ["applied", "duplicates", "rejected", "results", "warnings"])
        let event = Components.Schemas.EventResult(id: "", status: .applied)
        #expect(Mirror(reflecting: event).children.map { $0.label ?? "" } == ["id", "status", "reason", "warning"])
    }

    /// The plain request is answered without the generated route; any other goes on to it, its body intact.
    @Test func thePlainRequestIsAnsweredInFrontOfTheGeneratedRoute() async throws {
        let f = try await Fixture()
        let api = QualifyAPI(cards: LeadCards(store: f.store, verifier: EmailVerifier(), prediction: nil), mailDomainLookup: nil, webhookPing: nil,
                             allowPrivateWebhooks: false, readyTimeout: .seconds(1), metrics: ServerMetrics.shared,
                             transitions: TransitionCounter(store: f.store, metrics: ServerMetrics.shared), clock: { Fixture.now })
        let fastPath = EventBatchFastPath(api: api, maxBytes: 1 << 20)
        let passed = Passed()
        func send(_ body: String, path: String = "/events/batch") async throws -> (HTTPResponse, String) {
            var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: path)
            request.headerFields[.contentType] = "application/json"
            let (response, answer) = try await fastPath.intercept(request, body: HTTPBody(body), metadata: .init(), operationID: "postEventBatch") {
                _, body, _ in
                await passed.add(try await String(collecting: body!, upTo: 1 << 20))
                return (HTTPResponse(status: .accepted), nil)
            }
            guard let answer else { return (response, "") }
            return (response, try await String(collecting: answer, upTo: 1 << 20))
        }
        let (plain, text) = try await send(#"{"events":[\#(APITests.event("p1"))]}"#, path: "/events/batch?create_leads=true")
        #expect(plain.status == .ok && text.contains(#""applied":1"#) && plain.headerFields[.contentLength] == String(text.utf8.count), "\(text)")
        #expect(await passed.bodies.isEmpty)
        let other = #"{"events":[{"id":"x","email":"ada@acme.io","type":"visit","at":"2026-05-01T00:00:00Z","colour":"red"}]}"#
        #expect(try await send(other).0.status == .accepted)
        #expect(try await send(#"{"events":[\#(APITests.event("p2"))]}"#, path: "/events/batch?create_leads=1").0.status == .accepted)
        #expect(await passed.bodies == [other, #"{"events":[\#(APITests.event("p2"))]}"#])
    }

    actor Passed {
        var bodies: [String] = []
        func add(_ body: String) { bodies.append(body) }
    }

    /// A body the fast path does not take is answered by the generated route as before: the problem names the field.
    @Test func aBodyLeftToTheGeneratedRouteIsRefusedNamingTheField() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let unknown = #"{"events":[{"id":"x","email":"ada@acme.io","type":"visit","at":"2026-05-01T00:00:00Z","colour":"red"}]}"#
            let reply = try await client.call(.post, "/events/batch", f.headers(.ingest), unknown)
            #expect(reply.status == .badRequest && (reply["field"] as? String ?? "").contains("colour"), "\(reply.text)")
            let number = #"{"events":[{"id":7,"email":"ada@acme.io","type":"visit","at":"2026-05-01T00:00:00Z"}]}"#
            let typed = try await client.call(.post, "/events/batch", f.headers(.ingest), number)
            #expect(typed.status == .badRequest && typed["field"] as? String == "events[0].id", "\(typed.text)")
            let noKey = try await client.call(.post, "/events/batch", f.headers(nil), #"{"events":[]}"#)
            #expect(noKey.status == .unauthorized, "\(noKey.text)")
            let sales = try await client.call(.post, "/events/batch", f.headers(.sales), #"{"events":[\#(APITests.event("s"))]}"#)
            #expect(sales.status == .forbidden, "\(sales.text)")
        }
    }
}
