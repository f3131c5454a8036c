import Foundation
import QualifyCore
import Testing

@Suite struct HygieneIDNATests {
    /// Foundation's NFC, as the app passes it (the core has none of its own).
    static let nfc: @Sendable (String) -> String = { $0.precomposedStringWithCanonicalMapping }

    @Test("Unicode domains convert to their ASCII form and back", arguments: [
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("例え.jp", "xn--r8jz45g.jp"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("i❤.ws", "xn--i-7iq.ws"),
        ("💩.la", "xn--ls8h.la"),
        ("straße.de", "xn--strae-oqa.de"),
        ("δοκιμή.gr", "xn--jxalpdlp.gr"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("mail.日本語.jp", "mail.xn--wgv71a119e.jp"),
    ])
    func roundTrips(unicode: String, ascii: String) throws {
        let name = try IDNA.domain(unicode, normalize: Self.nfc).get()
        #expect(name.ascii == ascii)
        #expect(name.unicode == unicode)
        #expect(IDNA.toUnicode(ascii) == unicode)
        let back = try IDNA.domain(ascii, normalize: Self.nfc).get()
        #expect(back.ascii == ascii)
        #expect(back.unicode == unicode)
    }

    @Test("Case is folded and decomposed input is normalized before encoding")
    func mapsCaseAndNormalizes() throws {
        #expect(try IDNA.domain("MÜNCHEN.DE", normalize: Self.nfc).get().ascii == "xn--mnchen-3ya.de")
        #expect(try IDNA.domain("mu\u{0308}nchen.de", normalize: Self.nfc).get().ascii == "xn--mnchen-3ya.de")
        #expect(try IDNA.domain("XN--MNCHEN-3YA.DE").get().ascii == "xn--mnchen-3ya.de")
        #expect(try IDNA.domain("Acme.COM").get().ascii == "acme.com")
    }

    @Test("Ideographic and full-width full stops separate labels (UTS #46)")
    func fullWidthDots() throws {
        #expect(try IDNA.domain("例え。jp").get().ascii == "xn--r8jz45g.jp")
        #expect(try IDNA.domain("例え．jp").get().ascii == "xn--r8jz45g.jp")
    }

    @Test("Emoji and symbol labels convert but are flagged unusual; letters are not", arguments: [
        ("i❤.ws", true), ("💩.la", true), ("☃.net", true), ("münchen.de", false), ("例え.jp", false), ("acme.com", false),
    ])
    func unusual(domain: String, unusual: Bool) throws {
        #expect(try IDNA.domain(domain).get().hasUnusualCharacters == unusual)
    }

    @Test("Broken domains are refused with a reason naming the label", arguments: [
        ("xn--zz.com", HygieneReason.invalidIDN),           // not Punycode
        ("xn--abc-.com", HygieneReason.domainLabelHyphen),  // trailing hyphen
        ("xn--mnchen-psa.de", HygieneReason.invalidIDN),   // decodes to "mÜnchen": not lowercase, so not a U-label
        ("xn--acme-.com", HygieneReason.domainLabelHyphen),
        ("\u{0308}a.de", HygieneReason.invalidIDN),         // starts with a combining mark
        ("ab--ü.de", HygieneReason.invalidIDN),             // '--' in places 3 and 4 of a U-label
        ("exa mple.com", HygieneReason.invalidDomainCharacter),
        ("exa_mple.com", HygieneReason.invalidDomainCharacter),
        ("acme!.com", HygieneReason.invalidDomainCharacter),
        ("ac«me».com", HygieneReason.invalidDomainCharacter),
        ("acme\u{200B}.com", HygieneReason.invalidDomainCharacter),
        ("-acme.com", HygieneReason.domainLabelHyphen),
        ("acme-.com", HygieneReason.domainLabelHyphen),
        ("acme..com", HygieneReason.emptyDomainLabel),
        (".acme.com", HygieneReason.emptyDomainLabel),
        ("acme.com.", HygieneReason.emptyDomainLabel),
        ("", HygieneReason.emptyDomain),
    ])
    func refuses(domain: String, reason: HygieneReason) {
        switch IDNA.domain(domain, normalize: Self.nfc) {
        case .success(let d): Issue.record("'\(domain)' was accepted as \(d.ascii)")
        case .failure(let f): #expect(f.reason == reason, "\(f.detail)")
        }
    }

    @Test("A label may have 63 bytes, not 64; a domain 253, not 254")
    func lengthLimits() {
        let label63 = String(repeating: "a", count: 63)
        #expect((try? IDNA.domain(label63 + ".com").get()) != nil)
        #expect(throws: HygieneFailure.self) { try IDNA.domain(label63 + "a.com").get() }
        // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253
        let d253 = [label63, label63, label63, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(d253.utf8.count == 253)
        #expect((try? IDNA.domain(d253).get()) != nil)
        let d254 = [label63, label63, label63, String(repeating: "b", count: 62)].joined(separator: ".")
        #expect(throws: HygieneFailure.self) { try IDNA.domain(d254).get() }
        // the ASCII form counts: 'ü' + 57 'a' encodes to more than 63 bytes
        let long = "ü" + String(repeating: "a", count: 57)
        switch IDNA.domain(long + ".de") {
        case .success(let d): Issue.record("accepted \(d.ascii)")
        case .failure(let f): #expect(f.reason == .domainLabelTooLong, "\(f.detail)")
        }
    }

    @Test("toUnicode leaves labels that are not valid A-labels alone")
    func toUnicodeIsLenient() {
        #expect(IDNA.toUnicode("xn--zz.com") == "xn--zz.com")
        #expect(IDNA.toUnicode("acme.com") == "acme.com")
        #expect(IDNA.toASCII("bücher.example") == "xn--bcher-kva.example")
        #expect(IDNA.toASCII("bad..example") == nil)
    }
}
