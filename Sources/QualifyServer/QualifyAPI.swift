import Foundation
import OpenAPIRuntime
import QualifyCore
import QualifyModelFile
import QualifyStore
import QualifyUseCases

/// The API's handlers: each turns the generated input into store calls and the store's answer into the generated
/// output. Rules live in the core and the store; nothing here decides a score or a stage.
struct QualifyAPI: APIProtocol {
    let cards: LeadCards
    var store: any QualifyStorage { cards.store }
    var verifier: EmailVerifier { cards.verifier }
    let mailDomainLookup: (@Sendable (String) async -> MailDomainStatus)?
    /// Sends a ping to a subscription now (the delivery module's sender, given by the composition root); nil: none.
    let webhookPing: (@Sendable (WebhookSubscription) async throws -> WebhookAttempt)?
    let allowPrivateWebhooks: Bool
    let readyTimeout: Duration
    let metrics: ServerMetrics
    let transitions: TransitionCounter
    let clock: @Sendable () -> Timestamp

    // MARK: operations

    func healthLive(_ input: Operations.HealthLive.Input) async throws -> Operations.HealthLive.Output {
        .ok(.init(body: .json(.init(status: "live"))))
    }

    /// Ready when the database answers within `readyTimeout` (0.8 s) and a model is active; 503 otherwise, as fast
    /// whatever state the database is in (a load balancer's probe must not hang while the database is down).
    func healthReady(_ input: Operations.HealthReady.Input) async throws -> Operations.HealthReady.Output {
        let store = self.store
        let answer: ModelVersion??
        do {
            answer = try await Deadline.within(readyTimeout) { try await store.activeModel() }
        } catch {
            if case .notReady = FailureKind.of(error) { throw error }
            throw APIProblem(status: .serviceUnavailable, title: "Not ready", detail: "the database does not answer; see the server's log")
        }
        guard let found = answer else {
            throw APIProblem(status: .serviceUnavailable, title: "Not ready", detail: "the database did not answer in time")
        }
        guard let model = found else {
            throw APIProblem(status: .serviceUnavailable, title: "Not ready", detail: "no model is active")
        }
        return .ok(.init(body: .json(.init(status: "ready", modelVersion: model.version))))
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        await transitions.count()
        return .ok(.init(body: .plainText(HTTPBody(metrics.exposition()))))
    }

    func listLeads(_ input: Operations.ListLeads.Input) async throws -> Operations.ListLeads.Output {
        let q = input.query
        let limit = q.limit ?? 50
        guard (1...1000).contains(limit) else { throw APIProblem.badRequest("limit must be from 1 to 1000, not \(limit)", field: "limit") }
        try APIProblem.checkLength(q.owner, "owner", 1...200)
        let position = try q.cursor.map(Cursor.position) ?? .offset(0)
        var offset = 0
        var after: QueueKey?
        switch position {
        case .offset(let n): offset = n
        case .key(let k): after = k
        }
        try APIProblem.checkLength(q.stage, "stage", 1...20)
        let stages = try q.stage.map { text in
            try QueueStages(text: text) ?? { throw APIProblem.badRequest("stage '\(text)' is not \(QueueStages.words)", field: "stage") }()
        } ?? .actionable
        let grade = try q.grade.map { text in
            try Grade(text: text) ?? { throw APIProblem.badRequest("grade '\(text.prefix(20))' is not A, B, C or D", field: "grade") }()
        }
        let temperature = try q.temperature.map { text in
            try Temperature(text: text)
                ?? { throw APIProblem.badRequest("temperature '\(text.prefix(20))' is not hot, warm or cold", field: "temperature") }()
        }
        try APIProblem.checkLength(q.sort, "sort", 1...80)
        let sort = try q.sort.map { text in
            try QueueSort(text: text) ?? { throw APIProblem.badRequest("sort '\(text)' is not \(QueueSort.words)", field: "sort") }()
        } ?? .priority
        let query = QueueQuery(stages: stages, grade: grade, temperature: temperature,
                               updatedSince: q.updatedSince.map(Timestamp.init(date:)), owner: q.owner, overdue: q.overdue ?? false,
                               limit: limit + 1, offset: offset)
        var result: QueuePage
        var values: [Double?] = []
        if sort == .priority {
            result = try await store.queuePage(query, after: after, now: clock())
        } else {
            // sorted by a lead's card: pages by offset
            guard after == nil else { throw APIProblem.badRequest("this cursor belongs to the priority order; start again without it", field: "cursor") }
            let sorted: [SortedLead]
            do { sorted = try await cards.sortedQueue(query, by: sort, now: clock()) } catch let problem as LeadCards.SortProblem {
                throw APIProblem.badRequest("\(problem)", field: "sort")
            }
            result = QueuePage(leads: sorted.map(\.lead), keys: [], next: nil)
            values = sorted.map(\.value)
        }
        let leads = result.leads
        let page = leads.prefix(limit).enumerated().map { i, l in
            Components.Schemas.LeadSummary(email: l.email, name: l.name, company: l.company, grade: .init(l.grade), fitPoints: l.fitPoints,
                                           engagement: l.engagement.rounded(places: 4), temperature: .init(l.temperature), stage: .init(l.stage),
                                           lastActivity: l.lastActivity?.date, owner: l.owner, dueAt: l.dueAt?.date,
                                           sortValue: i < values.count ? values[i]?.rounded(places: 4) : nil)
        }
        // the next page starts after this page's last lead (a key: any depth reads like the first page), or by offset
        // for a search or the overdue list
        var next: String?
        if leads.count > limit {
            next = result.keys.count >= limit ? Cursor.make(key: result.keys[limit - 1]) : Cursor.make(offset: offset + limit)
        }
        return .ok(.init(body: .json(.init(leads: Array(page), nextCursor: next))))
    }

