import Foundation
import QualifyDelivery
import QualifyUseCases
import Testing

/// Standard Webhooks signatures, checked against the specification's published example (the same value the
/// `standardwebhooks` package computes) and against themselves.
@Suite struct WebhookSignatureTests {
    @Test func theSpecificationsExampleSignsToItsPublishedValue() throws {
        let signature = try WebhookSignature.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                                  body: Data(#"{"test": 2432232314}"#.utf8), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func anyChangeOfIdTimeOrBodyChangesTheSignature() throws {
        let secret = WebhookCredentials.makeSecret()
        let base = try WebhookSignature.sign(id: "msg_1", timestamp: 100, body: Data("{}".utf8), secret: secret)
        #expect(try WebhookSignature.sign(id: "msg_2", timestamp: 100, body: Data("{}".utf8), secret: secret) != base)
        #expect(try WebhookSignature.sign(id: "msg_1", timestamp: 101, body: Data("{}".utf8), secret: secret) != base)
        #expect(try WebhookSignature.sign(id: "msg_1", timestamp: 100, body: Data("{ }".utf8), secret: secret) != base)
        #expect(try WebhookSignature.sign(id: "msg_1", timestamp: 100, body: Data("{}".utf8), secret: WebhookCredentials.makeSecret()) != base)
    }

    @Test func secretsAndIdsAreFreshAndWellFormed() throws {
        let secrets = Set((0..<20).map { _ in WebhookCredentials.makeSecret() })
        #expect(secrets.count == 20)
        for secret in secrets {
            #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 24)
        }
        let id = WebhookCredentials.makeID()
        #expect(id.hasPrefix("wh_") && id.count == 19)
        #expect(throws: WebhookSignature.Problem.self) { try WebhookSignature.sign(id: "m", timestamp: 1, body: Data(), secret: "nope") }
    }
}
