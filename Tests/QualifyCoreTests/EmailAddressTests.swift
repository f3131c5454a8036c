import Foundation
import QualifyCore
import Testing

@Suite struct EmailAddressTests {
    static let long63 = String(repeating: "a", count: 63)

    @Test("Valid addresses normalize to trimmed lowercase", arguments: [
        ("ana@acme.com", "ana@acme.com"),
        ("  Ana.Silva+Leads@Acme.COM \n", "ana.silva+leads@acme.com"),
        ("a@b.co", "a@b.co"),
        ("first.last@sub.mail.example.org", "first.last@sub.mail.example.org"),
        ("o'brien@acme-corp.ie", "o'brien@acme-corp.ie"),
        ("JOSÉ@Bücher.DE", "josé@xn--bcher-kva.de"),
        ("\"ana@home\"@acme.com", "\"ana@home\"@acme.com"),
        ("x1@123.com", "x1@123.com"),
    ])
    func valid(raw: String, normalized: String) throws {
        let key = try EmailAddress.parse(raw).get()
        #expect(key.email == normalized)
        #expect(key == LeadKey(normalizedEmail: normalized))
    }

    static let problems: [(String, EmailProblem)] = [
        ("", .empty),
        ("   ", .empty),
        ("ana.acme.com", .noAtSign),
        ("@acme.com", .emptyLocalPart),
        ("ana@", .emptyDomain),
        ("ana@acme", .domainWithoutDot),
        ("ana@acme..com", .emptyDomainLabel),
        ("ana@.acme.com", .emptyDomainLabel),
        ("ana@acme.com.", .emptyDomainLabel),
        ("ana@home@acme.com", .multipleAtSigns),
        ("an a@acme.com", .invalidCharacter),
        ("an\ta@acme.com", .invalidCharacter),
        (".ana@acme.com", .misplacedDot),
        ("ana.@acme.com", .misplacedDot),
        ("an..a@acme.com", .misplacedDot),
        ("ana@-acme.com", .domainLabelHyphen("-acme")),
        ("ana@acme-.com", .domainLabelHyphen("acme-")),
        ("ana@ac_me.com", .invalidDomainCharacter("ac_me")),
        ("ana@ac me.com", .invalidDomainCharacter("ac me")),
        ("ana@[10.0.0.1]", .invalidDomainCharacter("[10")),
        (String(repeating: "x", count: 65) + "@acme.com", .localPartTooLong(65)),
        ("ana@" + long63 + "a.com", .domainLabelTooLong(long63 + "a")),
        // 64 + 1 + 63 + 1 + 63 + 1 + 63 + 4 = 260 bytes
        (String(repeating: "x", count: 64) + "@" + [long63, long63, long63].joined(separator: ".") + ".com", .tooLong(260)),
    ]

    @Test("Invalid addresses name their problem", arguments: problems)
    func invalid(raw: String, problem: EmailProblem) {
        #expect(throws: problem) { try EmailAddress.parse(raw).get() }
    }

    static let nfc: @Sendable (String) -> String = { $0.precomposedStringWithCanonicalMapping }

    @Test("One identity for a Unicode or ASCII domain, any case, a precomposed or decomposed local part", arguments: [
        "josé@münchen.de", "JOSÉ@MÜNCHEN.DE", "jose\u{301}@münchen.de", "JOSE\u{301}@xn--mnchen-3ya.de", "josé@XN--MNCHEN-3YA.DE",
        " josé@münchen.de ",
    ])
    func identity(raw: String) throws {
        // compared as UTF-8: Swift's == holds precomposed and decomposed forms equal, a database does not
        #expect(Array(try EmailAddress.parse(raw, normalize: Self.nfc).get().email.utf8) == Array("jos\u{E9}@xn--mnchen-3ya.de".utf8))
    }

