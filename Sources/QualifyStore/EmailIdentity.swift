import Foundation
import QualifyCore

/// Unicode normalization for the core, which has none of its own (the standard library has no NFC).
public enum UnicodeNormalization {
    /// NFC (canonical composition), from Foundation. Text whose code points are all below U+0300 is already NFC
    /// (nothing there decomposes or combines), so it is returned as is without the cost of Foundation's round trip.
    public static let nfc: @Sendable (String) -> String = { text in
        text.unicodeScalars.allSatisfy({ $0.value < 0x300 }) ? text : text.precomposedStringWithCanonicalMapping
    }
}

extension EmailAddress {
    /// The lead key of an address as a person or a file wrote it: ``EmailAddress/parse(_:normalize:)`` with Unicode
    /// NFC. Every place that makes a ``LeadKey`` from input goes through here (lead and event imports, the API, stage
    /// moves, `qualify lead EMAIL`), so `ana@münchen.de`, `ana@xn--mnchen-3ya.de` and `ANA@MÜNCHEN.DE` are one lead,
    /// and so are a local part typed precomposed (`josé`) and decomposed (`jose` + U+0301). ASCII addresses keep the
    /// keys they always had (lowercased).
    public static func identity(_ raw: String) -> Result<LeadKey, EmailProblem> {
        parse(raw, normalize: UnicodeNormalization.nfc)
    }
}
