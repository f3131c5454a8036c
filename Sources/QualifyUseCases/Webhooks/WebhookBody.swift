import Foundation
import QualifyCore
import QualifyStore

/// What a webhook says, decided once for every sender: Standard Webhooks' `{"type", "timestamp", "data"}` with the
/// event's data, or, for a chat subscription, `{"text": …}`.
public struct WebhookData: Sendable, Hashable, Codable {
    public var lead: String?
    public var from: String?
    public var to: String?
    public var reason: String?
    public var by: String?
    public var at: String
    /// The lead's card in the web app or the API (when the server knows its public address).
    public var link: String?
    /// `won` or `lost` (lead.outcome).
    public var outcome: String?
    /// The hand-off's summary (lead.became_sql).
    public var summary: Summary?
    /// The subscription a ping tests.
    public var subscription: String?
    /// The salesperson's id in the model's team (lead.assigned, lead.sla_breached).
    public var owner: String?
    /// lead.sla_breached: the step (from 1), what it does, when the owner was due, whom it tells.
    public var step: Int?
    public var action: String?
    public var due: String?
    public var notify: String?
    /// followup.due: the stage, the channel (email, call, task), the offer to make (step, due and owner above).
    public var stage: String?
    public var channel: String?
    public var offer: String?
    public var steps: Int?

    public struct Summary: Sendable, Hashable, Codable {
        public var name: String?
        public var company: String?
        public var jobTitle: String?
        public var grade: String
        public var fitPoints: Int
        public var temperature: String
        public var engagement: Double
        public var stage: String
        public var chance: Double?
        /// The ledger's lines worth most now (at most five).
        public var topReasons: [Reason]
        enum CodingKeys: String, CodingKey {
            case name, company, jobTitle = "job_title", grade, fitPoints = "fit_points", temperature, engagement, stage, chance
            case topReasons = "top_reasons"
        }
    }

    public struct Reason: Sendable, Hashable, Codable {
        public var rule: String
        public var kind: String
        public var points: Int
        public var worthNow: Double
        enum CodingKeys: String, CodingKey { case rule, kind, points, worthNow = "worth_now" }
    }

    /// The data of an outbox event as `type`; the hand-off's summary comes from the lead's card.
    public init(_ type: WebhookEventType, event: OutboxEvent, card: LeadCardView?, link: String?) {
        switch event {
        case .stageChanged(let lead, let change, let outcome):
            self.lead = lead
            from = change.from.rawValue
            to = change.to.rawValue
            reason = change.reason
            by = change.by
            at = change.at.iso8601
            self.link = link
            self.outcome = type == .outcome ? outcome.map { $0 ? "won" : "lost" } : nil
            summary = type == .becameSQL ? card.map(Self.summary) : nil
        case .slaBreached(let lead, let owner, let step, let action, let due, let notify, let at):
            self.lead = lead
            self.owner = owner
            self.step = step + 1
            self.action = action
            self.due = due.iso8601
            self.notify = notify
            self.by = "sla"
            self.at = at.iso8601
            self.link = link
        case .followUpDue(let lead, let stage, let step, let steps, let channel, let offer, let owner, let due, let at):
            self.lead = lead
            self.stage = stage.rawValue
            self.step = step
            self.steps = steps
            self.channel = channel
            self.offer = offer
            self.owner = owner
            self.due = due.iso8601
            self.by = "follow_up"
            self.at = at.iso8601
            self.link = link
        case .assigned(let lead, let owner, let reason, let by, let at, _):
            self.lead = lead
            self.owner = owner
            self.reason = reason
            self.by = by
            self.at = at.iso8601
            self.link = link
        }
    }

    /// A ping's data.
    public init(ping subscription: String, at: Timestamp) {
        self.subscription = subscription
        self.at = at.iso8601
    }

    static func summary(_ view: LeadCardView) -> Summary {
        let c = view.card
        let top = c.ledger.sorted { abs($0.valueNow) > abs($1.valueNow) }.prefix(5).map { line in
            Reason(rule: line.entry.ruleID.description, kind: line.entry.kind.rawValue, points: line.entry.points,
                   worthNow: (line.valueNow * 100).rounded() / 100)
        }
        return Summary(name: LeadFields.personName(c.fields), company: c.fields["company"], jobTitle: c.fields["job_title"],
                       grade: c.grade.rawValue, fitPoints: c.fitPoints, temperature: c.temperature.rawValue,
                       engagement: (c.engagement * 100).rounded() / 100, stage: c.stage.rawValue,
                       chance: view.chance.map { ($0.probability * 1000).rounded() / 1000 }, topReasons: Array(top))
    }

    /// One line a person reads in a chat: "New SQL: Ada Lovelace (Acme, grade A, hot) — demo request. <link>". What a
    /// lead wrote (name, company, reason) is escaped (`&`, `<`, `>`), so form input cannot ping a channel or plant a link.
    public func chatText(_ type: WebhookEventType) -> String {
        func e(_ text: String?) -> String? {
            text.map { $0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;") }
        }
        let who = e(lead) ?? "a lead"
        let linkText = link.map { " <\($0)>" } ?? ""
        let why = e(reason) ?? ""
        switch type {
        case .becameSQL:
            let facts = [e(summary?.company), summary.map { "grade \($0.grade)" }, summary?.temperature].compactMap { $0 }.joined(separator: ", ")
            return "New SQL: \(e(summary?.name) ?? who)\(facts.isEmpty ? "" : " (\(facts))") — \(why).\(linkText)"
        case .outcome:
            return "Deal \(outcome ?? "decided"): \(who) — \(why).\(linkText)"
        case .stageChanged:
            return "\(who): \(from ?? "?") → \(to ?? "?") — \(why).\(linkText)"
        case .assigned:
            return "Lead \(who) assigned to \(e(owner) ?? "?") — \(why).\(linkText)"
        case .slaBreached:
            let tell = notify.map { " — telling \(e($0) ?? "")" } ?? ""
            return "SLA missed: \(who) (owner \(e(owner) ?? "?"), due \(due ?? "?")), step \(step ?? 0): \(action ?? "?")\(tell).\(linkText)"
        case .followUpDue:
            let with = offer.map { " with \(e($0) ?? "")" } ?? ""
            let owner = self.owner.map { " (owner \(e($0) ?? ""))" } ?? ""
            return "Follow-up due: \(who)\(owner), \(stage?.uppercased() ?? "?") step \(step ?? 0) of \(steps ?? 0): \(channel ?? "?")\(with), due \(due ?? "?").\(linkText)"
        case .ping:
            return "Qualify webhook test for \(e(subscription) ?? "a subscription")"
        }
    }
}

public enum WebhookBody {
    struct Envelope: Encodable {
        var type: String
        var timestamp: String
        var data: WebhookData
    }

    struct Chat: Encodable {
        var text: String
    }

    /// The body to send: the Standard Webhooks envelope, or a chat message.
    public static func encode(_ type: WebhookEventType, format: WebhookFormat, data: WebhookData, at: Timestamp) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch format {
        case .standard: return try encoder.encode(Envelope(type: type.rawValue, timestamp: at.iso8601, data: data))
        case .slack: return try encoder.encode(Chat(text: data.chatText(type)))
        }
    }
}
