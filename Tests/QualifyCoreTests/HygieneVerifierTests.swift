import Foundation
import QualifyCore
import Testing

@Suite struct HygieneVerifierTests {
    static let lists = HygieneLists(
        disposable: ["mailinator.com", "throwaway.io", "gmial.com", "qq.com"],
        allowlist: ["safe.throwaway.io", "qq.com"],
        freeMail: ["gmail.com", "yahoo.com", "mailinator.com", "gmial.com", "qq.com"],
        roleLocalParts: ["info", "sales", "support"])
    static let verifier = EmailVerifier(lists: lists, normalize: { $0.precomposedStringWithCanonicalMapping })

    static let invalid: [(String, HygieneReason)] = [
        ("ana.acme.com", .noAtSign),
        ("ana@home@acme.com", .multipleAtSigns),
        ("@acme.com", .emptyLocalPart),
        (String(repeating: "a", count: 65) + "@acme.com", .localPartTooLong),
        (String(repeating: "a", count: 64) + "@" + String(repeating: "b.", count: 94) + "com", .addressTooLong),
        ("ana smith@acme.com", .invalidLocalCharacter),
        ("ana.@acme.com", .misplacedDot),
        ("\"ana@acme.com", .invalidQuotedLocalPart),
        ("ana@", .emptyDomain),
        ("ana@" + String(repeating: "b.", count: 126) + "com", .domainTooLong),
        ("ana@" + String(repeating: "b", count: 64) + ".com", .domainLabelTooLong),
        ("ana@acme..com", .emptyDomainLabel),
        ("ana@acme-.com", .domainLabelHyphen),
        ("ana@ac_me.com", .invalidDomainCharacter),
        ("ana@xn--zz.com", .invalidIDN),
        ("ana@acme", .domainWithoutDot),
        ("ana@10.0.0.1", .numericTLD),
        ("ana@[10.0.0.300]", .invalidDomainLiteral),
        ("ana@example.com", .reservedDomain),
        ("ana@mail.example.org", .reservedDomain),
        ("ana@shop.test", .reservedDomain),
        ("ana@printer.local", .reservedDomain),
        ("ana@site.invalid", .reservedDomain),
        ("ana@abc.onion", .reservedDomain),
        ("ana@1.in-addr.arpa", .reservedDomain),
        ("ana@bücher.example", .reservedDomain),
    ]

    @Test("Each invalid reason code makes the verdict invalid, with a detail naming the value", arguments: invalid)
    func invalidVerdicts(address: String, reason: HygieneReason) {
        let r = Self.verifier.verify(address)
        #expect(r.verdict == .invalid(reason), "\(r.detail ?? "")")
        #expect(r.detail?.isEmpty == false)
        #expect(r.reasons.map(\.rawValue) == [reason.rawValue])
    }

    static let risky: [(String, [HygieneReason])] = [
        ("\"ana smith\"@acme.com", [.quotedLocalPart]),
        ("josé@acme.com", [.utf8LocalPart]),
        ("ana@[192.0.2.1]", [.domainLiteral]),
        ("ana@[IPv6:2001:db8::1]", [.domainLiteral]),
        ("ana@i❤.ws", [.unusualIDN]),
        ("ana@acme.cmo", [.possibleTypo]),
        ("ana@mailinator.com", [.disposable]),
        ("ana@x.y.throwaway.io", [.disposable]),
        ("info@acme.com", [.roleAccount]),
        ("Sales+EMEA@acme.com", [.roleAccount]),
        ("ana@gmail.com", [.freeMail]),
        ("ana@qq.com", [.freeMail]),  // allowlisted and listed as disposable too: the allowlist wins, free-mail stays
        ("info@gmail.com", [.roleAccount, .freeMail]),
        ("info@gmial.com", [.possibleTypo, .disposable, .roleAccount]),
        ("\"info\"@yahoo.com", [.quotedLocalPart, .roleAccount, .freeMail]),
    ]

    @Test("Risky reasons accumulate in a fixed order", arguments: risky)
    func riskyVerdicts(address: String, reasons: [HygieneReason]) {
        let r = Self.verifier.verify(address)
        #expect(r.verdict == .risky(reasons))
        #expect(reasons.allSatisfy { $0.severity == .risky })
    }

    @Test("Company addresses are valid", arguments: [
        "ana@acme.com", "Ana.Silva@Acme.COM", "ana@münchen.de", "ana@safe.throwaway.io", "ana@acme.co.uk", "ana+x@acme.io",
        "informatics@acme.com", "ana@sub.acme.com",
    ])
    func validVerdicts(address: String) {
        let r = Self.verifier.verify(address)
        #expect(r.verdict == .valid, "\(r.reasons)")
        #expect(r.kinds == [.company])
        #expect(r.suggestion == nil)
    }

    @Test("An empty cell is unknown (no_address)")
    func empty() {
        #expect(Self.verifier.verify("  ").verdict == .unknown(.noAddress))
        #expect(Self.verifier.verify("").normalized == nil)
    }

