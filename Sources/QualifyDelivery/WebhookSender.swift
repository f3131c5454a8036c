import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import QualifyCore
import QualifyStore

/// Sends one signed webhook and reports the attempt: a 2xx within the time limits (connect 5 s, the whole request
/// 15 s) is a success; redirects are not followed; the response body is kept truncated.
public struct WebhookSender: Sendable {
    let client: HTTPClient
    let allowPrivate: Bool
    public static let totalTimeout: TimeAmount = .seconds(15)

    /// Runs `body` with a sender on its own HTTP client, shut down afterwards.
    public static func with<T: Sendable>(allowPrivate: Bool, _ body: (WebhookSender) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(15))))
        do {
            let result = try await body(WebhookSender(client: client, allowPrivate: allowPrivate))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Posts `body` to `subscription`'s URL as message `webhookID`, signed; never throws: a failure is an attempt with
    /// an error.
    public func send(_ body: Data, webhookID: String, type: WebhookEventType, to subscription: WebhookSubscription, deliveryID: Int64?,
                     now: @Sendable () -> Timestamp) async -> WebhookAttempt {
        let started = now()
        let clock = ContinuousClock()
        let start = clock.now
        func attempt(status: Int?, error: String?, response: String?) -> WebhookAttempt {
            let elapsed = clock.now - start
            let millis = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
            return WebhookAttempt(deliveryID: deliveryID, subscriptionID: subscription.id, webhookID: webhookID, eventType: type, at: started,
                                  status: status, latencyMillis: millis, error: error, response: response)
        }
        if case .failure(let problem) = WebhookTarget.check(subscription.url, allowPrivate: allowPrivate) {
            return attempt(status: nil, error: problem.description, response: nil)
        }
        let timestamp = started.millis / 1000
        let signature: String
        do { signature = try WebhookSignature.sign(id: webhookID, timestamp: timestamp, body: body, secret: subscription.secret) } catch {
            return attempt(status: nil, error: "\(error)", response: nil)
        }
        var request = HTTPClientRequest(url: subscription.url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Qualify-Webhooks/1")
        request.headers.add(name: "webhook-id", value: webhookID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: signature)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: Self.totalTimeout)
            var text: String?
            if let buffer = try? await response.body.collect(upTo: 64 * 1024) {
                text = String(decoding: buffer.readableBytesView.prefix(WebhookAttempt.responseLimit), as: UTF8.self)
            }
            return attempt(status: Int(response.status.code), error: nil, response: text)
        } catch {
            return attempt(status: nil, error: Self.describe(error), response: nil)
        }
    }

    /// A failure as a person reads it (no secrets: the URL is the subscriber's own, the body is ours).
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
