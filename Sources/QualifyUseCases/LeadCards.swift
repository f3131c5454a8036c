import QualifyCore
import QualifyStore

/// Everything a lead's card shows, assembled in one place (``LeadCards/card(_:asOf:now:)``) for the API, the CLI and
/// the web pages: the scores and ledger from the lead's events under the active model (with the store's installed
/// lists), the email check (the installed hygiene lists), the checklist, the installed prediction and the flags.
public struct LeadCardView: Sendable, Hashable {
    public var card: LeadCard
    /// The active model's version number and name.
    public var modelVersion: Int
    public var modelName: String
    public var emailCheck: EmailVerification
    /// The model's checklist assessed on the lead's answers; nil when the model has no checklist.
    public var priority: PriorityAssessment?
    /// The installed prediction's chance and top factors; nil without one, or when it cannot score this lead
    /// (``chanceProblem`` says why).
    public var chance: ScoredRow?
    public var chanceProblem: String?
    /// Where grade, temperature, chance and stage disagree.
    public var flags: [SignalFlag]
    /// The merges that changed the lead's fields (an import or upsert over what was there), oldest first, up to the
    /// card's time (the latest ``LeadCards/shownMerges``): the audit of where each value came from.
    public var merges: [MergeRecord] = []
    /// The lead's account scored from its contacts now (``AccountCards``); nil without an account, for a card as of a
    /// past date, when the card was read for an export or a sort (`explain: false`), or when the account has more than
    /// ``AccountCards/cardContactLimit`` contacts (scoring reads every contact: its own card does that).
    public var account: AccountScore?
    /// The account the lead belongs to (domain, name, how many leads), scored or not.
    public var linkedAccount: Account?
    /// The lead's account, when it has too many contacts for its card to score it (``AccountCards/cardContactLimit``).
    public var accountTooLargeToScore: Account? {
        guard account == nil, let linked = linkedAccount, linked.leads > AccountCards.cardContactLimit else { return nil }
        return linked
    }
    /// The owner's SLA clock (``SLAClock``), when the model has one for the lead's stage and the lead was assigned.
    public var sla: SLAClock.Status? { card.sla }
}

/// The lead card use case: one function every shell calls, so a lead looks the same everywhere.
public struct LeadCards: Sendable {
    public let store: any QualifyStorage
    /// The installed hygiene lists' verifier (the card's email check).
    public let verifier: EmailVerifier
    /// The installed prediction model, if any.
    public let prediction: TrainedModel?
    /// Its scorer, made once (checking a tree model and laying out its explainer costs more than scoring a lead), or
    /// why the model cannot score.
    private let scorer: Result<Scorer, ScoringError>?

    public init(store: any QualifyStorage, verifier: EmailVerifier, prediction: TrainedModel?) {
        self.store = store
        self.verifier = verifier
        self.prediction = prediction
        scorer = prediction.map { model in Result { () throws(ScoringError) in try Scorer(model, headers: model.features.map(\.column)) } }
    }

    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case unknownLead(String)
        /// The lead had no history yet at the date asked for.
        case noHistory(String, Timestamp)

        public var description: String {
            switch self {
            case .unknownLead(let email): return "no lead with email '\(email)'"
            case .noHistory(let email, let at): return "'\(email)' had no history yet on \(at.isoDate)"
            }
        }
    }

    /// The time a card's `as of` text means: a date (`2026-03-01`) is the end of that day, a date-time itself; nil if
    /// the text is neither.
    public static func asOf(_ text: String) -> Timestamp? {
        guard let t = Timestamp(iso8601: text) else { return nil }
        return text.count == 10 ? t.adding(TimeSpan(millis: 86_400_000 - 1)) : t
    }

    /// The merges a card lists: the latest, oldest first (a lead upserted on every form post would grow its card without end).
    public static let shownMerges = 100

    /// The card of `key` as it stood at `asOf` (nil: now). `explain: false` leaves the chance's factors and the
    /// account's score out (an export or a sort needs the probability only).
    public func card(_ key: LeadKey, asOf: Timestamp?, now: Timestamp, explain: Bool = true) async throws -> LeadCardView {
        guard let record = try await store.lead(key) else { throw Problem.unknownLead(key.email) }
        guard let active = try await store.activeModel() else { throw StoreError.noActiveModel }
        let (model, engine) = try store.engines.cached(version: active.version) ?? store.engines.compile(active, lists: store.lists)
        let at = asOf ?? now
        let account = record.account.map { a in a.name.map { "\($0) (\(a.domain))" } ?? a.domain }
        let card = LeadCard.build(key: key, events: record.events, account: account, engine: engine, asOf: at, zone: SystemZones.rules)
        if card.events == 0 && asOf != nil { throw Problem.noHistory(key.email, at) }
        var chance: ScoredRow?
        var chanceProblem: String?
        if let prediction, let scorer {
            switch scorer {
            case .success(let scorer):
                chance = scorer.score(LeadPrediction.cells(for: prediction, fields: card.fields,
                                                           activity: LeadPrediction.activity(events: record.events, card: card, asOf: at)),
                                      explain: explain)
            case .failure(let error):
                chanceProblem = "\(error)"
            }
        }
        var accountScore: AccountScore?
        if explain, asOf == nil, let account = record.account, account.leads <= AccountCards.cardContactLimit {
            accountScore = try await AccountCards.score(store, domain: account.domain, now: at)
        }
        var emailCheck = verifier.verify(key.email)
        if card.suppressed == NurtureState.hardBounce {
            emailCheck.verdict = .invalid(.hardBounce)
            emailCheck.detail = HygieneReason.hardBounce.explanation
        }
        return LeadCardView(
            card: card, modelVersion: model.version, modelName: model.model.name, emailCheck: emailCheck,
            priority: model.model.checklist.map { PriorityAssessment.assess($0, events: record.events, asOf: at) },
            chance: chance, chanceProblem: chanceProblem,
            flags: SignalFlag.flags(grade: card.grade, temperature: card.temperature, stage: card.stage, probability: chance?.probability),
            merges: Array(record.merges.filter { $0.at <= at }.sorted { $0.at < $1.at }.suffix(Self.shownMerges)), account: accountScore,
            linkedAccount: record.account)
    }
}

extension LeadCardView {
    /// The lead as it goes back to a CRM (``CRMExport``): its fields and Qualify's decisions, from the same card the
    /// API, the CLI and the web show — one reading of grade, chance and next offer.
    public var exported: ExportedLead {
        ExportedLead(email: card.email, fields: card.fields, grade: card.grade, fitPoints: card.fitPoints, engagement: card.engagement,
                     temperature: card.temperature, stage: card.stage, checklistGrade: priority?.grade.rawValue,
                     chance: chance?.probability, nextOffer: card.nextOffer?.offer.id, lastActivity: card.lastActivity)
    }
}
