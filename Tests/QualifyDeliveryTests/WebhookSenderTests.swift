import Foundation
import QualifyCore
@testable import QualifyDelivery
import QualifyStore
import Testing

/// The sender refuses what a target's host resolves to when that is loopback or private, whatever form the host is
/// written in (a numeric form getaddrinfo reads, a name), before anything is sent.
@Suite struct WebhookSenderTests {
    @Test func numericFormsAndNamesResolveToWhatTheyMean() {
        #expect(WebhookSender.resolve("2130706433") == ["127.0.0.1"])
        #expect(WebhookSender.resolve("127.1").contains("127.0.0.1"))
        #expect(WebhookSender.resolve("localhost").allSatisfy(WebhookTarget.isPrivate(host:)))
        #expect(WebhookTarget.isPrivate(host: "::ffff:169.254.169.254") && WebhookTarget.isPrivate(host: "::127.0.0.1"))
        #expect(!WebhookTarget.isPrivate(host: "203.0.113.7"))
    }

    @Test(arguments: ["http://2130706433:9/hook", "http://127.1:9/hook", "http://0x7f000001:9/hook"])
    func aPrivateAddressBehindAnotherFormIsNotSentTo(url: String) async throws {
        let subscription = WebhookSubscription(id: "wh_t", url: url, events: [.stageChanged], description: "", secret: "whsec_AAAA",
                                               format: .standard, enabled: true, failing: false, createdAt: Timestamp(millis: 0))
        let attempt = try await WebhookSender.with(allowPrivate: false) { sender in
            await sender.send(Data("{}".utf8), webhookID: "msg_1_stage", type: .stageChanged, to: subscription, deliveryID: nil,
                              now: { Timestamp(millis: 1_000) })
        }
        #expect(attempt.status == nil && (attempt.error ?? "").contains("resolves to 127.0.0.1"), "\(attempt)")
    }
}
