import Foundation

/// New subscriptions' ids and signing secrets, made in one place for the CLI and the API.
public enum WebhookCredentials {
    /// What every signing secret starts with (Standard Webhooks).
    public static let secretPrefix = "whsec_"

    /// `wh_` and 16 random characters.
    public static func makeID() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return "wh_" + String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// `whsec_` and the base64 of 24 random bytes (Standard Webhooks' secret form).
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return secretPrefix + Data((0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
    }
}
