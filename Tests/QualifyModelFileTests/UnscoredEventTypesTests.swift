import QualifyCore
import QualifyModelFile
import Testing

/// Typos in an event feed are told, with the type meant (issue 18: `pageview` scored nothing and nobody knew).
@Suite struct UnscoredEventTypesTests {
    @Test func typesNoRuleNamesAreReportedWithTheTypeMeant() throws {
        let model = try ModelFile.defaultModel()
        #expect(model.eventTypesUsed.contains("page_view") && model.eventTypesUsed.contains("demo_request"))
        let found = UnscoredEventTypes.findings(["pageview": 12, "demo_requets": 2, "page_view": 40, "sales.call": 3, "$stage": 1,
                                                 "fax_received": 1], model: model)
        #expect(found.map(\.type) == ["pageview", "demo_requets", "fax_received"])
        #expect(found[0].suggestion == "page_view" && found[1].suggestion == "demo_request" && found[2].suggestion == nil)
        #expect(found[0].description == "'pageview' ×12 scored nothing — did you mean 'page_view'?")
    }
}
