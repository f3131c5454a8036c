import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import QualifyCore
import Testing

/// Webhook subscriptions over the API: admin only, private targets refused, the secret shown once, the same verbs as
/// the CLI.
@Suite struct WebhookAPITests {
    @Test func onlyAnAdminManagesWebhooks() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            for role in [Role.ingest, .sales, .marketing] {
                let r = try await client.call(.get, "/webhooks", f.headers(role))
                #expect(r.status == .forbidden, "\(role): \(r.status)")
            }
            #expect(try await client.call(.get, "/webhooks", f.headers(nil)).status == .unauthorized)
            #expect(try await client.call(.get, "/webhooks", f.headers(.admin)).status == .ok)
        }
    }

    @Test func aSubscriptionIsAddedListedWithoutItsSecretSwitchedAndRemoved() async throws {
        let f = try await Fixture()
        try await f.app.test(.router) { client in
            let loopback = try await client.call(.post, "/webhooks", f.headers(.admin), #"{"url":"http://127.0.0.1:9/x","events":["lead.became_sql"]}"#)
            #expect(loopback.status == .unprocessableContent && loopback["field"] as? String == "url", "\(loopback.text)")
            let bad = try await client.call(.post, "/webhooks", f.headers(.admin), #"{"url":"https://crm.example.com/h","events":["lead.nope"]}"#)
            #expect(bad.status == .badRequest, "an unknown event type is refused: \(bad.text)")
            let none = try await client.call(.post, "/webhooks", f.headers(.admin), #"{"url":"https://crm.example.com/h","events":[]}"#)
            #expect(none.status == .unprocessableContent && none["field"] as? String == "events", "\(none.text)")
            let added = try await client.call(.post, "/webhooks", f.headers(.admin),
                                              #"{"url":"https://crm.example.com/h","events":["lead.became_sql","lead.outcome"],"description":"CRM","format":"slack"}"#)
            #expect(added.status == .created, "\(added.text)")
            let secret = try #require(added["secret"] as? String)
            let id = try #require((added["subscription"] as? [String: Any])?["id"] as? String)
            #expect(secret.hasPrefix("whsec_") && id.hasPrefix("wh_"))
            let listed = try await client.call(.get, "/webhooks", f.headers(.admin))
            #expect(listed.text.contains(id) && !listed.text.contains(secret) && listed["pending"] as? Int == 0, "\(listed.text)")
            let disabled = try await client.call(.post, "/webhooks/\(id)/disable", f.headers(.admin))
            #expect(disabled["enabled"] as? Bool == false && disabled["format"] as? String == "slack", "\(disabled.text)")
            let enabled = try await client.call(.post, "/webhooks/\(id)/enable", f.headers(.admin))
            #expect(enabled["enabled"] as? Bool == true && enabled["failing"] as? Bool == false)
            let ping = try await client.call(.post, "/webhooks/\(id)/test", f.headers(.admin))
            #expect(ping.status == .serviceUnavailable, "this router sends no webhooks: \(ping.text)")
            let neither = try await client.call(.post, "/webhooks/redeliver", f.headers(.admin), "{}")
            #expect(neither.status == .badRequest)
            let since = try await client.call(.post, "/webhooks/redeliver", f.headers(.admin), #"{"since":"2026-01-01T00:00:00Z"}"#)
            #expect(since.status == .ok && since["queued"] as? Int == 0)
            let attempts = try await client.call(.get, "/webhooks/attempts?subscription=\(id)&limit=5", f.headers(.admin))
            #expect(attempts.status == .ok && (attempts["attempts"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.delete, "/webhooks/\(id)", f.headers(.admin)).status == .noContent)
            #expect(try await client.call(.delete, "/webhooks/\(id)", f.headers(.admin)).status == .notFound)
            #expect(try await client.call(.post, "/webhooks/\(id)/enable", f.headers(.admin)).status == .notFound)
        }
    }
}
