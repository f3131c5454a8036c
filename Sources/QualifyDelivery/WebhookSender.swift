import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        let target: WebhookTarget
        switch WebhookTarget.check(subscription.url, allowPrivate: allowPrivate) {
        case .success(let t): target = t
        case .failure(let problem): return attempt(status: nil, error: problem.description, response: nil)
        }
        // a name (or a numeric form such as 2130706433) may lead to a private address: check what it resolves to
        if !allowPrivate, let host = target.host, let address = Self.resolve(host).first(where: WebhookTarget.isPrivate(host:)) {
            return attempt(status: nil, error: "the target's host resolves to \(address), on loopback or a private network; allow it with --allow-private-webhooks", response: nil)
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
        // the whole exchange, the response body included, within the time limit
        let client = self.client
        let prepared = request
        do {
            let answer = try await withThrowingTaskGroup(of: (Int, String?)?.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: Self.totalTimeout)
                    let buffer = try? await response.body.collect(upTo: 64 * 1024)
                    return (Int(response.status.code), buffer.map { String(decoding: $0.readableBytesView.prefix(WebhookAttempt.responseLimit), as: UTF8.self) })
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(15))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let (status, text) = answer else { return attempt(status: nil, error: "no complete answer within 15 s", response: nil) }
            return attempt(status: status, error: nil, response: text)
        } catch {
            return attempt(status: nil, error: Self.describe(error), response: nil)
        }
    }

    /// The addresses `host` resolves to, numeric (getaddrinfo, which also reads numeric forms like `2130706433`).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var out: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let info = node {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if info.pointee.ai_family == AF_INET, let raw = info.pointee.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                }
                out.append(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            } else if info.pointee.ai_family == AF_INET6, let raw = info.pointee.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var addr = sin6.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                }
                out.append(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            node = info.pointee.ai_next
        }
        return out
    }

    /// A failure as a person reads it (no secrets: the URL is the subscriber's own, the body is ours).
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