    @Test("Suggestions keep the local part; normalized and display forms are set")
    func suggestions() {
        let r = Self.verifier.verify("Ana@Gmial.com")
        #expect(r.suggestion == "ana@gmail.com")
        #expect(r.normalized == "ana@gmial.com")
        #expect(Self.verifier.verify("ana@gmailcom").suggestion == "ana@gmail.com")
        #expect(Self.verifier.verify("ana@gmailcom").verdict == .invalid(.domainWithoutDot))
        #expect(Self.verifier.verify("\"ana\"@acme.com").suggestion == "ana@acme.com")
        let idn = Self.verifier.verify("ana@MÜNCHEN.de")
        #expect(idn.normalized == "ana@xn--mnchen-3ya.de")
        #expect(idn.display == "ana@münchen.de")
        #expect(idn.domain == "xn--mnchen-3ya.de")
    }

    @Test("Kinds for fit rules follow the lists")
    func kinds() {
        #expect(Self.verifier.verify("ana@gmail.com").kinds == [.freeProvider])
        #expect(Self.verifier.verify("info@gmail.com").kinds == [.freeProvider, .role])
        #expect(Self.verifier.verify("ana@mailinator.com").kinds == [.disposable])
    }

    @Test("The allowlist wins over the disposable list, for the domain and its subdomains")
    func allowlistWins() {
        #expect(Self.lists.isDisposable("throwaway.io"))
        #expect(Self.lists.isDisposable("a.throwaway.io"))
        #expect(!Self.lists.isDisposable("safe.throwaway.io"))
        #expect(!Self.lists.isDisposable("x.safe.throwaway.io"))
        #expect(!Self.lists.isDisposable("io"))
        #expect(Self.lists.emailLists.disposable.contains("mailinator.com"))
        #expect(!Self.lists.emailLists.freeProviders.contains("mailinator.com"))
    }

    static let dns: [(String, MailDomainStatus, EmailVerdict, [HygieneReason])] = [
        ("ana@acme.com", .acceptsMail(exchanges: ["mx.acme.com"]), .valid, []),
        ("ana@acme.com", .addressOnly, .valid, []),
        ("ana@acme.com", .nullMX, .invalid(.nullMX), [.nullMX]),
        ("ana@acme.com", .noSuchDomain, .invalid(.noSuchDomain), [.noSuchDomain]),
        ("ana@acme.com", .unknown("timeout"), .valid, [.dnsUnknown]),
        ("ana@gmail.com", .unknown("SERVFAIL"), .risky([.freeMail]), [.freeMail, .dnsUnknown]),
        ("ana@gmail.com", .addressOnly, .risky([.freeMail]), [.freeMail]),
        ("ana@gmail.com", .nullMX, .invalid(.nullMX), [.nullMX]),
        ("ana@acme", .nullMX, .invalid(.domainWithoutDot), [.domainWithoutDot]),
        ("", .noSuchDomain, .unknown(.noAddress), [.noAddress]),
    ]

    @Test("DNS combines with the offline verdict; no answer never makes an address invalid", arguments: dns)
    func combinesDNS(address: String, status: MailDomainStatus, verdict: EmailVerdict, reasons: [HygieneReason]) {
        let offline = Self.verifier.verify(address)
        let r = offline.combined(with: status)
        #expect(r.verdict == verdict)
        #expect(r.reasons == reasons)
        #expect(r.dns == status)
        #expect(offline.combined(with: nil) == offline)
    }

    @Test("Every reason code is covered by a rule table above, and codes are snake_case")
    func everyReasonIsTested() {
        var covered = Set(Self.invalid.map(\.1))
        Self.risky.forEach { covered.formUnion($0.1) }
        Self.dns.forEach { covered.formUnion($0.3) }
        covered.insert(.noAddress)
        covered.insert(.hardBounce)  // from the lead's log, not the address: NurtureTests and the card
        #expect(Set(HygieneReason.allCases).subtracting(covered).isEmpty, "untested: \(Set(HygieneReason.allCases).subtracting(covered))")
        for r in HygieneReason.allCases {
            #expect(r.rawValue.allSatisfy { $0.isLowercase || $0 == "_" || $0.isNumber }, "\(r.rawValue)")
            #expect(!r.explanation.isEmpty)
        }
    }

    @Test("A verdict encodes as its label and reasons")
    func verdictJSON() throws {
        let data = try JSONEncoder().encode(EmailVerdict.risky([.freeMail, .roleAccount]))
        #expect(String(decoding: data, as: UTF8.self).contains("\"verdict\":\"risky\""))
        #expect(try JSONDecoder().decode(EmailVerdict.self, from: data) == .risky([.freeMail, .roleAccount]))
        let bad = Data(#"{"verdict":"invalid","reasons":[]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(EmailVerdict.self, from: bad) }
    }
}
