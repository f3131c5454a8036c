import QualifyCore
import Testing

@Suite struct HygieneTypoTests {
    let typos = DomainTypos()

    @Test("Mistyped provider domains and TLDs get the intended domain", arguments: [
        ("gmial.com", "gmail.com"),
        ("gamil.com", "gmail.com"),
        ("gmai.com", "gmail.com"),
        ("gmaill.com", "gmail.com"),
        ("gnail.com", "gmail.com"),
        ("gmail.cmo", "gmail.com"),
        ("gmail.con", "gmail.com"),
        ("gmail.comm", "gmail.com"),
        ("gmail.co", "gmail.com"),
        ("gmail.cm", "gmail.com"),
        ("gmail.om", "gmail.com"),
        ("yaho.com", "yahoo.com"),
        ("yahooo.com", "yahoo.com"),
        ("yahoo.cm", "yahoo.com"),
        ("yaho.fr", "yahoo.fr"),
        ("yahho.co.uk", "yahoo.co.uk"),
        ("hotmial.con", "hotmail.com"),
        ("hotmial.com", "hotmail.com"),
        ("hotmal.com", "hotmail.com"),
        ("hotmail.ocm", "hotmail.com"),
        ("hotmai.fr", "hotmail.fr"),
        ("outlok.com", "outlook.com"),
        ("outllok.com", "outlook.com"),
        ("iclod.com", "icloud.com"),
        ("googlemial.com", "googlemail.com"),
        ("gooogelmail.com", "googlemail.com"),
        ("protonmial.com", "protonmail.com"),
        ("comcats.net", "comcast.net"),
        ("verizon.nte", "verizon.net"),
        ("sbcgloabl.net", "sbcglobal.net"),
        ("acme.cmo", "acme.com"),
        ("acme.con", "acme.com"),
        ("acme.comm", "acme.com"),
        ("acme.ocm", "acme.com"),
        ("acme.vom", "acme.com"),
        ("acme.xom", "acme.com"),
        ("acme.cpm", "acme.com"),
        ("acme.nte", "acme.net"),
        ("acme.ogr", "acme.org"),
        ("acme.rog", "acme.org"),
        ("sub.acme.cmo", "sub.acme.com"),
        ("aol.con", "aol.com"),
    ])
    func suggests(domain: String, expected: String) {
        #expect(typos.suggestion(for: domain) == expected)
    }

    /// Real domains (companies, universities, other providers) that must never be "corrected".
    @Test("Real company domains get no suggestion", arguments: [
        "hotmart.com", "mailchimp.com", "yahoo-inc.com", "gmx.de", "gmx.net", "outlook.de", "gmaildev.io", "acme.co",
        "acme.cm", "acme.om", "acme.ne", "acme.io", "acme.net", "acme.org", "email.com", "cloud.com", "gmc.com",
        "gma.com", "aoc.com", "love.com", "life.com", "mails.com", "me.co", "libera.it", "never.com", "verizon.com",
        "comcast.com", "orange.com", "att.com", "protonmail.ch", "proton.me", "yahoo.co.jp", "yahoo.net", "yahoo.cn",
        "yahoo.cz", "gmail.de", "hotels.com", "hotjar.com", "gitlab.com", "gmaps.com", "live.co", "yandex-team.ru",
        "zohocorp.com", "mail.google.com", "hotmail.co.th", "outlook.cl", "icloud.com", "gmail.com", "yahoo.com",
        "hotmail.com", "ymail.com", "web.de", "t-online.de", "amazon.com", "microsoft.com", "salesforce.com", "bet.com",
        "acme.bet", "acme.new", "acme.co.uk", "acme.com.br", "mit.edu", "nasa.gov", "xn--mnchen-3ya.de",
    ])
    func noFalseAlarm(domain: String) {
        #expect(typos.suggestion(for: domain) == nil)
    }

    @Test("No typo target is ever 'corrected' to another", arguments: DomainTypos.defaultProviders)
    func targetsAreLeftAlone(domain: String) {
        #expect(typos.suggestion(for: domain) == nil)
    }

    @Test("Every delegated TLD kept from correction is one edit from a common TLD, and is never corrected", arguments: DomainTypos.defaultDelegatedNearCommon.sorted())
    func delegatedNeighbours(tld: String) {
        #expect(DomainTypos.defaultCommonTLDs.contains { EditDistance.damerau(tld, $0) == 1 })
        #expect(typos.suggestion(for: "acme-industries." + tld) == nil)
    }

    @Test("A provider typed without its dot is recognized", arguments: [
        ("gmailcom", "gmail.com"), ("GMAIL", "gmail.com"), ("hotmailcom", "hotmail.com"), ("yahoocouk", "yahoo.co.uk"),
    ])
    func dotless(domain: String, expected: String) {
        #expect(typos.suggestion(forDotless: domain) == expected)
    }

    @Test("Unknown dotless names get nothing", arguments: ["acme", "localhost", "gmx", "mail"])
    func dotlessUnknown(domain: String) {
        #expect(typos.suggestion(forDotless: domain) == nil)
    }

    @Test("Damerau distance counts a swap of neighbours as one edit", arguments: [
        ("gmial", "gmail", 1), ("hotmart", "hotmail", 2), ("", "abc", 3), ("abc", "abc", 0), ("ca", "abc", 3),
        ("kitten", "sitting", 3), ("com", "cmo", 1), ("com", "comm", 1),
    ])
    func damerau(a: String, b: String, distance: Int) {
        #expect(EditDistance.damerau(a, b) == distance)
        #expect(EditDistance.damerau(b, a) == distance)
        #expect(EditDistance.damerau(a, b, limit: distance) == distance)
        if distance > 0 { #expect(EditDistance.damerau(a, b, limit: distance - 1) == nil) }
    }
}
