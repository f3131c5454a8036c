import CResolv
import Dispatch
import Foundation

/// What DNS says about a mail domain.
public enum DNSAnswer: Sendable, Hashable {
    /// MX records, best preference first
    case exchanges([String])
    /// RFC 7505: the domain says it accepts no mail
    case nullMX
    /// no MX, but an A or AAAA record: mail goes to the domain itself (RFC 5321 §5.1)
    case addressOnly
    /// NXDOMAIN, or neither MX nor address records
    case noSuchDomain
    /// no answer (timeout, server failure): never read as invalid
    case unknown(String)
}

/// MX look-ups through the system resolver (libresolv), with a timeout, a cache and one look-up per domain in flight.
/// Blocking resolver calls run on a Dispatch queue, never on the Swift concurrency pool.
public actor DomainResolver {
    public struct Server: Sendable, Hashable {
        public var ip: String
        public var port: Int
        public init(ip: String, port: Int) {
            self.ip = ip
            self.port = port
        }
    }

    let server: Server?
    let timeoutSeconds: Int
    let attempts: Int
    private var cache: [String: DNSAnswer] = [:]
    private var waiters: [String: [CheckedContinuation<DNSAnswer, Never>]] = [:]
    private let queue = DispatchQueue(label: "qualify.dns", attributes: .concurrent)

    /// - Parameter server: a DNS server to ask instead of the system's (tests use one on loopback).
    public init(server: Server? = nil, timeoutSeconds: Int = 3, attempts: Int = 2) {
        self.server = server
        self.timeoutSeconds = timeoutSeconds
        self.attempts = attempts
    }

    public func answer(for domain: String) async -> DNSAnswer {
        let key = domain.lowercased()
        if let cached = cache[key] { return cached }
        if waiters[key] != nil {
            return await withCheckedContinuation { waiters[key]!.append($0) }
        }
        waiters[key] = []
        let result = await lookUp(key)
        // Unknown answers are not cached: a later look-up may get through.
        if case .unknown = result {} else { cache[key] = result }
        for waiter in waiters.removeValue(forKey: key) ?? [] { waiter.resume(returning: result) }
        return result
    }

    private func lookUp(_ domain: String) async -> DNSAnswer {
        let server = self.server, timeout = timeoutSeconds, attempts = self.attempts
        return await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Self.blockingLookUp(domain, server: server, timeout: timeout, attempts: attempts))
            }
        }
    }

    public static func blockingLookUp(_ domain: String, server: Server?, timeout: Int, attempts: Int) -> DNSAnswer {
        let maxRecords = 16
        var hosts = [CChar](repeating: 0, count: maxRecords * 256)
        var preferences = [Int32](repeating: 0, count: maxRecords)
        let count = hosts.withUnsafeMutableBufferPointer { h in
            preferences.withUnsafeMutableBufferPointer { p in
                qualify_mx_lookup(domain, server?.ip, Int32(server?.port ?? 53), Int32(timeout), Int32(attempts),
                                  h.baseAddress, p.baseAddress, Int32(maxRecords))
            }
        }
        if count > 0 {
            var records: [(Int32, String)] = []
            for i in 0..<Int(count) {
                let host = hosts[(i * 256)..<(i * 256 + 256)].withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                records.append((preferences[i], host))
            }
            // RFC 7505: a single MX with an empty exchange ("." on the wire) is a null MX.
            if records.count == 1, records[0].1.isEmpty { return .nullMX }
            return .exchanges(records.filter { !$0.1.isEmpty }.sorted { $0.0 < $1.0 }.map(\.1))
        }
        switch count {
        case QUALIFY_DNS_NXDOMAIN: return .noSuchDomain
        case QUALIFY_DNS_NODATA:
            switch qualify_address_lookup(domain, server?.ip, Int32(server?.port ?? 53), Int32(timeout), Int32(attempts)) {
            case 1: return .addressOnly
            case QUALIFY_DNS_NXDOMAIN, QUALIFY_DNS_NODATA: return .noSuchDomain
            default: return .unknown("no answer for A/AAAA records of \(domain)")
            }
        default: return .unknown("no answer for MX records of \(domain) within \(timeout) s × \(attempts)")
        }
    }
}
