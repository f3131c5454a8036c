import Crypto
import Foundation
import QualifyCore
import QualifyStore

/// API key secrets: made here, shown once, stored only as a SHA-256 hash (a secret of 32 random bytes needs no slow
/// password hash: there is nothing to guess).
public enum APIKeys {
    public static let prefix = "qk_"

    /// A new secret (`qk_` + 43 base64url characters) and the record to store for it. The key's public id is the
    /// secret's first 12 characters, enough to tell keys apart in lists and logs, far too few to use.
    public static func make(name: String, role: Role, at: Timestamp) -> (secret: String, record: APIKeyRecord, hash: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let record = APIKeyRecord(id: String(secret.prefix(12)), name: name, role: role, createdAt: at)
        return (secret, record, hash(secret))
    }

    /// The stored form of a secret: SHA-256, lowercase hex.
    public static func hash(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
