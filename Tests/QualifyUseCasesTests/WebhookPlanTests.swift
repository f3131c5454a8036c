import Foundation
import QualifyCore
import QualifyStore
import QualifyUseCases
import Testing

@Suite struct WebhookPlanTests {
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static func message(_ id: Int64, to: Stage, outcome: Bool? = nil) -> OutboxMessage {
        let event = OutboxEvent.stageChanged(lead: "ada@acme.io", change: StageChange(from: .mql, to: to, at: t0, eventID: EventID("e\(id)"),
                                                                                     reason: "did demo_request", by: "model"), outcome: outcome)
        return OutboxMessage(id: id, kind: event.kind, payload: event.payload, createdAt: t0)
    }
    static func subscription(_ id: String, _ events: [WebhookEventType], enabled: Bool = true, since: Timestamp = t0) -> WebhookSubscription {
        WebhookSubscription(id: id, url: "https://example.com/\(id)", events: events, description: "", secret: "whsec_AAAA",
                            format: .standard, enabled: enabled, failing: false, createdAt: since)
    }

    @Test func eachMessageGoesAsEachOfItsTypesToTheSubscriptionsThatWantIt() {
        let subs = [Self.subscription("all", [.stageChanged, .becameSQL, .outcome]), Self.subscription("sql", [.becameSQL]),
                    Self.subscription("off", [.stageChanged], enabled: false), Self.subscription("later", [.stageChanged], since: Self.t0.adding(.seconds(1)))]
        let plan = WebhookPlan.deliveries([Self.message(1, to: .iql), Self.message(2, to: .sql), Self.message(3, to: .customer, outcome: true),
                                           OutboxMessage(id: 4, kind: "unknown_kind", payload: "{}", createdAt: Self.t0)], subs)
        let got = plan.map { "\($0.messageID) \($0.eventType.tag) \($0.subscriptionID)" }
        #expect(got == ["1 stage all", "1 stage off", "2 stage all", "2 stage off", "2 sql all", "2 sql sql", "3 stage all", "3 stage off",
                        "3 outcome all"], "a disabled subscription's deliveries are made (they wait); none for one made after the message")
        #expect(plan.allSatisfy { $0.lead == "ada@acme.io" })
    }

    @Test func anAttemptIsDeliveredOnA2xxRetriedOtherwiseAndGivenUpAfterTheLast() {
        func attempt(_ status: Int?) -> WebhookAttempt {
            WebhookAttempt(deliveryID: 1, subscriptionID: "s", webhookID: "msg_1_stage", eventType: .stageChanged, at: Self.t0, status: status,
                           latencyMillis: 3, error: status == nil ? "connection refused" : nil, response: nil)
        }
        #expect(WebhookPlan.after(attempt(204), attemptsBefore: 0, jitter: 0.5) == (.delivered, nil))
        #expect(WebhookPlan.after(attempt(500), attemptsBefore: 0, jitter: 0.5) == (.pending, Self.t0.adding(.seconds(10))))
        #expect(WebhookPlan.after(attempt(nil), attemptsBefore: 1, jitter: 0.5) == (.pending, Self.t0.adding(.seconds(30))))
        #expect(WebhookPlan.after(attempt(301), attemptsBefore: WebhookRetry.maximumAttempts - 1, jitter: 0.5) == (.failed, nil))
    }

    @Test func theBodyIsTheStandardEnvelopeOrAChatLine() throws {
        guard let event = Self.message(2, to: .sql).event else { Issue.record("the message does not decode"); return }
        let data = WebhookData(.becameSQL, event: event, card: nil, link: "https://q.example/leads/ada@acme.io")
        let body = try WebhookBody.encode(.becameSQL, format: .standard, data: data, at: Self.t0)
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        #expect(json?["type"] as? String == "lead.became_sql" && json?["timestamp"] as? String == "2026-03-02T09:00:00Z")
        let d = json?["data"] as? [String: Any]
        #expect(d?["lead"] as? String == "ada@acme.io" && d?["to"] as? String == "sql" && d?["link"] as? String == "https://q.example/leads/ada@acme.io")
        let chat = try JSONSerialization.jsonObject(with: try WebhookBody.encode(.becameSQL, format: .slack, data: data, at: Self.t0)) as? [String: Any]
        #expect(chat?["text"] as? String == "New SQL: ada@acme.io — did demo_request. <https://q.example/leads/ada@acme.io>")
        var hostile = data
        hostile.lead = "<!channel> <https://evil.example|Verify>"
        #expect(hostile.chatText(.stageChanged).hasPrefix("&lt;!channel&gt; &lt;https://evil.example|Verify&gt;"), "form input cannot ping or link")
        let outcome = WebhookData(.outcome, event: Self.message(3, to: .customer, outcome: false).event!, card: nil, link: nil)
        #expect(outcome.outcome == "lost" && outcome.chatText(.outcome) == "Deal lost: ada@acme.io — did demo_request.")
    }
}
