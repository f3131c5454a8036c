import Foundation
import QualifyCore
import QualifyModelFile
import Testing

/// The model file is checked like a compiler: every problem with file, line, key path and what was expected.
@Suite struct ModelFileTests {
    typealias Y = ModelYAML

    @Test func theTinyModelParsesIntoTheExpectedValues() throws {
        let (model, warnings) = try Y.parse(Y.tiny).get()
        #expect(warnings.isEmpty)
        #expect(model.name == "tiny")
        #expect(model.fit.rules == [
            FitRule(id: "decision-maker", when: .field("job_title", .matches(#"(?i)\b(vp|head)\b"#)), points: 20),
            FitRule(id: "company-size", when: .field("employees", .between(50, 5000)), points: 20),
            FitRule(id: "free-mail", when: .email(.freeProvider), points: -15),
        ])
        #expect(model.fit.grades == GradeThresholds(a: 40, b: 30, c: 10))
        #expect(model.engagement.groups == [ScoreGroup(id: "main", halfLife: .days(30), temperature: TemperatureThresholds(hot: 60, warm: 25))])
        #expect(model.engagement.rules == [
            EngagementRule(id: "visit", on: "page_view", points: 1, cap: Cap(points: 10, per: .days(7))),
            EngagementRule(id: "download", on: "content_download", points: 15),
            EngagementRule(id: "demo", on: "demo_request", points: 50),
        ])
        #expect(model.stages == [
            StageRule(stage: .iql, when: .event("content_download", [])),
            StageRule(stage: .mql, when: .all([.count(of: ["content_download"], atLeast: 2), .grade(atLeast: .c)])),
            StageRule(stage: .sql, when: .event("demo_request", [])),
        ])
        #expect(model.offers.isEmpty)
    }

    @Test func theDefaultModelParsesWithoutIssuesAndHasEverySection() throws {
        let (model, warnings) = try ModelFile.parse(yaml: DefaultModel.yaml, file: DefaultModel.fileName).get()
        #expect(warnings.isEmpty)
        #expect(model == ModelFile.defaultModel())
        #expect(model.name == "default-b2b")
        #expect(model.fit.rules.count == 9)
        #expect(model.fit.grades == GradeThresholds(a: 50, b: 30, c: 10))
        #expect(model.engagement.rules.count == 16)
        #expect(model.engagement.rules.first { $0.id == "trial" }?.once == true)
        #expect(model.engagement.rules.first { $0.id == "pricing-page" }?.conditions
            == [PropertyCondition(property: "url", test: .contains("/pricing"))])
        #expect(model.offers[.sql] == ["talk_to_sales"])
        #expect(model.offers.count == 5)
        #expect(throws: Never.self) { try Engine(model: model) }
    }

    @Test func optionalPartsParse() throws {
        let text = Y.tiny(
            [(old: "  temperature: { hot: 60, warm: 25 }",
              new: "  temperature: { hot: 60, warm: 25 }\n  groups: { product-x: { half_life: 10d }, services: { temperature: { hot: 20, warm: 5 } } }"),
             (old: "{ id: demo, on: demo_request, points: 50 }",
              new: "{ id: demo, on: demo_request, points: 50 }\n    - { id: x-docs, on: page_view, where: { url: { contains: /x/ }, plan: Enterprise, seats: { at_least: 10 } }, points: 4, once: true, group: product-x }"),
             (old: "{ id: sql, when: { event: demo_request } }",
              new: "{ id: sql, when: { any: [ { event: demo_request }, { engagement: { at_least: 20, group: product-x } }, { fit: { at_least: 30 } } ] } }\noffers:\n  iql: webinar\n  sql: [talk_to_sales, demo]")])
        let (model, warnings) = try Y.parse(text).get()
        #expect(warnings.isEmpty)
        #expect(model.engagement.groups.map(\.id) == ["main", "product-x", "services"])
        #expect(model.engagement.group("product-x") == ScoreGroup(id: "product-x", halfLife: .days(10), temperature: TemperatureThresholds(hot: 60, warm: 25)))
        #expect(model.engagement.group("services") == ScoreGroup(id: "services", halfLife: .days(30), temperature: TemperatureThresholds(hot: 20, warm: 5)))
        #expect(model.engagement.rules.last == EngagementRule(
            id: "x-docs", on: "page_view",
            conditions: [PropertyCondition(property: "url", test: .contains("/x/")), PropertyCondition(property: "plan", test: .equals("Enterprise")),
                         PropertyCondition(property: "seats", test: .atLeast(10))],
            points: 4, once: true, group: "product-x"))
        #expect(model.stages.last?.when == .any([.event("demo_request", []), .engagement(atLeast: 20, group: "product-x"), .fit(atLeast: 30)]))
        #expect(model.offers == [.iql: ["webinar"], .sql: ["talk_to_sales", "demo"]])
    }

    // MARK: one mistake, one error, at its line

    struct Mistake: CustomTestStringConvertible, Sendable {
        let name: String
        let old: String
        let new: String
        let path: String
        /// text on the line (and at the column) the error must point to
        let at: String
        let message: String
        var testDescription: String { name }
    }

    static let mistakes: [Mistake] = [
        Mistake(name: "a misspelled optional key suggests the right one",
                old: "points: 1, cap", new: "points: 1, onse: true, cap", path: "engagement.rules[0].onse", at: "onse",
                message: "unknown key 'onse' (did you mean 'once'?); expected one of: id, on, where, points, once, cap, group"),
        Mistake(name: "a misspelled top-level key suggests the right one",
                old: "stages:\n", new: "offer: { iql: [webinar] }\nstages:\n", path: "offer", at: "offer",
                message: "unknown key 'offer' (did you mean 'offers'?); expected one of: name, fit, engagement, stages, offers, checklist"),
        Mistake(name: "text where a whole number belongs",
                old: "content_download, points: 15", new: "content_download, points: ten", path: "engagement.rules[1].points",
                at: "ten }", message: "expected a whole number, got 'ten'"),
        Mistake(name: "a quoted number is text",
                old: "content_download, points: 15", new: "content_download, points: \"15\"", path: "engagement.rules[1].points",
                at: "\"15\"", message: "expected a whole number, got '15'"),
        Mistake(name: "a null where a whole number belongs",
                old: "content_download, points: 15", new: "content_download, points: ~", path: "engagement.rules[1].points",
                at: "~", message: "expected a whole number, got nothing"),
        Mistake(name: "a regex that does not compile",
                old: #""(?i)\\b(vp|head)\\b""#, new: #""(?i)\\b(vp|head\\b""#, path: "fit.rules[0].when.matches",
                at: #""(?i)"#, message: #"regex '(?i)\b(vp|head\b' does not compile"#),
        Mistake(name: "grades out of order",
                old: "{ A: 40, B: 30, C: 10 }", new: "{ A: 30, B: 40, C: 10 }", path: "fit.grades", at: "{ A: 30",
                message: "thresholds out of order: expected A > B > C, got A 30, B 40, C 10"),
        Mistake(name: "equal grades",
                old: "{ A: 40, B: 30, C: 10 }", new: "{ A: 40, B: 40, C: 10 }", path: "fit.grades", at: "{ A: 40",
                message: "thresholds out of order: expected A > B > C, got A 40, B 40, C 10"),
        Mistake(name: "temperature out of order",
                old: "{ hot: 60, warm: 25 }", new: "{ hot: 25, warm: 60 }", path: "engagement.temperature", at: "{ hot: 25",
                message: "thresholds out of order: expected hot > warm > 0, got hot 25.0, warm 60.0"),
        Mistake(name: "a warm threshold of zero",
                old: "{ hot: 60, warm: 25 }", new: "{ hot: 60, warm: 0 }", path: "engagement.temperature", at: "{ hot: 60",
                message: "thresholds out of order: expected hot > warm > 0, got hot 60.0, warm 0.0"),
        Mistake(name: "an unknown stage far from any known one",
                old: "{ id: iql,", new: "{ id: qualifed,", path: "stages[0].id", at: "qualifed",
                message: "unknown stage 'qualifed'; expected one of: iql, mql, sql (later stages are set by people)"),
        Mistake(name: "a misspelled stage suggests the right one",
                old: "{ id: iql,", new: "{ id: iqll,", path: "stages[0].id", at: "iqll",
                message: "unknown stage 'iqll' (did you mean 'iql'?); expected one of: iql, mql, sql (later stages are set by people)"),
        Mistake(name: "a stage set only by people",
                old: "{ id: sql,", new: "{ id: opportunity,", path: "stages[2].id", at: "opportunity",
                message: "unknown stage 'opportunity'; expected one of: iql, mql, sql (later stages are set by people)"),
        Mistake(name: "a stage defined twice",
                old: "{ id: sql,", new: "{ id: iql,", path: "stages[2].id", at: "iql, when: { event: demo",
                message: "stage 'iql' is defined twice"),
        Mistake(name: "a duplicate engagement rule id",
                old: "{ id: demo,", new: "{ id: download,", path: "engagement.rules[2].id", at: "download, on: demo",
                message: "rule id 'download' is used twice in engagement.rules"),
        Mistake(name: "an unknown score group",
                old: "on: demo_request, points: 50", new: "on: demo_request, points: 50, group: sales",
                path: "engagement.rules[2].group", at: "sales",
                message: "unknown score group 'sales'; expected one of: main (declare it under engagement.groups)"),
        Mistake(name: "a half-life below the minimum",
                old: "half_life: 30d", new: "half_life: 2d", path: "engagement.half_life", at: "2d",
                message: "half-life 2d is shorter than the minimum 3d"),
        Mistake(name: "a half-life one hour below the minimum",
                old: "half_life: 30d", new: "half_life: 71h", path: "engagement.half_life", at: "71h",
                message: "half-life 71h is shorter than the minimum 3d"),
        Mistake(name: "a half-life without a unit",
                old: "half_life: 30d", new: "half_life: 30 days", path: "engagement.half_life", at: "30 days",
                message: "expected a positive duration like 30d, 12h, 2w or 90m, got '30 days'"),
        Mistake(name: "a cap window of zero",
                old: "per: 7d", new: "per: 0d", path: "engagement.rules[0].cap.per", at: "0d }",
                message: "expected a positive duration like 30d, 12h, 2w or 90m, got '0d'"),
        Mistake(name: "a cap of zero points",
                old: "cap: { points: 10", new: "cap: { points: 0", path: "engagement.rules[0].cap.points", at: "0, per",
                message: "expected a positive number of points, got 0"),
        Mistake(name: "a misspelled value test suggests the right one",
                old: "on: page_view, points: 1", new: "on: page_view, where: { url: { contians: /pricing } }, points: 1",
                path: "engagement.rules[0].where.url.contians", at: "contians",
                message: "unknown test 'contians' (did you mean 'contains'?)"),
        Mistake(name: "a misspelled criterion suggests the right one",
                old: "{ event: demo_request }", new: "{ evnt: demo_request }", path: "stages[2].when.evnt", at: "evnt",
                message: "unknown criterion 'evnt' (did you mean 'event'?)"),
        Mistake(name: "a range the wrong way round",
                old: "between: [50, 5000]", new: "between: [5000, 50]", path: "fit.rules[1].when.between", at: "[5000",
                message: "LOW 5000 is above HIGH 50"),
        Mistake(name: "an unknown email kind",
                old: "email: free_provider", new: "email: freemail", path: "fit.rules[2].when.email", at: "freemail",
                message: "unknown email kind 'freemail'; expected one of: company, free_provider, disposable, role"),
        Mistake(name: "an invalid rule id",
                old: "{ id: visit,", new: "{ id: 'my visit',", path: "engagement.rules[0].id", at: "'my visit'",
                message: "'my visit' is not a valid id"),
        Mistake(name: "an internal event type",
                old: "on: page_view", new: "on: $fields", path: "engagement.rules[0].on", at: "$fields",
                message: "'$fields' is not a valid id"),
        Mistake(name: "a count of zero",
                old: "at_least: 2", new: "at_least: 0", path: "stages[1].when.all[0].count.at_least", at: "0 } }",
                message: "expected at least 1, got 0"),
        Mistake(name: "an unknown grade",
                old: "{ at_least: C }", new: "{ at_least: E }", path: "stages[1].when.all[1].grade.at_least", at: "E }",
                message: "unknown grade 'E'; expected A, B, C or D"),
        Mistake(name: "a missing key is reported at its mapping",
                old: "{ id: download, on: content_download, points: 15 }", new: "{ id: download, on: content_download }",
                path: "engagement.rules[1]", at: "{ id: download", message: "missing key 'points'"),
        Mistake(name: "a list where a mapping belongs",
                old: "{ A: 40, B: 30, C: 10 }", new: "[40, 30, 10]", path: "fit.grades", at: "[40",
                message: "expected a mapping with keys A, B, C, got a list"),
    ]

    @Test("One mistake gives one error with its line, column and key path", arguments: mistakes)
    func oneMistake(_ m: Mistake) throws {
        let text = Y.tiny([(m.old, m.new)])
        let issues = Y.issues(text)
        try #require(issues.count == 1, "\(issues)")
        let issue = issues[0]
        let expected = try #require(Y.position(of: m.at, in: text))
        #expect(issue.severity == .error)
        #expect(issue.file == "tiny.yaml")
        #expect(issue.path == m.path)
        #expect(issue.line == expected.line)
        #expect(issue.column == expected.column)
        #expect(issue.message.hasPrefix(m.message), "\(issue.message)")
    }

    @Test func anUnknownKeyNamesItsExactLineAndColumn() throws {
        let text = Y.tiny([(old: "points: 1, cap", new: "points: 1, onse: true, cap")])
        let issue = try #require(Y.issues(text).first)
        #expect(issue.line == 12)
        #expect(issue.column == 46)
        #expect(issue.description == "tiny.yaml:12:46: error: engagement.rules[0].onse: unknown key 'onse' (did you mean 'once'?); expected one of: id, on, where, points, once, cap, group")
    }

    @Test func aWrongTypeNamesItsPathAndLine() throws {
        let text = Y.tiny([(old: "content_download, points: 15", new: "content_download, points: ten")])
        let issue = try #require(Y.issues(text).first)
        #expect(issue.line == 13)
        #expect(issue.description.hasPrefix("tiny.yaml:13:"))
        #expect(issue.description.hasSuffix(": error: engagement.rules[1].points: expected a whole number, got 'ten'"))
    }

    @Test func aMisspelledScoreGroupSuggestsADeclaredOne() throws {
        let text = Y.tiny([
            (old: "  temperature: { hot: 60, warm: 25 }", new: "  temperature: { hot: 60, warm: 25 }\n  groups: { product-x: { half_life: 10d } }"),
            (old: "on: demo_request, points: 50", new: "on: demo_request, points: 50, group: prodcut-x"),
        ])
        let issues = Y.issues(text)
        #expect(issues.map(\.path) == ["engagement.rules[2].group"])
        #expect(issues.first?.message == "unknown score group 'prodcut-x' (did you mean 'product-x'?); expected one of: main, product-x (declare it under engagement.groups)")
        #expect(issues.first?.line == Y.position(of: "prodcut-x", in: text)?.line)
    }

    @Test func aGroupNamedMainOrDeclaredTwiceIsRejected() {
        let text = Y.tiny([(old: "  temperature: { hot: 60, warm: 25 }", new: "  temperature: { hot: 60, warm: 25 }\n  groups:\n    main: { half_life: 10d }")])
        let issues = Y.issues(text)
        #expect(issues.map(\.path) == ["engagement.groups.main"])
        #expect(issues.first?.message == "group 'main' is defined twice ('main' is the top-level half_life and temperature)")
        #expect(issues.first?.line == 12)
    }

    @Test func aDuplicateFitRuleIDIsReported() throws {
        let text = Y.tiny([(old: "{ id: free-mail,", new: "{ id: company-size,")])
        let issue = try #require(Y.issues(text).first)
        #expect(issue.path == "fit.rules[2].id")
        #expect(issue.message == "rule id 'company-size' is used twice in fit.rules")
        #expect(issue.line == 6)
    }

    @Test func anchorsAndAliasesAreFollowed() throws {
        let text = Y.tiny([(old: "cap: { points: 10, per: 7d }", new: "cap: &weekly { points: 10, per: 7d }"),
                           (old: "content_download, points: 15 }", new: "content_download, points: 15, cap: *weekly }")])
        let (model, _) = try Y.parse(text).get()
        #expect(model.engagement.rules[1].cap == Cap(points: 10, per: .days(7)))
    }

    @Test func aHugeNumberInAWrongRangeIsReportedNotACrash() async {
        // The message formats the numbers with Double.formatted(_:), which converts through Int64.
        let text = ModelYAML.tiny.replacingOccurrences(of: "between: [50, 5000]", with: "between: [1e19, 50]")
        guard case .failure(let issues) = ModelFile.parse(yaml: text, file: "tiny.yaml") else {
            Issue.record("no error")
            return
        }
        #expect(issues.issues.map(\.path) == ["fit.rules[1].when.between"])
    }

    // MARK: cross-section checks

    @Test func aStageNeedingAGradeTheFitRulesCannotGiveIsUnreachable() {
        let text = Y.tiny([
            (old: "{ A: 40, B: 30, C: 10 }", new: "{ A: 50, B: 30, C: 10 }"),
            (old: "{ id: mql, when: { all: [ { count: { of: [content_download], at_least: 2 } }, { grade: { at_least: C } } ] } }",
             new: "{ id: mql, when: { grade: { at_least: A } } }"),
        ])
        let issues = Y.issues(text)
        #expect(issues.map(\.severity) == [.warning, .error])
        #expect(issues.map(\.path) == ["fit.grades.A", "stages[1].when"])
        #expect(issues[safe: 0]?.message == "grade A needs 50 points but the fit rules give at most 40: no lead can be graded A")
        #expect(issues[safe: 1]?.message == "stage MQL can never be reached: grade A needs 50 fit points but the fit rules give at most 40")
        #expect(issues[safe: 1]?.line == 17)
    }

    @Test func aStageOnAGroupNoRuleFeedsIsUnreachable() {
        let text = Y.tiny([
            (old: "  temperature: { hot: 60, warm: 25 }", new: "  temperature: { hot: 60, warm: 25 }\n  groups: { product-x: { half_life: 10d } }"),
            (old: "{ id: sql, when: { event: demo_request } }", new: "{ id: sql, when: { engagement: { at_least: 10, group: product-x } } }"),
        ])
        let issues = Y.issues(text)
        #expect(issues.map(\.path) == ["stages[2].when"])
        #expect(issues.first?.message == "stage SQL can never be reached: engagement[product-x] ≥ 10.0 needs points, but no engagement rule adds any to group 'product-x'")
        #expect(issues.first?.line == 19)
    }

    @Test func aStageWithOneReachableAlternativeIsFine() throws {
        let text = Y.tiny([(old: "{ id: sql, when: { event: demo_request } }",
                            new: "{ id: sql, when: { any: [ { fit: { at_least: 100 } }, { event: demo_request } ] } }")])
        let (model, warnings) = try Y.parse(text).get()
        #expect(warnings.isEmpty)
        #expect(model.stages.count == 3)
    }

    @Test func aStageWhoseEveryAlternativeIsUnreachableSaysWhyForEach() {
        let text = Y.tiny([(old: "{ id: sql, when: { event: demo_request } }",
                            new: "{ id: sql, when: { any: [ { fit: { at_least: 100 } }, { fit: { at_least: 41 } } ] } }")])
        let issues = Y.issues(text)
        #expect(issues.map(\.path) == ["stages[2].when"])
        #expect(issues.first?.message == "stage SQL can never be reached: fit 100 needs more than the 40 points the fit rules can give; and fit 41 needs more than the 40 points the fit rules can give")
    }

    @Test func warningsAloneDoNotStopAModel() throws {
        let text = Y.tiny([(old: "{ A: 40, B: 30, C: 10 }", new: "{ A: 45, B: 30, C: 10 }"),
                           (old: "content_download, points: 15", new: "content_download, points: 0")])
        let (model, warnings) = try Y.parse(text).get()
        #expect(model.fit.grades.a == 45)
        #expect(warnings.map(\.severity) == [.warning, .warning])
        #expect(warnings.map(\.path) == ["engagement.rules[1].points", "fit.grades.A"])
        #expect(warnings.first?.message == "rule 'download' gives 0 points and never changes a score")
        #expect(warnings.first?.line == 13)
    }

    // MARK: many problems, bad files

    @Test func severalMistakesAreAllReportedInFileOrder() {
        let text = Y.tiny([
            (old: #""(?i)\\b(vp|head)\\b""#, new: #""(?i)\\b(vp|head\\b""#),
            (old: "points: 1, cap", new: "points: 1, onse: true, cap"),
            (old: "content_download, points: 15", new: "content_download, points: ten"),
            (old: "{ id: iql,", new: "{ id: qualifed,"),
        ])
        guard case .failure(let failure) = Y.parse(text) else {
            Issue.record("expected errors")
            return
        }
        #expect(failure.issues.count == 4)
        #expect(failure.errors.count == 4)
        #expect(failure.issues.map(\.line) == [4, 12, 13, 16])
        #expect(failure.issues.map(\.path) == ["fit.rules[0].when.matches", "engagement.rules[0].onse", "engagement.rules[1].points", "stages[0].id"])
        #expect(failure.description.components(separatedBy: "\n").count == 4)
        #expect(failure.description.components(separatedBy: "\n").allSatisfy { $0.hasPrefix("tiny.yaml:") })
    }

    @Test func missingSectionsAreEachReported() {
        let issues = Y.issues("name: bare\n")
        #expect(issues.map(\.message) == ["missing key 'fit'", "missing key 'engagement'", "missing key 'stages'"])
        #expect(issues.allSatisfy { $0.line == 1 && $0.path == "" })
    }

    @Test func aListAtTheTopIsNotAModel() {
        let issues = Y.issues("- name: x\n")
        #expect(issues.count == 1)
        #expect(issues.first?.message == "expected a mapping with keys name, fit, engagement, stages, offers, checklist, import, accounts, follow_up, team, calendars, routing, sla, reasons, got a list")
    }

    @Test func invalidYAMLSyntaxGivesItsLine() throws {
        let text = Y.tiny([(old: "  grades: { A: 40, B: 30, C: 10 }", new: "  grades: A: 40")])
        let issues = Y.issues(text)
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.message.hasPrefix("not valid YAML: "))
        #expect(issue.message.contains("mapping values are not allowed"))
        #expect(issue.line == 7)
        #expect(issue.file == "tiny.yaml")
    }

    @Test func anUnclosedFlowMappingGivesALine() throws {
        let text = Y.tiny([(old: "{ id: download, on: content_download, points: 15 }", new: "{ id: download, on: content_download, points: 15")])
        let issue = try #require(Y.issues(text).first)
        #expect(issue.message.hasPrefix("not valid YAML: "))
        #expect((13...15).contains(issue.line ?? 0), "\(issue)")
    }

    @Test("An empty file says so", arguments: ["", "\n\n", "# only a comment\n"])
    func emptyFile(text: String) {
        let issues = Y.issues(text)
        #expect(issues == [ModelIssue(file: "tiny.yaml", line: 1, path: "",
                                      message: "the file is empty; expected a model (see `qualify model show-default`)")])
    }

    @Test func aDuplicateKeyNamesItsLineWithoutEchoingTheFile() throws {
        let text = "name: one\nname: two\n" + Y.tiny.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
        let issue = try #require(Y.issues(text).first)
        #expect(issue.message.contains("name"))
        #expect(issue.line == 2)
        #expect(!issue.message.contains("engagement"))
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
