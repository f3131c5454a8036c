import QualifyCore
import QualifyStore

/// Which deliveries an outbox message makes, decided once: the webhook event types it carries, each to every enabled
/// subscription that asked for that type.
public enum WebhookPlan {
    /// The event types a message carries: every stage move is `lead.stage_changed`; a move into SQL is also
    /// `lead.became_sql` (the hand-off); a win or loss is also `lead.outcome`; an assignment is `lead.assigned`.
    public static func eventTypes(of event: OutboxEvent) -> [WebhookEventType] {
        switch event {
        case .stageChanged(_, let change, let outcome):
            var types: [WebhookEventType] = [.stageChanged]
            if change.to == .sql { types.append(.becameSQL) }
            if outcome != nil { types.append(.outcome) }
            return types
        case .assigned:
            return [.assigned]
        case .slaBreached:
            return [.slaBreached]
        case .followUpDue:
            return [.followUpDue]
        }
    }

    /// The deliveries of `messages` to `subscriptions`, in message order: to each subscription that wants the type,
    /// enabled or not (a disabled one's wait until it is enabled), for the messages made since it was.
    public static func deliveries(_ messages: [OutboxMessage], _ subscriptions: [WebhookSubscription]) -> [NewDelivery] {
        var out: [NewDelivery] = []
        for message in messages {
            guard let event = message.event else { continue }
            let lead = event.lead
            for type in eventTypes(of: event) {
                for subscription in subscriptions where subscription.events.contains(type) && message.createdAt >= subscription.createdAt {
                    out.append(NewDelivery(messageID: message.id, subscriptionID: subscription.id, eventType: type, lead: lead))
                }
            }
        }
        return out
    }

    /// What becomes of a delivery after an attempt: delivered on a 2xx; otherwise pending again after the retry
    /// schedule's wait, or failed after the last attempt (its subscription is then flagged).
    public static func after(_ attempt: WebhookAttempt, attemptsBefore: Int, jitter: Double) -> (state: DeliveryState, nextAt: Timestamp?) {
        if attempt.succeeded { return (.delivered, nil) }
        guard let next = WebhookRetry.next(after: attemptsBefore + 1, at: attempt.at, jitter: jitter) else { return (.failed, nil) }
        return (.pending, next)
    }
}