    func exportLeads(_ input: Operations.ExportLeads.Input) async throws -> Operations.ExportLeads.Output {
        let q = input.query
        var options = LeadExport.Options()
        options.format = q.format == .jsonl ? .jsonl : .csv
        options.profile = CRMExport.Profile(rawValue: (q.profile ?? .qualify).rawValue) ?? .qualify
        try APIProblem.checkCount(q.stage?.count ?? 0, "stage", atMost: 8, of: "stages")
        if let names = q.stage, !names.isEmpty {
            options.stages = Set(try names.map { name in
                try APIProblem.checkLength(name, "stage", 1...20)
                return try Stage(text: name) ?? {
                    throw APIProblem.badRequest("stage '\(name)' is not one of \(Stage.allCases.map(\.rawValue).joined(separator: ", "))", field: "stage")
                }()
            })
        }
        options.updatedSince = q.updatedSince.map(Timestamp.init(date:))
        options.raw = q.raw ?? false
        guard try await store.activeModel() != nil else { throw StoreError.noActiveModel }
        // the CSV's field names are read before the answer starts, so a failure there is a status, not a cut body
        let export = try await LeadExport(cards: cards, options: options, now: clock()).prepared()
        let body = HTTPBody(export.chunks(), length: .unknown, iterationBehavior: .single)
        return .ok(.init(body: options.format == .csv ? .csv(body) : .applicationXNdjson(body)))
    }

    func getLead(_ input: Operations.GetLead.Input) async throws -> Operations.GetLead.Output {
        let key = try Self.key(input.path.email)
        var asOf: Timestamp?
        try APIProblem.checkLength(input.query.asOf, "as_of", 0...40)
        if let text = input.query.asOf {
            guard let t = LeadCards.asOf(text) else {
                throw APIProblem.badRequest("as_of '\(text)' is not a date like 2026-03-01 or 2026-03-01T12:00:00Z", field: "as_of")
            }
            asOf = t
        }
        do {
            return .ok(.init(body: .json(Self.card(try await cards.card(key, asOf: asOf, now: clock())))))
        } catch let problem as LeadCards.Problem {
            throw APIProblem.notFound(problem.description)
        }
    }