    @Test func identityKeepsQuotesAndLeavesASCIIKeysAsTheyWere() throws {
        #expect(try EmailAddress.parse("\"Ana Maria\"@Bücher.de", normalize: Self.nfc).get().email == "\"ana maria\"@xn--bcher-kva.de")
        #expect(try EmailAddress.parse("\"Ana Maria\"@xn--bcher-kva.de", normalize: Self.nfc).get().email == "\"ana maria\"@xn--bcher-kva.de")
        #expect(try EmailAddress.parse("Ana.Silva+X@ACME.com", normalize: Self.nfc).get().email == "ana.silva+x@acme.com")
        #expect(try EmailAddress.parse("ana@XN--ZZ.com", normalize: Self.nfc).get().email == "ana@xn--zz.com", "ASCII: only lowercased")
    }

    @Test func aDomainWithNoASCIIFormIsRefused() {
        #expect(throws: EmailProblem.self) { try EmailAddress.parse("ana@exa\u{203C}mple.com", normalize: Self.nfc).get() }
        if case .failure(.internationalDomain(let domain, let why)) = EmailAddress.parse("ana@exa\u{203C}mple.com", normalize: Self.nfc) {
            #expect(domain == "exa\u{203C}mple.com" && !why.isEmpty)
        } else {
            Issue.record("expected internationalDomain")
        }
    }

    @Test func theLimitsThemselvesAreAccepted() throws {
        let local64 = String(repeating: "x", count: 64)
        #expect(try EmailAddress.parse(local64 + "@" + Self.long63 + ".com").get().email.utf8.count == 64 + 1 + 63 + 4)
        // exactly 254 bytes: 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254
        let address254 = local64 + "@" + [Self.long63, Self.long63, String(repeating: "c", count: 58) + ".de"].joined(separator: ".")
        #expect(address254.utf8.count == 254)
        #expect(try EmailAddress.parse(address254).get().email == address254)
    }

    @Test func problemsReadAsSentences() {
        #expect(EmailProblem.noAtSign.description == "it has no '@'")
        #expect(EmailProblem.localPartTooLong(65).description.contains("65 bytes"))
        #expect(EmailProblem.domainLabelHyphen("-acme").description.contains("'-acme'"))
    }

    @Test func theKeyKnowsItsDomainAndLocalPart() throws {
        let key = try EmailAddress.parse("\"a@b\"@Acme.com").get()
        #expect(key.domain == "acme.com")
        #expect(EmailAddress.localPart(of: key) == "\"a@b\"")
    }

    static let kinds: [(String, Set<EmailKind>)] = [
        ("ana@acme.com", [.company]),
        ("ana@gmail.com", [.freeProvider]),
        ("ana@yahoo.co.uk", [.freeProvider]),
        ("ana@mailinator.com", [.disposable]),
        ("info@acme.com", [.role]),
        ("sales+eu@acme.com", [.role]),
        ("support@gmail.com", [.role, .freeProvider]),
        ("no-reply@yopmail.com", [.role, .disposable]),
        ("ana@mail.gmail.com", [.company]),
        ("information@acme.com", [.company]),
        ("ana.info@acme.com", [.company]),
    ]

    @Test("Built-in lists classify addresses", arguments: kinds)
    func builtInKinds(address: String, kinds: Set<EmailKind>) throws {
        let key = try EmailAddress.parse(address).get()
        #expect(EmailLists.builtIn.kinds(of: key) == kinds)
    }

    @Test func listsAreValuesTheCallerChooses() throws {
        let lists = EmailLists(freeProviders: ["acme.com"], disposable: [], roleLocalParts: ["ana"])
        #expect(lists.kinds(of: try EmailAddress.parse("Ana+x@ACME.com").get()) == [.freeProvider, .role])
        #expect(EmailLists(freeProviders: [], disposable: [], roleLocalParts: []).kinds(of: try EmailAddress.parse("info@gmail.com").get()) == [.company])
    }

    @Test func emailKindsUseTheModelFileSpelling() {
        #expect(EmailKind.allCases.map(\.rawValue) == ["company", "free_provider", "disposable", "role"])
    }
}
