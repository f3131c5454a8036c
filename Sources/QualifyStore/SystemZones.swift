import Foundation
import QualifyCore
import Synchronization

/// The system's time zone rules (Foundation's `TimeZone`, from the zone database) for the core's working-time
/// arithmetic, which reads no zone database itself. Zones are looked up once each.
public enum SystemZones {
    struct Rules: ZoneRules {
        let zone: TimeZone
        func offsetSeconds(at instant: Timestamp) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.millis) / 1000))
        }
    }

    private static let known = Mutex<[String: Rules?]>([:])

    /// The rules of an IANA zone (`Europe/Berlin`), or nil when the system does not know it.
    public static func rules(_ name: String) -> (any ZoneRules)? {
        if let hit = known.withLock({ $0[name] }) { return hit }
        let rules = TimeZone(identifier: name).map(Rules.init)
        known.withLock { $0[name] = rules }
        return rules
    }
}
