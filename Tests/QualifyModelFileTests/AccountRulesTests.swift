import QualifyCore
import QualifyModelFile
import Testing

/// The model's `accounts:` section and an account scored from its contacts: engagement under each rule is the sum of
/// the contacts it counts, fit from the best contact or the account's fields, the buying committee from job titles.
@Suite struct AccountRulesTests {
    static let section = """
        accounts:
          engagement: sum_top
          top: 2
          fit: fields
          temperature: { hot: 90, warm: 30 }
          title_field: title
          roles:
            decision_maker: [ceo, vp, head of]
            finance: [cfo, procurement]

        """
    static let now = Timestamp(iso8601: "2026-03-02T09:00:00Z")!

    static func contact(_ email: String, fit: Int, engagement: Double, title: String? = nil, stage: Stage = .new,
                        fields: [String: String] = [:], order: QueueOrder) -> AccountContact {
        var fields = fields
        if let title { fields["title"] = title }
        return AccountContact(email: email, name: nil, grade: .d, fitPoints: fit, stage: stage, amplitude: engagement * order.growth,
                              owner: nil, lastActivity: nil, fields: fields)
    }

    @Test func theSectionIsRead() throws {
        let (model, _) = try ModelYAML.parse(ModelYAML.tiny + Self.section).get()
        let rules = try #require(model.accounts)
        #expect(rules.engagement == .sumOfTop(2) && rules.fit == .fields && rules.temperature == TemperatureThresholds(hot: 90, warm: 30))
        #expect(rules.titleField == "title" && rules.roles.map(\.id) == ["decision_maker", "finance"])
        #expect(rules.roles[0].titles == ["ceo", "vp", "head of"])
        // every key optional: the standard rules, and `top` alone keeps sum_top
        #expect(try ModelYAML.parse(ModelYAML.tiny + "accounts: {}\n").get().0.accounts == .standard)
        #expect(try ModelYAML.parse(ModelYAML.tiny + "accounts: { top: 5 }\n").get().0.accounts?.engagement == .sumOfTop(5))
        #expect(try ModelYAML.parse(ModelYAML.tiny).get().0.accounts == nil)
    }

    @Test(arguments: [
        ("engagement: sum_top", "engagement: summ", "accounts.engagement", "did you mean 'sum'?"),
        ("engagement: sum_top", "engagement: max", "accounts.top", "top only applies to engagement: sum_top"),
        ("top: 2", "top: 0", "accounts.top", "at least 1, not 0"),
        ("fit: fields", "fit: best", "accounts.fit", "expected one of: best_contact, fields"),
        ("{ hot: 90, warm: 30 }", "{ hot: 30, warm: 90 }", "accounts.temperature", "expected hot > warm > 0"),
        ("finance: [cfo, procurement]", "finance: []", "accounts.roles.finance", "list the job-title words"),
        ("finance: [cfo, procurement]", "finance: [\"--\"]", "accounts.roles.finance", "has no letter or digit"),
        ("title_field: title", "title_feld: title", "accounts.title_feld", "did you mean 'title_field'?"),
    ])
    func eachMistakeIsReportedWithItsKeyPath(old: String, new: String, path: String, message: String) {
        let issues = ModelYAML.issues(ModelYAML.tiny + Self.section.replacingOccurrences(of: old, with: new))
        #expect(issues.contains { $0.path == path && $0.message.contains(message) }, "\(issues)")
    }

    @Test func rolesAreWholeWordsOfTheTitle() {
        let roles = Dictionary(uniqueKeysWithValues: BuyingRole.standard.map { ($0.id, $0) })
        func has(_ role: String, _ title: String) -> Bool { roles[role]!.matches(title) }
        #expect(has("decision_maker", "VP Sales") && has("decision_maker", "Co-Founder & CEO") && has("decision_maker", "Head of IT"))
        #expect(!has("decision_maker", "MVP Program Lead") && !has("decision_maker", "Heads"))
        #expect(has("technical", "Head of IT") && has("technical", "Software Engineer") && !has("technical", "Item Buyer"))
        #expect(has("finance", "Procurement Manager") && has("champion", "Procurement Manager") && has("finance", "CFO"))
        #expect(!has("finance", "") && !has("champion", "Vice President, Operations"))
    }

