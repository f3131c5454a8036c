@testable import QualifyCore
import Testing

/// The byte-level fast path must give exactly what the full parse gives, and decline everything it does not handle.
@Suite struct HygieneFastPathTests {
    static let handled = [
        "ana@acme.com", "Ana.Silva+Leads@Acme.COM", "o'brien@acme-corp.ie", "x!#$%&'*+-/=?^_`{|}~y@acme.com",
        "a@b.co", "A@B.CO", "a@b.c", "x1@123.com", "ab--cd@ab--cd.com", "first.last@sub.mail.example.org", "ana@a-b.c-d.io",
        String(repeating: "a", count: 64) + "@acme.com",
        String(repeating: "a", count: 64) + "@" + [String(repeating: "b", count: 63), String(repeating: "b", count: 63),
                                                      String(repeating: "c", count: 57)].joined(separator: ".") + ".com",
    ]

    @Test("Plain ASCII addresses take the fast path and match the full parse", arguments: handled)
    func matchesFullParse(address: String) throws {
        let fast = try #require(EmailSyntax.parsePlainASCII(address))
        let full = try EmailSyntax.parseInFull(address, normalize: { $0 }).get()
        #expect(fast == full)
    }

    @Test("Everything else is left to the full parse", arguments: [
        " ana@acme.com", "ana@acme.com ", "\"ana\"@acme.com", "ana@[192.0.2.1]", "ana@xn--mnchen-3ya.de", "ana@XN--MNCHEN-3YA.de",
        "josé@acme.com", "ana@münchen.de", "ana@acme", "ana@1.2.3.4", "ana@@acme.com", ".ana@acme.com", "ana.@acme.com",
        "an..a@acme.com", "ana@acme..com", "ana@-acme.com", "ana@acme-.com", "ana@ac_me.com", "a b@acme.com", "a@b",
        String(repeating: "a", count: 65) + "@acme.com", "ana@" + String(repeating: "b", count: 64) + ".com", "",
    ])
    func declines(address: String) {
        #expect(EmailSyntax.parsePlainASCII(address) == nil)
    }
}
