import Crypto
import Foundation
import QualifyCore
import QualifyStore

/// Ids for events read from a file that has none (an activity export without an id column), stable across imports of
/// the same file, so importing it twice changes nothing.
///
/// An event's id is `row:` and the first 20 hex digits of the SHA-256 of its content — the lead's address as the
/// import matches it (trimmed, lowercased), its type, its time in milliseconds and its properties sorted by name — so
/// the same event read from a re-export with other columns' order or another date style gets the same id. A second
/// row of the same content in the file is a second event (an export lists an activity per row), `…:2`, the third `…:3`:
/// a later export that keeps the earlier rows gives every one of them the id it had.
struct DerivedEventIDs {
    /// Contents seen once (their first 8 bytes) and how often those seen more than once were.
    private var seen = Set<UInt64>()
    private var repeats: [UInt64: Int] = [:]

    mutating func id(for event: IncomingEvent) -> EventID {
        let address: String = event.email.trimmingSpaces.lowercased()
        var content: String = address + "\u{1F}" + event.type
        content += "\u{1F}" + String(event.at.millis)
        for (name, value) in event.properties.sorted(by: { $0.key < $1.key }) { content += "\u{1F}" + name + "\u{1E}" + value }
        let digest = Array(SHA256.hash(data: Data(content.utf8)))
        let hex = digest.prefix(10).map { String(format: "%02x", $0) }.joined()
        let key = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard !seen.insert(key).inserted else { return EventID("row:" + hex) }
        let n = repeats[key, default: 1] + 1
        repeats[key] = n
        return EventID("row:\(hex):\(n)")
    }
}
