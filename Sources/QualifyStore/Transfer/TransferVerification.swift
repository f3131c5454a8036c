/// The verdict of comparing a copy with its source: rows per table, and every lead's ``LeadChecksum`` (matched by
/// lead id, which a copy keeps). Built up page by page; ``passed`` only when every count and every lead is equal.
public struct TransferVerification: Sendable, Hashable {
    public struct TableCount: Sendable, Hashable {
        public var table: String
        public var source: Int
        public var target: Int
        public var isEqual: Bool { source == target }
        public init(table: String, source: Int, target: Int) {
            self.table = table
            self.source = source
            self.target = target
        }
    }

    /// A lead whose checksums differ, or that one side lacks (nil).
    public struct LeadDifference: Sendable, Hashable, CustomStringConvertible {
        public var source: LeadChecksum?
        public var target: LeadChecksum?
        public var description: String {
            switch (source, target) {
            case (let s?, let t?): return "\(s.email): \(s.differences(from: t).joined(separator: ", ")) differ (source \(s.summary), target \(t.summary))"
            case (let s?, nil): return "\(s.email): missing from the target"
            case (nil, let t?): return "\(t.email): in the target only"
            case (nil, nil): return "(nothing)"
            }
        }
    }

    public var tables: [TableCount] = []
    public var leadsCompared = 0
    /// How many leads differ; ``differences`` keeps the first ``keep`` of them.
    public var differing = 0
    public var differences: [LeadDifference] = []
    public var keep: Int

    public init(keep: Int = 20) { self.keep = keep }

    public var passed: Bool { tables.allSatisfy(\.isEqual) && differing == 0 }

    public mutating func count(_ table: String, source: Int, target: Int) {
        tables.append(TableCount(table: table, source: source, target: target))
    }

    /// Compares one lead's checksums (either may be missing).
    public mutating func compare(source: LeadChecksum?, target: LeadChecksum?) {
        leadsCompared += 1
        if let s = source, let t = target, s.differences(from: t).isEmpty { return }
        differing += 1
        if differences.count < keep { differences.append(LeadDifference(source: source, target: target)) }
    }
}

extension LeadChecksum {
    /// The values in one line, for messages.
    public var summary: String {
        "fit \(fitPoints), grade \(grade), stage \(stage), engagement \(engagement), \(events) events (digest \(String(eventDigest, radix: 16))), ledger \(ledgerPoints) in \(ledgerEntries) entries"
    }
}
