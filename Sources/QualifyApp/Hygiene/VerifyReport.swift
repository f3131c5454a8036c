import Foundation
import QualifyCore

/// What `qualify verify` found: counts per verdict, reason and DNS status, and the rows it could not read.
public struct VerifyReport: Sendable {
    /// Data rows read (header excluded), unreadable ones included.
    public var rows = 0
    public var verdicts: [String: Int] = [:]
    public var reasons: [String: Int] = [:]
    public var dns: [String: Int] = [:]
    public var suggestions = 0
    /// Rows that could not be read (bad quoting, too many fields …): reported with their line, not written.
    public var badRows: [RejectedRow] = []
    /// The email column's header and position (0-based).
    public var column = ""
    public var columnIndex = 0

    public init() {}

    public var verified: Int { verdicts.values.reduce(0, +) }
    public var invalid: Int { verdicts["invalid"] ?? 0 }

    mutating func merge(_ t: VerifyTally) {
        for (label, n) in zip(["valid", "risky", "invalid", "unknown"], t.verdicts) where n > 0 { verdicts[label, default: 0] += n }
        for (r, n) in t.reasons { reasons[r.rawValue, default: 0] += n }
        for (d, n) in t.dns { dns[d, default: 0] += n }
        suggestions += t.suggestions
    }

    /// The summary a person reads: verdicts in a fixed order, reasons most frequent first.
    public var summaryLines: [String] {
        var lines: [String] = []
        let order = ["valid", "risky", "invalid", "unknown"]
        lines.append("verdicts: " + order.map { "\($0) \(verdicts[$0] ?? 0)" }.joined(separator: ", "))
        if !reasons.isEmpty {
            let sorted = reasons.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            lines.append("reasons: " + sorted.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if suggestions > 0 { lines.append("suggestions: \(suggestions) (see the suggestion column)") }
        if !dns.isEmpty {
            lines.append("dns: " + dns.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !badRows.isEmpty { lines.append("unreadable rows: \(badRows.count) (listed above with their line; not written)") }
        return lines
    }
}

/// Counts for one batch, kept cheap to update (enum keys, not strings) and merged into the report.
struct VerifyTally: Sendable {
    var verdicts = [0, 0, 0, 0]
    var reasons: [HygieneReason: Int] = [:]
    var dns: [String: Int] = [:]
    var suggestions = 0

    mutating func count(_ r: EmailVerification) {
        switch r.verdict {
        case .valid: verdicts[0] += 1
        case .risky(let rs):
            verdicts[1] += 1
            for reason in rs { reasons[reason, default: 0] += 1 }
        case .invalid(let reason):
            verdicts[2] += 1
            reasons[reason, default: 0] += 1
        case .unknown(let reason):
            verdicts[3] += 1
            reasons[reason, default: 0] += 1
        }
        for note in r.notes { reasons[note, default: 0] += 1 }
        if let d = r.dns { dns[d.code, default: 0] += 1 }
        if r.suggestion != nil { suggestions += 1 }
    }
}
