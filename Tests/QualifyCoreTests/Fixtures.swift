import QualifyCore

/// Fixed leads, times and a small model written in Swift (the core cannot read YAML), shaped like the default one.
enum Fixtures {
    /// 2026-03-02T09:00:00Z, a Monday.
    static let t0 = Timestamp(iso8601: "2026-03-02T09:00:00Z")!
    static let ana = LeadKey(normalizedEmail: "ana@acme.com")
    static let bob = LeadKey(normalizedEmail: "bob@gmail.com")

    static func at(days: Double = 0, hours: Double = 0) -> Timestamp {
        Timestamp(millis: t0.millis + Int64((days * 86_400_000 + hours * 3_600_000).rounded()))
    }

    static let fitRules: [FitRule] = [
        FitRule(id: "decision-maker", when: .field("job_title", .matches(#"(?i)\b(chief|vp|head|director)\b"#)), points: 20),
        FitRule(id: "company-size", when: .field("employees", .between(50, 5000)), points: 20),
        FitRule(id: "target-industry", when: .field("industry", .oneOf(["software", "saas"])), points: 10),
        FitRule(id: "free-mail", when: .email(.freeProvider), points: -15),
    ]

    static let engagementRules: [EngagementRule] = [
        EngagementRule(id: "visit", on: "page_view", points: 1, cap: Cap(points: 3, per: .days(7))),
        EngagementRule(id: "pricing-page", on: "page_view",
                       conditions: [PropertyCondition(property: "url", test: .contains("/pricing"))], points: 10),
        EngagementRule(id: "email-click", on: "email_click", points: 2, cap: Cap(points: 3, per: .days(7))),
        EngagementRule(id: "download", on: "content_download", points: 15),
        EngagementRule(id: "webinar-attend", on: "webinar_attend", points: 30),
        EngagementRule(id: "trial", on: "trial_start", points: 40, once: true),
        EngagementRule(id: "unsubscribed", on: "unsubscribe", points: -30, once: true),
        EngagementRule(id: "bounced", on: "email_bounce", points: -20, cap: Cap(points: 30, per: .days(30))),
        EngagementRule(id: "demo", on: "demo_request", points: 50),
        EngagementRule(id: "x-demo", on: "product_x_demo", points: 25, group: "product-x"),
        EngagementRule(id: "x-docs", on: "page_view",
                       conditions: [PropertyCondition(property: "url", test: .contains("/product-x"))], points: 4,
                       cap: Cap(points: 10, per: .days(7)), group: "product-x"),
    ]

    static let stages: [StageRule] = [
        StageRule(stage: .iql, when: .any([.event("content_download", []), .event("webinar_register", [])])),
        StageRule(stage: .mql, when: .any([
            .all([.count(of: ["content_download", "webinar_attend"], atLeast: 2), .grade(atLeast: .c)]),
            .event("page_view", [PropertyCondition(property: "url", test: .contains("/pricing"))]),
        ])),
        StageRule(stage: .sql, when: .any([
            .event("demo_request", []),
            .all([.engagement(atLeast: 60, group: "main"), .grade(atLeast: .b)]),
            .engagement(atLeast: 40, group: "product-x"),
        ])),
    ]

    static let model = QualificationModel(
        name: "fixture",
        fit: FitSection(rules: fitRules, grades: GradeThresholds(a: 50, b: 30, c: 10)),
        engagement: EngagementSection(
            groups: [
                ScoreGroup(id: "main", halfLife: .days(30), temperature: TemperatureThresholds(hot: 60, warm: 25)),
                ScoreGroup(id: "product-x", halfLife: .days(10), temperature: TemperatureThresholds(hot: 30, warm: 10)),
            ],
            rules: engagementRules),
        stages: stages,
        offers: [.iql: ["webinar"], .sql: ["talk_to_sales"]])

    static func engine(_ model: QualificationModel = model) -> Engine {
        try! Engine(model: model)
    }

    static func activity(_ id: String, _ type: String, _ at: Timestamp, lead: LeadKey = ana,
                         _ properties: [String: String] = [:]) -> Event {
        Event.activity(id: id, lead: lead, type: type, at: at, properties: properties)
    }

    static func fields(_ id: String, _ at: Timestamp, lead: LeadKey = ana, source: String = "crm",
                       _ fields: [String: String]) -> Event {
        Event(id: EventID(id), lead: lead, at: at, kind: .fieldsUpdate(fields: fields, source: source))
    }

    static func move(_ id: String, _ action: StageAction, _ at: Timestamp, lead: LeadKey = ana,
                     reason: String = "no budget this year", by: String = "maria") -> Event {
        Event(id: EventID(id), lead: lead, at: at, kind: .stageMove(action: action, reason: reason, by: by, code: nil))
    }

    /// Applies events in the order given and returns the state and everything they caused.
    static func run(_ events: [Event], engine: Engine = engine(), lead: LeadKey = ana)
        -> (state: LeadState, ledger: [LedgerEntry], changes: [StageChange])
    {
        var state = LeadState(key: lead)
        var ledger: [LedgerEntry] = []
        var changes: [StageChange] = []
        for event in events {
            let application = engine.apply(event, to: &state)
            ledger += application.ledger
            changes += application.stageChanges
        }
        return (state, ledger, changes)
    }
}

extension Double {
    func isClose(to other: Double, relative: Double = 1e-9) -> Bool {
        abs(self - other) <= relative * Swift.max(1, abs(self), abs(other))
    }
}
