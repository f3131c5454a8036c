import QualifyCore
@testable import QualifyModelFile
import Testing
import Yams

/// A model text cannot exhaust memory: aliases are counted each time they are used, and the text has a size limit.
@Suite struct ModelLimitsTests {
    static let bomb = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    @Test func anAliasBombIsRefusedWithAReasonInsteadOfExpanded() {
        guard case .failure(let issues) = ModelFile.parse(yaml: Self.bomb, file: "bomb.yaml") else {
            Issue.record("the bomb parsed")
            return
        }
        #expect(issues.errors.count == 1 && issues.errors[0].message.contains("more than 100000 values"), "\(issues)")
        // an alias used as a mapping key is refused before Yams hashes its expansion
        let keyed = Self.bomb + "\nj: { *i : 1 }\n"
        guard case .failure(let keyIssues) = ModelFile.parse(yaml: keyed, file: "bomb.yaml") else {
            Issue.record("the keyed bomb parsed")
            return
        }
        #expect(keyIssues.errors.first?.line == 10 && keyIssues.errors.first?.message.contains("mapping key") == true, "\(keyIssues)")
    }

    @Test func theExpansionIsCountedEvenPastTheAliasCheck() {
        // a tree of 9^6 values written out would be huge to type; the budget is checked on the composed tree itself
        var budget = 10
        let node = try! Yams.compose(yaml: "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]")!
        #expect(ModelFile.convert(node, budget: &budget) == nil)
        var enough = 100
        #expect(ModelFile.convert(node, budget: &enough) != nil)
    }

    @Test func onlyAnAliasAsAKeyIsRefused() {
        #expect(ModelFile.aliasKeyLine("name: R&D *leads*\ndescription: 5 * 3") == nil)
        #expect(ModelFile.aliasKeyLine("a: &x 1\nb: *x") == nil)
        #expect(ModelFile.aliasKeyLine("a: &x 1\n*x: 2") == 2)
        #expect(ModelFile.aliasKeyLine("a: &x 1\nb: { ? *x : 2 }") == 2)
    }

    @Test func anOversizedTextIsRefused() {
        let yaml = DefaultModel.yaml + "\n# " + String(repeating: "x", count: ModelFile.maximumBytes)
        guard case .failure(let issues) = ModelFile.parse(yaml: yaml, file: "big.yaml") else {
            Issue.record("the big text parsed")
            return
        }
        #expect(issues.errors.first?.message.contains("over the limit") == true)
    }
}
