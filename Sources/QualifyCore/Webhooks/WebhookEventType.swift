/// What a webhook tells a subscriber. A subscription names the types it wants; each outbox message becomes one
/// delivery per type it carries and per subscription that wants it (``WebhookPlan``).
public enum WebhookEventType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Any stage move, automatic or a person's: from, to, reason, by.
    case stageChanged = "lead.stage_changed"
    /// The hand-off: a lead became sales qualified (with its summary, the reason and the top ledger lines).
    case becameSQL = "lead.became_sql"
    /// A deal's outcome, won or lost (a person's `win` or `lose`).
    case outcome = "lead.outcome"
    /// A lead given to a salesperson (routing or a person's reassignment): the owner and why.
    case assigned = "lead.assigned"
    /// The owner did not act by the SLA's due time: an escalation step fired (remind, tell the manager, reassign).
    case slaBreached = "lead.sla_breached"
    /// A step of a lead's follow-up cadence fell due (the model's `follow_up:`): the step, its channel and offer.
    case followUpDue = "followup.due"
    /// `qualify webhooks test`: checks a subscription end to end.
    case ping

    /// The types a subscription can ask for (ping is sent on request, to one subscription).
    public static var subscribable: [WebhookEventType] { allCases.filter { $0 != .ping } }

    /// A short form for message ids (`msg_42_sql`).
    public var tag: String {
        switch self {
        case .stageChanged: return "stage"
        case .becameSQL: return "sql"
        case .outcome: return "outcome"
        case .assigned: return "assigned"
        case .slaBreached: return "sla"
        case .followUpDue: return "followup"
        case .ping: return "ping"
        }
    }
}

/// How a subscription's messages are written.
public enum WebhookFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Standard Webhooks (standardwebhooks.com): a JSON body `{type, timestamp, data}` signed with the
    /// subscription's secret in the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
    case standard
    /// A chat message (`{"text": …}`) that a Slack or Mattermost incoming webhook accepts, signed the same way.
    case slack
}