    func upsertLead(_ input: Operations.UpsertLead.Input) async throws -> Operations.UpsertLead.Output {
        let key = try Self.key(input.path.email)
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        var fields: [String: String] = [:]
        try APIProblem.checkCount(body.fields.additionalProperties.count, "fields", atMost: 200, of: "fields")
        for (name, value) in body.fields.additionalProperties {
            try APIProblem.checkLength(value, "fields.\(name)", 0...10_000)
            let field = LeadFields.field(forHeader: name)
            guard !field.isEmpty, field.count <= 64 else { throw APIProblem.badRequest("'\(name)' is not a usable field name", field: "fields.\(name)") }
            guard field != "email" else { throw APIProblem.badRequest("the email is the path's; leave it out of fields", field: "fields.\(name)") }
            guard !value.contains("\u{0}") else { throw APIProblem.badRequest("'\(name)' contains a NUL character", field: "fields.\(name)") }
            fields[field] = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let now = clock()
        let at = body.at.map(Timestamp.init(date:))
        if let at, at > now.adding(TimeSpan(millis: 300_000)) {
            throw APIProblem.unprocessable("'at' \(at.iso8601) is in the future", field: "at")
        }
        let source = "api:" + (Caller.current?.keyID ?? "unknown")
        let outcome = try await store.upsertLeads([LeadUpsert(key: key, fields: fields, origin: source, at: at)], source: source, at: now)
        let result: Components.Schemas.UpsertResult
        switch outcome.first ?? .unchanged {
        case .created: result = .init(email: key.email, outcome: .created, changed: fields.keys.sorted())
        case .merged(let changed): result = .init(email: key.email, outcome: .merged, changed: changed.sorted())
        case .unchanged: result = .init(email: key.email, outcome: .unchanged, changed: [])
        }
        return .ok(.init(body: .json(result)))
    }

    func moveStage(_ input: Operations.MoveStage.Input) async throws -> Operations.MoveStage.Output {
        let key = try Self.key(input.path.email)
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        try APIProblem.checkLength(body.reason, "reason", 1...2_000)
        try APIProblem.checkLength(body.code, "code", 0...64)
        try APIProblem.checkLength(body.id, "id", 1...200)
        let action = StageAction(rawValue: body.action.rawValue)!
        let id = EventID(body.id ?? "move-" + UUID().uuidString.lowercased())
        let by = Caller.recordedAs
        let change = try await store.moveStage(key, action: action, reason: body.reason, by: by, id: id, at: clock(), code: body.code)
        return .ok(.init(body: .json(.init(email: key.email, stage: .init(change.to)))))
    }

    func answerChecklist(_ input: Operations.AnswerChecklist.Input) async throws -> Operations.AnswerChecklist.Output {
        let key = try Self.key(input.path.email)
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        try APIProblem.checkCount(body.answers.additionalProperties.count, "answers", atMost: 100, of: "answers")
        let given = body.answers.additionalProperties.map { ($0.key, $0.value.rawValue) }
        do {
            let priority = try await store.answerChecklist(key, answers: given, by: Caller.recordedAs, at: clock())
            return .ok(.init(body: .json(Self.priority(priority))))
        } catch let problem as ChecklistAnswerProblem {
            switch problem {
            case .noAnswers: throw APIProblem.badRequest(problem.description, field: problem.field)
            case .checklist(.noChecklist): throw APIProblem.conflict(problem.description)
            case .checklist: throw APIProblem.unprocessable(problem.description, field: problem.field)
            }
        } catch StoreError.unknownLead {
            throw APIProblem.notFound("no lead with email '\(key.email)'")
        }
    }

    func postEvent(_ input: Operations.PostEvent.Input) async throws -> Operations.PostEvent.Output {
        guard case .json(let event) = input.body else { throw APIProblem.badRequest("send JSON") }
        let outcome = try await ingest([event], createLeads: input.query.createLeads ?? false)[0]
        if case .rejected(let why) = outcome {
            throw APIProblem.unprocessable(why.description, field: Self.field(of: why))
        }
        var result = Self.result(event.id, outcome)
        result.warning = unscored([event], [outcome]).first?.description
        return .ok(.init(body: .json(result)))
    }

    func postEventBatch(_ input: Operations.PostEventBatch.Input) async throws -> Operations.PostEventBatch.Output {
        guard case .json(let batch) = input.body else { throw APIProblem.badRequest("send JSON") }
        guard !batch.events.isEmpty else { throw APIProblem.badRequest("the batch is empty", field: "events") }
        guard batch.events.count <= 10_000 else {
            throw APIProblem.badRequest("a batch holds at most 10,000 events, not \(batch.events.count); split it", field: "events")
        }
        // the spec's limits hold for the whole batch (a request outside its schema is refused, naming the event);
        // what only the store can judge — an address, an unknown lead, a time in the future — is answered per event
        for (index, event) in batch.events.enumerated() {
            if let (field, problem) = Self.schemaProblem(event) {
                throw APIProblem.badRequest("events[\(index)].\(field): \(problem)", field: "events[\(index)].\(field)")
            }
        }
        let outcomes = try await ingest(batch.events, createLeads: input.query.createLeads ?? false)
        var applied = 0, duplicates = 0, rejected = 0
        for o in outcomes {
            switch o {
            case .applied: applied += 1
            case .duplicate: duplicates += 1
            case .rejected: rejected += 1
            }
        }
        let findings = unscored(batch.events, outcomes)
        let warned = Dictionary(findings.map { ($0.type, $0.description) }, uniquingKeysWith: { a, _ in a })
        let results = zip(batch.events, outcomes).map { event, outcome in
            var result = Self.result(event.id, outcome)
            if case .rejected = outcome {} else { result.warning = warned[event._type] }
            return result
        }
        return .ok(.init(body: .json(.init(applied: applied, duplicates: duplicates, rejected: rejected, results: results,
                                           warnings: findings.isEmpty ? nil : findings.map(\.description)))))
    }

    func getModel(_ input: Operations.GetModel.Input) async throws -> Operations.GetModel.Output {
        guard let model = try await store.activeModel() else { throw StoreError.noActiveModel }
        return .ok(.init(body: .json(Self.version(model))))
    }

    func listModelVersions(_ input: Operations.ListModelVersions.Input) async throws -> Operations.ListModelVersions.Output {
        let versions = try await store.modelVersions().reversed().map(Self.version)
        return .ok(.init(body: .json(.init(versions: versions))))
    }

    func validateModel(_ input: Operations.ValidateModel.Input) async throws -> Operations.ValidateModel.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        try Self.checkSourceLength(body.source)
        switch ModelFile.parse(yaml: body.source, file: "source") {
        case .success(let (_, warnings)):
            return .ok(.init(body: .json(.init(valid: true, errors: warnings.map(Self.fieldError)))))
        case .failure(let issues):
            return .ok(.init(body: .json(.init(valid: false, errors: issues.issues.map(Self.fieldError)))))
        }
    }

