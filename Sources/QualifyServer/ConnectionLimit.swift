#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import HummingbirdCore
import Logging

/// How many connections the server holds open at once. Past the limit it stops accepting (new connections wait in
/// the kernel's queue until one closes; idle ones close after `--idle-timeout`) and says so in the log, once a
/// minute while it lasts — instead of accepting until the process runs out of descriptors, when accept fails in a
/// loop that burns a core and no one is served.
struct ConnectionLimit: AvailableConnectionsDelegate {
    let maximum: Int
    let logger: Logger
    var open = 0
    var lastWarning: ContinuousClock.Instant?

    init(maximum: Int, logger: Logger) {
        self.maximum = maximum
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        if open >= maximum {
            let now = ContinuousClock.now
            if lastWarning.map({ now - $0 > .seconds(60) }) ?? true {
                lastWarning = now
                logger.warning("connection limit reached: new connections wait until one closes (raise --max-connections, or lower --idle-timeout)",
                               metadata: ["open": .stringConvertible(open), "max_connections": .stringConvertible(maximum)])
            }
        }
    }

    mutating func connectionClosed() { open -= 1 }

    func isAcceptingNewConnections() -> Bool { open < maximum }

    /// The default limit: the descriptors this process may open, less 512 kept for the database, files and logs,
    /// at most 10,000. Raises the soft descriptor limit to the hard one first (a systemd or container default soft
    /// limit of 1,024 or 4,096 is the usual cause of running out).
    static func automatic(descriptors: Int = raiseDescriptorLimit()) -> Int {
        max(64, min(10_000, descriptors - 512))
    }

    /// Raises this process's soft limit on open descriptors to its hard limit; returns the soft limit now in force.
    @discardableResult
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0 else { return 1_024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resourceNoFile, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static var resourceNoFile: __rlimit_resource_t { __rlimit_resource_t(UInt32(RLIMIT_NOFILE.rawValue)) }
    #else
    private static var resourceNoFile: Int32 { RLIMIT_NOFILE }
    #endif
}
