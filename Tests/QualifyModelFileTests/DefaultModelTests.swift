import QualifyCore
import QualifyModelFile
import Testing

@Suite struct DefaultModelTests {
    @Test func theBuiltInModelParsesWithoutIssues() throws {
        let result = ModelFile.parse(yaml: DefaultModel.yaml, file: DefaultModel.fileName)
        let (model, warnings) = try result.get()
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(model.stages.map(\.stage) == [.iql, .mql, .sql])
        #expect(model.engagement.main.halfLife == .days(30))
    }
}
