import Foundation
import QualifyCore
import Testing

@Suite struct HygieneSyntaxTests {
    static let nfc: @Sendable (String) -> String = { $0.precomposedStringWithCanonicalMapping }

    @Test("Valid addresses parse to their identity form", arguments: [
        ("ana@acme.com", "ana@acme.com"),
        ("  Ana.Silva+Leads@Acme.COM \n", "ana.silva+leads@acme.com"),
        ("o'brien@acme-corp.ie", "o'brien@acme-corp.ie"),
        ("x!#$%&'*+-/=?^_`{|}~y@acme.com", "x!#$%&'*+-/=?^_`{|}~y@acme.com"),
        ("ana@münchen.de", "ana@xn--mnchen-3ya.de"),
        ("ANA@XN--MNCHEN-3YA.DE", "ana@xn--mnchen-3ya.de"),
        ("JOSÉ@acme.com", "josé@acme.com"),
        ("jose\u{0301}@acme.com", "josé@acme.com"),
        ("\"John Smith\"@acme.com", "\"john smith\"@acme.com"),
        ("\"john\"@acme.com", "john@acme.com"),
        ("\"a\\\"b\"@acme.com", "\"a\\\"b\"@acme.com"),
        ("\"a\\b\"@acme.com", "ab@acme.com"),
        ("\"ana@home\"@acme.com", "\"ana@home\"@acme.com"),
        ("ana@[192.0.2.1]", "ana@[192.0.2.1]"),
        ("ana@[IPv6:2001:DB8::1]", "ana@[IPv6:2001:db8::1]"),
        ("ana@[ipv6:::ffff:192.0.2.1]", "ana@[IPv6:::ffff:192.0.2.1]"),
        ("ana@[IPv6:2001:db8:0:0:0:0:0:1]", "ana@[IPv6:2001:db8:0:0:0:0:0:1]"),
        ("x1@123.com", "x1@123.com"),
        ("ab--cd@ab--cd.com", "ab--cd@ab--cd.com"),
    ])
    func valid(raw: String, normalized: String) throws {
        let parts = try EmailSyntax.parse(raw, normalize: Self.nfc).get()
        #expect(parts.normalized == normalized)
        #expect(try EmailSyntax.normalized(raw, normalize: Self.nfc).get() == normalized)
    }

    @Test("The display form keeps the domain in Unicode; the parts say what was unusual")
    func parts() throws {
        let p = try EmailSyntax.parse("José@XN--MNCHEN-3YA.de", normalize: Self.nfc).get()
        #expect(p.display == "josé@münchen.de")
        #expect(p.hasUTF8LocalPart)
        #expect(!p.isQuoted)
        #expect(p.domainName?.ascii == "xn--mnchen-3ya.de")
        let q = try EmailSyntax.parse("\"Ana Lima\"@acme.com").get()
        #expect(q.isQuoted && q.mailbox == "ana lima" && q.localPart == "\"Ana Lima\"")
        let l = try EmailSyntax.parse("ana@[192.0.2.1]").get()
        #expect(l.domain == .literal(.ipv4("192.0.2.1")))
        #expect(l.domainName == nil)
    }

    static let invalid: [(String, HygieneReason)] = [
        ("ana.acme.com", .noAtSign),
        ("\"ana\"", .noAtSign),
        ("ana@home@acme.com", .multipleAtSigns),
        ("@acme.com", .emptyLocalPart),
        ("an a@acme.com", .invalidLocalCharacter),
        ("ana,b@acme.com", .invalidLocalCharacter),
        ("<ana@acme.com>", .invalidLocalCharacter),
        ("ana(x)@acme.com", .invalidLocalCharacter),
        ("a\\b@acme.com", .invalidLocalCharacter),
        ("an\u{00A0}a@acme.com", .invalidLocalCharacter),
        ("an\u{200B}a@acme.com", .invalidLocalCharacter),
        (".ana@acme.com", .misplacedDot),
        ("ana.@acme.com", .misplacedDot),
        ("an..a@acme.com", .misplacedDot),
        ("\"ana@acme.com", .invalidQuotedLocalPart),
        ("\"ana\"x@acme.com", .invalidQuotedLocalPart),
        ("\"an\ta\"@acme.com", .invalidQuotedLocalPart),
        ("\"ana\\", .invalidQuotedLocalPart),
        ("ana@", .emptyDomain),
        ("ana@acme", .domainWithoutDot),
        ("ana@localhost", .domainWithoutDot),
        ("ana@1.2.3.4", .numericTLD),
        ("ana@acme.123", .numericTLD),
        ("ana@acme..com", .emptyDomainLabel),
        ("ana@acme.com.", .emptyDomainLabel),
        ("ana@-acme.com", .domainLabelHyphen),
        ("ana@ac_me.com", .invalidDomainCharacter),
        ("ana@xn--zz.com", .invalidIDN),
        ("ana@[192.0.2.256]", .invalidDomainLiteral),
        ("ana@[192.0.2]", .invalidDomainLiteral),
        ("ana@[IPv6:2001:db8::1::2]", .invalidDomainLiteral),
        ("ana@[IPv6:1:2:3:4:5:6:7]", .invalidDomainLiteral),
        ("ana@[IPv6:12345::1]", .invalidDomainLiteral),
        ("ana@[acme.com]", .invalidDomainLiteral),
        ("ana@[192.0.2.1", .invalidDomainLiteral),
    ]

