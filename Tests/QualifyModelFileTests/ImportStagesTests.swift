import QualifyCore
import QualifyModelFile
import Testing

/// The model's `import:` table: a CRM's own stage (lifecycle stage, lead status) carried in a lead's fields moves the
/// lead — forward, or to customer, disqualified or recycled — as an imported stage move.
@Suite struct ImportStagesTests {
    static let section = """
        import:
          fields: [lifecycle_stage, lead_status]
          stages:
            Marketing Qualified Lead: mql
            Sales Qualified Lead: sql
            Customer: customer
            Nurture: recycled

        """
    static let ada = LeadKey(normalizedEmail: "ada@acme.io")
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!

    static func fields(_ n: Int, _ values: [String: String]) -> Event {
        Event(id: EventID("f\(n)"), lead: ada, at: t0.adding(.days(Int64(n))), kind: .fieldsUpdate(fields: values, source: "crm.csv"))
    }

    @Test func aCRMStageMovesTheLeadOnceForwardAndToClosedStages() throws {
        let (model, _) = try ModelYAML.parse(ModelYAML.tiny + Self.section).get()
        #expect(model.imports?.fields == ["lifecycle_stage", "lead_status"] && model.imports?.stage(for: "marketingqualifiedlead") == .mql)
        let engine = try Engine(model: model)
        let events = [
            Self.fields(0, ["lifecycle_stage": "Marketing Qualified Lead"]),
            Self.fields(1, ["lifecycle_stage": "Marketing Qualified Lead", "job_title": "CTO"]),
            Self.fields(2, ["lifecycle_stage": "Sales Qualified Lead"]),
            Self.fields(3, ["lead_status": "marketing qualified lead"]),
            Self.fields(4, ["lead_status": "Evangelist"]),
            Self.fields(5, ["lead_status": "Nurture"]),
            Self.fields(6, ["lifecycle_stage": "Customer"]),
        ]
        var state = LeadState(key: Self.ada)
        var changes: [StageChange] = []
        func apply(_ n: Int) { changes += engine.apply(events[n], to: &state).stageChanges }
        apply(0)
        #expect(state.stage == .mql && changes.last == StageChange(from: .new, to: .mql, at: Self.t0, eventID: EventID("f0"),
                                                                   reason: "CRM stage: lifecycle_stage 'Marketing Qualified Lead' (crm.csv)", by: "import"))
        apply(1)
        #expect(changes.count == 1, "the same value again moves nothing")
        apply(2)
        #expect(state.stage == .sql)
        apply(3)
        #expect(state.stage == .sql && changes.count == 2, "never back along the path")
        apply(4)
        #expect(state.stage == .sql && state.fields["lead_status"] == "Evangelist", "an unmapped value stays a field")
        apply(5)
        #expect(state.stage == .recycled && state.typeCounts.isEmpty)
        apply(6)
        #expect(state.stage == .customer && changes.map(\.to) == [.mql, .sql, .recycled, .customer])
        // a replay gives the same lead
        #expect(engine.replay(Self.ada, events: events).state == state)
    }

    @Test(arguments: [
        ("Customer: customer", "Customer: client", "import.stages.Customer", "'client' is not a stage"),
        ("Nurture: recycled", "Nurture: recycled\n    customer: mql", "import.stages.customer", "already mapped to customer"),
        ("fields: [lifecycle_stage, lead_status]", "fields: []", "import.fields", "at least one lead field"),
        ("  stages:", "  stagse:", "import.stagse", "did you mean 'stages'?"),
    ])
    func eachMistakeIsReportedWithItsKeyPath(old: String, new: String, path: String, message: String) {
        let issues = ModelYAML.issues(ModelYAML.tiny + Self.section.replacingOccurrences(of: old, with: new))
        #expect(issues.contains { $0.path == path && $0.message.contains(message) }, "\(issues)")
    }

    @Test func theDefaultModelMapsHubSpotAndSalesforceStages() {
        let imports = ModelFile.defaultModel().imports
        #expect(imports?.stage(for: "salesqualifiedlead") == .sql && imports?.stage(for: "Closed - Not Converted") == .disqualified)
        #expect(imports?.stage(for: "IN_PROGRESS") == .opportunity && imports?.stage(for: "Lead") == nil)
    }
}
