/// Bounds a chunked reader's buffer when a row never ends: past `limit` unconsumed bytes the row is reported once and
/// the rest of it is dropped chunk by chunk until its line break, so a 300 MB line (or `/dev/zero`) costs at most
/// `limit` bytes of memory instead of the whole line. For the readers that scan ``RecordParser`` records out of a
/// pending buffer (``TransactionReader``, ``CustomerTraitReader``); ``CSVScanner`` has the same rule built in.
struct OverlongRowSkipper: Sendable {
    static let defaultLimit = 8 << 20

    let limit: Int
    private(set) var skipping = false

    init(limit: Int = OverlongRowSkipper.defaultLimit) {
        self.limit = limit
    }

    /// The part of `chunk` to scan: all of it, or, while a too-long row is being dropped, what follows its line
    /// break (`endedRow` true when the break was found in this chunk).
    mutating func admit(_ chunk: [UInt8]) -> (kept: ArraySlice<UInt8>, endedRow: Bool) {
        guard skipping else { return (chunk[...], false) }
        guard let newline = chunk.firstIndex(of: 10) else { return (chunk[chunk.endIndex...], false) }
        skipping = false
        return (chunk[(newline + 1)...], true)
    }

    /// After a scan: true when the unconsumed bytes are one row longer than the limit. They are dropped (up to and
    /// including a line break among them, if any, and the rest of the row as later chunks come); the caller reports
    /// the row once.
    mutating func overflowed(_ pending: inout [UInt8]) -> Bool {
        guard pending.count > limit else { return false }
        if let newline = pending.firstIndex(of: 10) {
            pending.removeFirst(newline + 1)
        } else {
            pending = []
            skipping = true
        }
        return true
    }

    var problem: String { "the row is longer than \(limit) bytes (is a quote left open, or is this not a CSV file?)" }
}
