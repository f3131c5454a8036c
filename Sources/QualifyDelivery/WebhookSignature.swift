import Crypto
import Foundation
import QualifyCore
import QualifyUseCases

/// Standard Webhooks signatures (standardwebhooks.com): `v1,` and the base64 HMAC-SHA256, keyed by the secret's
/// bytes, of `webhook-id.webhook-timestamp.body`. Secrets are `whsec_` and the base64 of the key (WebhookCredentials).
public enum WebhookSignature {

    public enum Problem: Error, CustomStringConvertible {
        case badSecret
        public var description: String { "the subscription's secret is not 'whsec_' followed by base64" }
    }

    /// The `webhook-signature` header of `body` sent as `id` at `timestamp` (seconds since 1970).
    public static func sign(id: String, timestamp: Int64, body: Data, secret: String) throws -> String {
        let prefix = WebhookCredentials.secretPrefix
        guard secret.hasPrefix(prefix), let key = Data(base64Encoded: String(secret.dropFirst(prefix.count))), !key.isEmpty else {
            throw Problem.badSecret
        }
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
