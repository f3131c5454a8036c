/// Damerau–Levenshtein distance in its "optimal string alignment" form: insertions, deletions, substitutions and
/// transpositions of two neighbours each cost 1 (`gmial` → `gmail` is 1, `hotmart` → `hotmail` is 2).
public enum EditDistance {
    /// The distance between two byte strings, or nil as soon as it must exceed `limit` (cheap rejection).
    public static func damerau(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, limit: Int = .max) -> Int? {
        if abs(a.count - b.count) > limit { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * width) { rows -> Int? in
            var before = 0, previous = width, current = 2 * width  // offsets of rows i-2, i-1 and i
            for j in 0...b.count { rows[previous + j] = j }
            var previousMin = 0
            for i in 1...a.count {
                rows[current] = i
                var rowMin = i
                for j in 1...b.count {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var d = min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, rows[before + j - 2] + 1) }
                    rows[current + j] = d
                    rowMin = min(rowMin, d)
                }
                // later cells grow from this row (+1) or, through a transposition, from the one before it (+1)
                if rowMin > limit && previousMin > limit { return nil }
                previousMin = rowMin
                (before, previous, current) = (previous, current, before)
            }
            let d = rows[previous + b.count]
            return d > limit ? nil : d
        }
    }

    /// The distance between two byte arrays.
    public static func damerau(_ a: [UInt8], _ b: [UInt8], limit: Int = .max) -> Int? {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in damerau(pa, pb, limit: limit) } }
    }

    /// The distance between two strings' UTF-8 bytes.
    public static func damerau(_ a: String, _ b: String, limit: Int = .max) -> Int? {
        damerau(Array(a.utf8), Array(b.utf8), limit: limit)
    }
}

/// Byte-wise equality of two byte strings (the hot paths compare short labels; this avoids generic sequence code).
@inline(__always)
func bytesEqual(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] { return false }
    return true
}