    @Test func engagementIsTheSumOfTheContactsTheRuleCounts() throws {
        var (model, _) = try ModelYAML.parse(ModelYAML.tiny + Self.section).get()
        let order = QueueOrder(model: model, now: Self.now)
        let account = AccountContacts(domain: "acme.io", name: "Acme", contacts: [
            Self.contact("a@acme.io", fit: 20, engagement: 10, order: order),
            Self.contact("b@acme.io", fit: 40, engagement: 35, order: order),
            Self.contact("c@acme.io", fit: 40, engagement: 50, order: order),
            Self.contact("d@acme.io", fit: 0, engagement: 0, order: order),
        ])
        let noFields: ([String: String]) -> (points: Int, rules: [String]) = { _ in (0, []) }
        for (rule, expected, counted) in [(AccountRules.Engagement.sumOfTop(2), 85.0, ["c@acme.io", "b@acme.io"]),
                                          (.sumOfTop(10), 95, ["c@acme.io", "b@acme.io", "a@acme.io"]),
                                          (.sum, 95, ["c@acme.io", "b@acme.io", "a@acme.io"]), (.max, 50, ["c@acme.io"])] {
            model.accounts?.engagement = rule
            model.accounts?.fit = .bestContact
            let score = AccountScore.score(account, model: model, order: order, fitPoints: noFields)
            #expect(abs(score.engagement - expected) < 1e-9, "\(rule): \(score.engagement)")
            #expect(score.engagedContacts == counted, "\(rule): \(score.engagedContacts)")
            #expect(score.temperature == (expected >= 90 ? .hot : .warm), "\(rule): the account's own thresholds")
            #expect(score.fitPoints == 40 && score.fitSource == "b@acme.io", "the best contact, the earlier of a tie: \(score.fitSource)")
        }
        model.accounts = nil
        let standard = AccountScore.score(account, model: model, order: order, fitPoints: noFields)
        #expect(abs(standard.engagement - 95) < 1e-9 && standard.temperature == .hot, "standard: top 3, the leads' thresholds (hot 60)")
    }

    @Test func fitFromFieldsUsesWhatMostContactsSay() throws {
        let (model, _) = try ModelYAML.parse(ModelYAML.tiny + Self.section).get()
        let engine = try Engine(model: model)
        let order = QueueOrder(model: model, now: Self.now)
        let account = AccountContacts(domain: "acme.io", name: nil, contacts: [
            Self.contact("a@acme.io", fit: 0, engagement: 1, title: "CFO", fields: ["employees": "40"], order: order),
            Self.contact("b@acme.io", fit: 0, engagement: 1, title: "Analyst", fields: ["employees": "250 "], order: order),
            Self.contact("c@acme.io", fit: 0, engagement: 1, title: "VP Sales", stage: .mql, fields: ["employees": "250"], order: order),
        ])
        #expect(AccountScore.accountFields(account.contacts, titleField: "title") == ["employees": "250 "], "the most common value; titles are personal")
        let score = AccountScore.score(account, model: model, order: order, fitPoints: engine.fitPoints(of:))
        #expect(score.fitPoints == 20 && score.fitRules == ["company-size"] && score.fitSource == "account fields", "\(score)")
        #expect(score.grade == .c, "the model's grades: C at 10")
        #expect(score.roles.map(\.contacts) == [["c@acme.io"], ["a@acme.io"]] && score.missingRoles.isEmpty)
        #expect(score.stage == .mql && score.contacts == 3)
    }

    @Test func theDefaultModelHasTheStandardCommittee() {
        let rules = ModelFile.defaultModel().accounts
        #expect(rules?.roles == BuyingRole.standard && rules?.engagement == .sumOfTop(3) && rules?.fit == .bestContact)
    }
}