    @Test("Invalid addresses are refused with the reason code of their first problem", arguments: invalid)
    func refusesInvalid(raw: String, reason: HygieneReason) {
        switch EmailSyntax.parse(raw, normalize: Self.nfc) {
        case .success(let p): Issue.record("'\(raw)' was accepted as \(p.normalized)")
        case .failure(let f):
            #expect(f.reason == reason, "\(f.detail)")
            #expect(f.reason.severity == .invalid)
        }
    }

    @Test("An empty or blank address is 'no_address', not a syntax error", arguments: ["", "   ", "\t\n"])
    func empty(raw: String) {
        #expect(throws: HygieneFailure(.noAddress, "the address is empty")) { try EmailSyntax.parse(raw).get() }
    }

    @Test("Messages name the offending value")
    func messages() {
        let f = EmailSyntax.parse("an a@acme.com").failure
        #expect(f?.detail.contains("'an a@acme.com'") == true)
        #expect(f?.detail.contains("a space") == true)
        #expect(EmailSyntax.parse("ana@ac_me.com").failure?.detail.contains("'ac_me'") == true)
        #expect(EmailSyntax.parse("ana@1.2.3.4").failure?.detail.contains("[1.2.3.4]") == true)
    }

    @Test("The local part may have 64 bytes, not 65 (UTF-8 bytes, quotes included)")
    func localPartLimit() {
        let l64 = String(repeating: "a", count: 64)
        #expect(EmailSyntax.parse(l64 + "@acme.com").failure == nil)
        #expect(EmailSyntax.parse(l64 + "a@acme.com").failure?.reason == .localPartTooLong)
        let u64 = String(repeating: "é", count: 32)  // 2 bytes each
        #expect(EmailSyntax.parse(u64 + "@acme.com").failure == nil)
        #expect(EmailSyntax.parse(u64 + "a@acme.com").failure?.reason == .localPartTooLong)
        let q64 = "\"" + String(repeating: "a", count: 62) + "\""
        #expect(EmailSyntax.parse(q64 + "@acme.com").failure == nil)
        #expect(EmailSyntax.parse("\"a" + String(repeating: "a", count: 62) + "\"@acme.com").failure?.reason == .localPartTooLong)
    }

    @Test("The address may have 254 bytes, not 255, counting the domain in ASCII form")
    func addressLimit() {
        let local = String(repeating: "a", count: 64)
        let label = String(repeating: "b", count: 63)
        // 64 + 1 + 63 + 1 + 63 + 1 + 57 + 4 (".com") = 254
        let d189 = [label, label, String(repeating: "c", count: 57)].joined(separator: ".") + ".com"
        let a254 = local + "@" + d189
        #expect(a254.utf8.count == 254)
        #expect(EmailSyntax.parse(a254).failure == nil)
        let a255 = local + "@" + [label, label, String(repeating: "c", count: 58)].joined(separator: ".") + ".com"
        #expect(a255.utf8.count == 255)
        #expect(EmailSyntax.parse(a255).failure?.reason == .addressTooLong)
        // short in Unicode, long in ASCII
        let idn = local + "@" + [label, label, "ü" + String(repeating: "c", count: 50)].joined(separator: ".") + ".com"
        #expect(idn.utf8.count < 254)
        #expect(EmailSyntax.parse(idn).failure?.reason == .addressTooLong)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