    func dryRunModel(_ input: Operations.DryRunModel.Input) async throws -> Operations.DryRunModel.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        let model = try Self.parsedModel(body)
        let report = try await store.dryRun(model.model, now: clock(), examples: 10)
        return .ok(.init(body: .json(Self.report(report))))
    }

    func activateModel(_ input: Operations.ActivateModel.Input) async throws -> Operations.ActivateModel.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        let model = try Self.parsedModel(body)
        let (version, report) = try await store.activate(model.model, source: model.source, at: clock(), by: Caller.recordedAs)
        return .ok(.init(body: .json(.init(version: version.version, report: Self.report(report)))))
    }

    func verifyEmails(_ input: Operations.VerifyEmails.Input) async throws -> Operations.VerifyEmails.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("send JSON") }
        guard (1...1000).contains(body.emails.count) else {
            throw APIProblem.badRequest("send 1 to 1,000 addresses, not \(body.emails.count)", field: "emails")
        }
        if let index = body.emails.firstIndex(where: { $0.unicodeScalars.count > 1000 }) {
            throw APIProblem.badRequest("emails[\(index)] is longer than 1,000 characters", field: "emails[\(index)]")
        }
        var memo = DomainMemo()
        var results = body.emails.map { verifier.verify($0, memo: &memo) }
        if body.dns == true {
            // look-ups cost the network and time: people who manage lists (marketing, admin), not every form's key
            guard let role = Caller.current?.role, Self.dnsRoles.contains(role) else {
                throw APIProblem(status: .forbidden, title: "Forbidden",
                                 detail: "a key with role '\(Caller.current?.role.rawValue ?? "none")' may check addresses but not look up their domains (dns: true); that needs the marketing or admin role",
                                 field: "dns")
            }
            guard let lookup = mailDomainLookup else {
                throw APIProblem(status: .notImplemented, title: "DNS checks are off", detail: "this server has no DNS resolver", field: "dns")
            }
            let answers = await Self.lookUp(Set(results.compactMap { $0.verdict.isInvalid ? nil : $0.domain }), with: lookup)
            results = results.map { r in r.domain.flatMap { answers[$0] }.map { r.combined(with: $0) } ?? r }
        }
        return .ok(.init(body: .json(.init(results: results.map(Self.check)))))
    }

    // MARK: helpers

    static let dnsRoles: Set<Role> = [.marketing, .admin]
    /// Look-ups in flight at once for one request.
    static let dnsConcurrency = 16

    /// Each domain looked up once, at most ``dnsConcurrency`` at a time (1,000 domains one after another took a minute).
    static func lookUp(_ domains: Set<String>, with lookup: @escaping @Sendable (String) async -> MailDomainStatus) async -> [String: MailDomainStatus] {
        await withTaskGroup(of: (String, MailDomainStatus).self) { group in
            var pending = domains.sorted()[...]
            var answers: [String: MailDomainStatus] = [:]
            for _ in 0..<dnsConcurrency {
                guard let domain = pending.popFirst() else { break }
                group.addTask { (domain, await lookup(domain)) }
            }
            while let (domain, status) = await group.next() {
                answers[domain] = status
                if let next = pending.popFirst() { group.addTask { (next, await lookup(next)) } }
            }
            return answers
        }
    }

    static func priority(_ a: PriorityAssessment) -> Components.Schemas.Priority {
        .init(grade: .init(rawValue: a.grade.rawValue)!, score: a.score.rounded(places: 4), answered: a.answered,
              requirements: a.lines.map { l in
                  .init(id: l.requirement, kind: l.kind.rawValue, question: l.question, weight: l.weight,
                        answer: l.answer.flatMap { .init(rawValue: $0.rawValue) }, by: l.by, at: l.at?.date)
              })
    }

    static func check(_ v: EmailVerification) -> Components.Schemas.EmailCheck {
        .init(email: v.input, verdict: .init(rawValue: v.verdict.label)!, reasons: v.reasons.map(\.rawValue), detail: v.detail,
              suggestion: v.suggestion, normalized: v.normalized, dns: v.dns.flatMap { .init(rawValue: $0.code) })
    }

    /// The stored events' types no rule of the active model names (the model the ingest just compiled or found).
    func unscored(_ events: [Components.Schemas.Event], _ outcomes: [IngestOutcome]) -> [UnscoredEventTypes.Finding] {
        guard let (_, engine) = store.engines.latest() else { return [] }
        var counts: [String: Int] = [:]
        for (event, outcome) in zip(events, outcomes) {
            if case .rejected = outcome { continue }
            counts[event._type, default: 0] += 1
        }
        return UnscoredEventTypes.findings(counts, known: engine.compiled.eventTypesUsed)
    }

    func ingest(_ events: [Components.Schemas.Event], createLeads: Bool) async throws -> [IngestOutcome] {
        let incoming = events.map { e in
            IncomingEvent(id: EventID(e.id), email: e.email, type: e._type, at: Timestamp(date: e.at),
                          properties: e.properties?.additionalProperties ?? [:])
        }
        // a large batch goes in as several, two in flight (one scored while another is written), as a file import does
        let pipeline = IngestPipeline(store: store, options: IngestOptions(createLeads: createLeads), now: clock(),
                                      batchSize: IngestPipeline.requestBatchSize)
        let outcomes = try await pipeline.ingest(incoming)
        metrics.ingested(outcomes)
        return outcomes
    }

    /// Where an event breaks the spec's `Event` schema (lengths in characters, as JSON Schema counts them), or nil.
    static func schemaProblem(_ e: Components.Schemas.Event) -> (field: String, problem: String)? {
        func long(_ text: String, _ limit: Int) -> Bool { text.unicodeScalars.count > limit }
        if e.id.isEmpty || long(e.id, 200) { return ("id", "1 to 200 characters") }
        if e.email.isEmpty || long(e.email, 254) { return ("email", "1 to 254 characters") }
        if e._type.isEmpty || long(e._type, EventLimits.maxTypeLength) { return ("type", "1 to \(EventLimits.maxTypeLength) characters") }
        let properties = e.properties?.additionalProperties ?? [:]
        if properties.count > EventLimits.maxProperties { return ("properties", "at most \(EventLimits.maxProperties) properties") }
        for (name, value) in properties {
            if long(name, EventLimits.maxTypeLength) { return ("properties", "property names are at most \(EventLimits.maxTypeLength) characters") }
            if long(value, EventLimits.maxPropertyLength) {
                return ("properties.\(name)", "at most \(EventLimits.maxPropertyLength) characters")
            }
        }
        return nil
    }

    static func key(_ email: String) throws -> LeadKey {
        switch EmailAddress.identity(email) {
        case .success(let key): return key
        case .failure(let problem): throw APIProblem.badRequest("'\(email.prefix(254))' is not an email address: \(problem)", field: "email")
        }
    }

    /// The spec's bound on a model's text (characters, as JSON Schema counts them); ModelFile bounds its bytes too.
    static let maxModelSourceLength = 1 << 20

    static func checkSourceLength(_ source: String) throws {
        guard !source.isEmpty else { throw APIProblem.badRequest("the model's text is empty (see `qualify model show-default`)", field: "source") }
        guard source.unicodeScalars.count <= maxModelSourceLength else {
            throw APIProblem.badRequest("the model's text is longer than 1,048,576 characters; a model is a short YAML file", field: "source")
        }
    }

    static func parsedModel(_ json: Components.Schemas.ModelSource) throws -> (model: QualificationModel, source: String) {
        try checkSourceLength(json.source)
        switch ModelFile.parse(yaml: json.source, file: "source") {
        case .success(let (model, _)): return (model, json.source)
        case .failure(let issues):
            var problem = APIProblem.unprocessable("the model has \(issues.errors.count) error(s); the first: \(issues.errors.first?.description ?? "")",
                                                   field: "source")
            problem.errors = issues.issues.map(fieldError)
            throw problem
        }
    }

    static func fieldError(_ issue: ModelIssue) -> Components.Schemas.FieldError {
        .init(field: issue.path.isEmpty ? nil : issue.path, line: issue.line, column: issue.column,
              message: (issue.severity == .warning ? "warning: " : "") + issue.message)
    }

    static func field(of rejection: EventRejection) -> String {
        switch rejection {
        case .emptyID, .idTooLong, .reservedID: return "id"
        case .emptyType, .reservedType, .invalidType: return "type"
        case .inFuture, .invalidTimestamp: return "at"
        case .unknownLead, .invalidEmail: return "email"
        case .tooManyProperties, .propertyTooLong, .propertyNameTooLong: return "properties"
        case .nulCharacter(let field): return field == "event id" ? "id" : "properties"
        }
    }

    static func result(_ id: String, _ outcome: IngestOutcome) -> Components.Schemas.EventResult {
        switch outcome {
        case .applied: return .init(id: id, status: .applied)
        case .duplicate: return .init(id: id, status: .duplicate)
        case .rejected(let why): return .init(id: id, status: .rejected, reason: why.description)
        }
    }

    static func version(_ v: ModelVersion) -> Components.Schemas.ModelVersion {
        .init(version: v.version, name: v.model.name, activatedAt: v.activatedAt.date, source: v.source)
    }

    static func report(_ r: RescoreReport) -> Components.Schemas.RescoreReport {
        .init(leads: r.leads, stageChanged: r.stageChanged, gradeChanged: r.gradeChanged, temperatureChanged: r.temperatureChanged,
              stageMoves: .init(additionalProperties: r.stageMoves), gradeMoves: .init(additionalProperties: r.gradeMoves),
              examples: r.examples.map { e in
                  .init(email: e.email, stageBefore: .init(e.stage.before), stageAfter: .init(e.stage.after),
                        gradeBefore: .init(e.grade.before), gradeAfter: .init(e.grade.after),
                        engagementBefore: e.engagement.before.rounded(places: 4), engagementAfter: e.engagement.after.rounded(places: 4))
              })
    }

    /// The card document (`GET /leads/{email}`, and `qualify lead --format json`).
    static func card(_ view: LeadCardView) -> Components.Schemas.LeadCard {
        var json = card(view.card)
        json.emailCheck = check(view.emailCheck)
        json.priority = view.priority.map(priority)
        json.accountScore = view.account.map(account)
        json.prediction = view.chance.map { .init(probability: $0.probability.rounded(places: 4), up: $0.up.map(\.description),
                                                   down: $0.down.map(\.description), notes: $0.notes) }
        json.flags = view.flags.map { .init(rawValue: $0.rawValue)! }
        json.merges = view.merges.map { .init(at: $0.at.date, origin: $0.origin, changes: .init(additionalProperties: $0.changes)) }
        json.sla = view.sla.map { s in
            switch s {
            case .due(let due): return .init(status: due < view.card.asOf ? .overdue : .due, dueAt: due.date)
            case .met(let at, let due): return .init(status: .met, dueAt: due.date, touchedAt: at.date)
            case .late(let at, let due): return .init(status: .late, dueAt: due.date, touchedAt: at.date)
            }
        }
        return json
    }

    static func followUp(_ status: Nurture.Status, text: String) -> Components.Schemas.LeadCard.FollowUpPayload {
        switch status {
        case .due(_, let index, let count, let step, let at):
            return .init(status: .due, text: text, dueAt: at.date, step: index + 1, steps: count, channel: .init(rawValue: step.channel.rawValue),
                         offer: step.offer)
        case .finished: return .init(status: .finished, text: text)
        case .stopped: return .init(status: .stopped, text: text)
        case .suppressed: return .init(status: .suppressed, text: text)
        case .noCadence: return .init(status: .noCadence, text: text)
        }
    }

    static func ledgerLine(_ line: LeadCard.Line) -> Components.Schemas.LedgerLine {
        let e = line.entry
        return .init(kind: e.kind == .fit ? .fit : .engagement, rule: e.ruleID.description, group: e.group, points: Double(e.points),
                     valueNow: line.valueNow.rounded(places: 4), at: e.at.date, eventId: e.eventID.rawValue, eventType: e.eventType,
                     note: e.note)
    }

    static func card(_ c: LeadCard) -> Components.Schemas.LeadCard {
        .init(email: c.email, asOf: c.asOf.date, fields: .init(additionalProperties: c.fields), account: c.account, fitPoints: c.fitPoints,
              grade: .init(c.grade), engagement: c.engagement.rounded(places: 4), temperature: .init(c.temperature),
              groups: .init(additionalProperties: c.groups.mapValues { $0.rounded(places: 4) }), stage: .init(c.stage),
              stageHistory: c.stageHistory.map { s in
                  .init(from: .init(s.from), to: .init(s.to), at: s.at.date, reason: s.reason, by: s.by)
              },
              ledger: c.ledger.map(ledgerLine),
              nextOffers: c.nextOffers,
              nextOffer: c.nextOffer.map { .init(id: $0.offer.id, title: $0.offer.title, kind: $0.offer.kind, reason: $0.reason) },
              followUp: followUp(c.followUp, text: c.followUpText),
              events: c.events, lastActivity: c.lastActivity?.date,
              timeline: c.timeline.map { .init(at: $0.at.date, _type: $0.type, by: $0.by, text: $0.text) })
    }
}

