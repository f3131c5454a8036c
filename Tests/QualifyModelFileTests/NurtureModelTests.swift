import QualifyCore
import QualifyModelFile
import Testing

/// The model's offer catalogue and follow-up cadences as YAML: read, and every mistake named with its key.
@Suite struct NurtureModelTests {
    static let section = """
        offers:
          - { id: webinar, title: Product tour, kind: webinar, stages: [iql, recycled], taken: { event: webinar_register } }
          - { id: case_study, kind: case_study, stages: [iql], when: { field: industry, in: [software] }, taken: { event: content_download, where: { asset: { contains: case } } }, rank: 5 }
          - { id: trial, stages: [mql], taken: { event: trial_start } }
        follow_up:
          quiet: 3d
          stop_on: [email_reply]
          iql: [ { after: 3d, offer: best }, { after: 7d, channel: call } ]
          mql: [ { after: 2d, offer: trial } ]

        """

    @Test func theCatalogueAndTheCadencesAreRead() throws {
        let (model, _) = try ModelYAML.parse(ModelYAML.tiny + Self.section).get()
        let catalogue = try #require(model.catalogue)
        #expect(catalogue.map(\.id) == ["webinar", "case_study", "trial"] && catalogue.map(\.rank) == [1, 5, 3])
        #expect(catalogue[0].title == "Product tour" && catalogue[2].title == "trial" && catalogue[2].kind == "trial")
        #expect(catalogue[1].when == .field("industry", .oneOf(["software"])))
        #expect(catalogue[1].taken == Offer.Taken(event: "content_download", conditions: [PropertyCondition(property: "asset", test: .contains("case"))]))
        #expect(model.offers == [.iql: ["webinar", "case_study"], .recycled: ["webinar"], .mql: ["trial"]], "per stage, by rank")
        let followUp = try #require(model.followUp)
        #expect(followUp.quiet == .days(3) && followUp.stopOn == ["email_reply"])
        #expect(followUp.cadences[.iql] == [FollowUpStep(after: .days(3), channel: .email, offer: "best"), FollowUpStep(after: .days(7), channel: .call, offer: nil)])
        #expect(model.eventTypesUsed.isSuperset(of: ["webinar_register", "content_download", "trial_start", "email_reply"]))
        // the older form: names per stage
        let (old, _) = try ModelYAML.parse(ModelYAML.tiny + "offers:\n  iql: [webinar, spec_sheet]\n").get()
        #expect(old.catalogue == nil && old.offerCatalogue.map(\.id) == ["webinar", "spec_sheet"] && old.offerCatalogue[1].title == "spec sheet")
        #expect(throws: Never.self) { try Engine(model: model) }
    }

    @Test(arguments: [
        ("stages: [mql], taken: { event: trial_start }", "stages: [], taken: { event: trial_start }", "offers[2].stages", "no stage can get is never made"),
        ("stages: [mql], taken: { event: trial_start }", "stages: [mqll]", "offers[2].stages", "did you mean 'mql'?"),
        ("id: trial,", "id: webinar,", "offers[2].id", "in the catalogue twice"),
        ("id: trial,", "id: best,", "offers[2].id", "is reserved"),
        ("{ after: 2d, offer: trial }", "{ after: 2d, offer: trials }", "follow_up.mql[0].offer", "did you mean 'trial'?"),
        ("{ after: 7d, channel: call }", "{ after: 7d, channel: fax }", "follow_up.iql[1].channel", "unknown channel 'fax'"),
        ("{ after: 7d, channel: call }", "{ after: 2d, channel: call }", "follow_up.iql[1].after", "steps go in order of time"),
        ("  quiet: 3d", "  quiet: 3d\n  customer: [ { after: 1d } ]", "follow_up.customer", "not followed up by a cadence"),
        ("rank: 5", "rank: 0", "offers[1].rank", "a rank is 1"),
        ("taken: { event: webinar_register }", "taken: { evnt: webinar_register }", "offers[0].taken.evnt", "did you mean 'event'?"),
    ])
    func eachMistakeIsReportedWithItsKeyPath(old: String, new: String, path: String, message: String) {
        let issues = ModelYAML.issues(ModelYAML.tiny + Self.section.replacingOccurrences(of: old, with: new))
        #expect(issues.contains { $0.path == path && $0.message.contains(message) }, "\(issues)")
    }

    @Test func theDefaultModelOffersAndFollowsUpEveryOpenStage() {
        let model = ModelFile.defaultModel()
        let catalogue = model.offerCatalogue
        for stage in [Stage.new, .iql, .mql, .sql, .recycled] {
            #expect(catalogue.contains { $0.stages.contains(stage) }, "an offer for \(stage)")
        }
        #expect(catalogue.filter { $0.taken == nil }.isEmpty, "every default offer has an event that marks it taken")
        #expect(model.followUp?.cadences.keys.sorted { $0.rawValue < $1.rawValue } == [.iql, .mql, .recycled])
    }
}
