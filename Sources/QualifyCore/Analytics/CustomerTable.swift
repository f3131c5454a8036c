/// Customer keys (the bytes of the customer column) interned to dense integer indexes 0, 1, 2 … in order of first
/// appearance.
///
/// An open-addressing hash table whose 16-byte slots hold the first 8 bytes of the key, its length and a hash tag next
/// to the index: for keys of up to 8 bytes (most customer ids) a lookup touches one slot and nothing else — with a
/// million customers the table is far larger than the CPU caches, so every extra array visited per row is another
/// miss. Longer keys are confirmed against a byte arena. Interning a known key allocates nothing.
public struct CustomerTable: Sendable {
    private struct Slot: Sendable {
        /// the key's first 8 bytes, little-endian, zero-padded
        var prefix: UInt64
        /// index + 1 in the low 32 bits (0: empty), a 24-bit hash tag, the key length (255: 255 or more) in the top byte
        var meta: UInt64
    }

    private var slots = [Slot](repeating: Slot(prefix: 0, meta: 0), count: 1024)
    private var arena: [UInt8] = []
    /// start of key i in `arena`; key i ends where key i+1 starts (one extra element)
    private var starts: [Int] = [0]

    public init() {}

    public var count: Int { starts.count - 1 }

    /// The index of a key, adding it if new.
    public mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
        let prefix = Self.prefix(key)
        let hash = Self.hash(key, prefix: prefix)
        let want = (hash >> 40) << 32 | UInt64(min(key.count, 255)) << 56
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[slot]
            if s.meta == 0 { break }
            if s.meta & 0xFFFF_FFFF_0000_0000 == want, s.prefix == prefix {
                let index = Int(s.meta & 0xFFFF_FFFF) - 1
                if key.count <= 8 || tailEquals(index, key) { return Int32(index) }
            }
            slot = (slot + 1) & mask
        }
        let index = count
        arena.append(contentsOf: key)
        starts.append(arena.count)
        slots[slot] = Slot(prefix: prefix, meta: want | UInt64(index + 1))
        if count * 2 > slots.count { grow() }
        return Int32(index)
    }

    /// The index of a key given as text, adding it if new.
    public mutating func intern(_ key: String) -> Int32 {
        var key = key
        return key.withUTF8 { intern($0) }
    }

    /// The key of a customer index, as text.
    public func name(_ index: Int32) -> String {
        let i = Int(index)
        return arena[starts[i]..<starts[i + 1]].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// Byte-wise order of two keys (the order of their Unicode scalars for UTF-8 text), for deterministic tie-breaks.
    public func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let (sa, ea) = (starts[Int(a)], starts[Int(a) + 1])
        let (sb, eb) = (starts[Int(b)], starts[Int(b) + 1])
        let n = min(ea - sa, eb - sb)
        var k = 0
        while k < n {
            let x = arena[sa + k], y = arena[sb + k]
            if x != y { return x < y }
            k += 1
        }
        return ea - sa < eb - sb
    }

    /// Bytes 8… of key `index` against bytes 8… of `key` (the first 8 and the length class already matched).
    private func tailEquals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[index]
        guard starts[index + 1] - start == key.count else { return false }
        var k = 8
        while k < key.count {
            if arena[start + k] != key[k] { return false }
            k += 1
        }
        return true
    }

    private mutating func grow() {
        var bigger = [Slot](repeating: Slot(prefix: 0, meta: 0), count: slots.count * 2)
        let mask = bigger.count - 1
        arena.withUnsafeBufferPointer { bytes in
            for old in slots where old.meta != 0 {
                let index = Int(old.meta & 0xFFFF_FFFF) - 1
                let key = UnsafeBufferPointer(rebasing: bytes[starts[index]..<starts[index + 1]])
                var slot = Int(truncatingIfNeeded: Self.hash(key, prefix: old.prefix)) & mask
                while bigger[slot].meta != 0 { slot = (slot + 1) & mask }
                bigger[slot] = old
            }
        }
        slots = bigger
    }

    @inline(__always)
    private static func prefix(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var word: UInt64 = 0
        var k = min(key.count, 8)
        while k > 0 {
            k -= 1
            word = word << 8 | UInt64(key[k])
        }
        return word
    }

    /// A strong 64-bit mix of the whole key (so the slot bits and the tag are independent of each other).
    @inline(__always)
    private static func hash(_ key: UnsafeBufferPointer<UInt8>, prefix: UInt64) -> UInt64 {
        var h = prefix ^ (UInt64(key.count) &* 0x9E37_79B9_7F4A_7C15)
        var k = 8
        while k < key.count {  // longer keys: fold in the rest, FNV-1a style
            h = (h ^ UInt64(key[k])) &* 0x100_0000_01b3
            k += 1
        }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}