/// Page cursors: opaque to callers (base64url of where the next page starts: a key, or an offset for a search or the
/// overdue list).
enum Cursor {
    enum Position {
        case offset(Int)
        case key(QueueKey)
    }

    static func make(offset: Int) -> String { encode("o:\(offset)") }

    /// A key cursor: the band, the amplitude's exact bits and the id of the page's last lead.
    static func make(key: QueueKey) -> String { encode(key.text) }

    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func position(_ cursor: String) throws -> Position {
        var b64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        let refused = APIProblem.badRequest("cursor '\(cursor.prefix(100))' is not one this server gave; start again without it", field: "cursor")
        guard cursor.count <= 1000, let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8) else { throw refused }
        if text.hasPrefix("o:"), let n = Int(text.dropFirst(2)), n >= 0, n <= 100_000_000 { return .offset(n) }
        if let key = QueueKey(text: text) { return .key(key) }
        throw refused
    }
}

extension Timestamp {
    init(date: Date) { self.init(millis: Int64((date.timeIntervalSince1970 * 1000).rounded())) }
    var date: Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}

extension Double {
    func rounded(places: Int) -> Double {
        guard isFinite else { return 0 }
        let f = pow(10, Double(places))
        return (self * f).rounded() / f
    }
}

extension Components.Schemas.Stage { init(_ s: Stage) { self.init(rawValue: s.rawValue)! } }
extension Components.Schemas.Grade { init(_ g: Grade) { self.init(rawValue: g.rawValue)! } }
extension Components.Schemas.Temperature { init(_ t: Temperature) { self.init(rawValue: t.rawValue)! } }
