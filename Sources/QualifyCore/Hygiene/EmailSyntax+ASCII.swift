extension EmailSyntax {
    /// Whether a byte is `atext`: letters, digits and ``atextSymbols``, as two 64-bit masks (no table look-up).
    @inline(__always)
    static func isAtext(_ c: UInt8) -> Bool {
        if c < 64 { return (0xA3FF_ACFA_0000_0000 as UInt64) >> UInt64(c) & 1 == 1 }
        if c < 128 { return (0x7FFF_FFFF_C7FF_FFFE as UInt64) >> UInt64(c - 64) & 1 == 1 }
        return false
    }

    /// The common case, checked on bytes: a plain ASCII dot-atom address with an LDH domain of two labels or more,
    /// nothing to trim, no quotes, literals or A-labels, within every length limit. It gives exactly what the full
    /// parse gives for such an address, without building intermediate strings; anything else (or any problem) returns
    /// nil and goes through the full parse, which names the problem.
    static func parsePlainASCII(_ raw: String) -> EmailParts? {
        var bytes = raw
        guard let (at, hasUpper) = bytes.withUTF8({ plainASCIIShape($0) }) else { return nil }
        var lowered = raw
        if hasUpper {
            lowered = String(unsafeUninitializedCapacity: raw.utf8.count) { out in
                var j = 0
                for c in raw.utf8 {
                    out[j] = c >= 65 && c <= 90 ? c + 32 : c
                    j += 1
                }
                return j
            }
        }
        let atIndex = lowered.utf8.index(lowered.utf8.startIndex, offsetBy: at)
        let mailbox = String(lowered[..<atIndex])
        let domain = String(lowered[lowered.utf8.index(after: atIndex)...])
        let local = hasUpper ? String(raw[..<raw.utf8.index(raw.utf8.startIndex, offsetBy: at)]) : mailbox
        return EmailParts(
            localPart: local, mailbox: mailbox, isQuoted: false, hasUTF8LocalPart: false,
            domain: .name(DomainName(ascii: domain, unicode: domain)), normalized: lowered, display: lowered)
    }

    /// The position of '@' and whether there are capitals, when the bytes have the plain shape; nil otherwise. One pass:
    /// the local part up to the first '@' (atext and single dots), then the domain's labels (letters, digits, '-'), so
    /// a second '@', a space, a quote or any non-ASCII byte fails one of the two character tests.
    static func plainASCIIShape(_ b: UnsafeBufferPointer<UInt8>) -> (at: Int, hasUpper: Bool)? {
        let n = b.count
        guard n >= 5, n <= 254 else { return nil }
        var hasUpper = false
        var previousDot = true
        var at = 0
        while at < n {
            let c = b[at]
            if c == 64 { break }
            if c == 46 {
                if previousDot { return nil }
                previousDot = true
            } else {
                guard isAtext(c) else { return nil }
                if c &- 65 < 26 { hasUpper = true }
                previousDot = false
            }
            at += 1
        }
        guard at > 0, at <= 64, at < n - 3, !previousDot else { return nil }
        let domainStart = at + 1
        guard n - domainStart <= 253 else { return nil }
        var labelStart = domainStart
        var labels = 0
        var lastStart = domainStart
        var i = domainStart
        while i <= n {
            if i == n || b[i] == 46 {
                let length = i - labelStart
                guard length > 0, length <= 63, b[labelStart] != 45, b[i - 1] != 45 else { return nil }
                if length >= 4, b[labelStart] | 0x20 == 120, b[labelStart + 1] | 0x20 == 110,
                   b[labelStart + 2] == 45, b[labelStart + 3] == 45 { return nil }
                labels += 1
                lastStart = labelStart
                labelStart = i + 1
                i += 1
                continue
            }
            let c = b[i]
            let letter = (c | 0x20) >= 97 && (c | 0x20) <= 122
            guard letter || (c >= 48 && c <= 57) || c == 45 else { return nil }
            if c &- 65 < 26 { hasUpper = true }
            i += 1
        }
        guard labels >= 2 else { return nil }
        for j in lastStart..<n where b[j] < 48 || b[j] > 57 { return (at, hasUpper) }
        return nil  // a numeric top-level label
    }
}
