import QualifyCore
import QualifyStore

/// A follow-up step announced as due (a `followup.due` message).
public struct FollowUpAnnouncement: Sendable, Hashable {
    public var lead: String
    public var stage: Stage
    /// From 1.
    public var step: Int
    public var steps: Int
    public var offer: String?
}

extension LeadStore {
    /// Announces every follow-up step due at `now` (at most `limit` leads; ``LeadStore/followUpsToAnnounce(at:limit:)``):
    /// for each, a `nurture.due` event in the lead's log with an id made of the lead, the cadence's start and the step —
    /// so a step is announced once, however many servers run this — and a `followup.due` message, in one transaction.
    /// A lead whose address `verifier` rejects (``Nurture/addressHold(_:)``) is passed over: it gets no follow-up.
    /// A lead that fails (its stored state unreadable) does not stop the others: it is reported in `failed`.
    public func announceFollowUps(now: Timestamp, verifier: EmailVerifier, limit: Int = 500)
        async throws -> (announced: [FollowUpAnnouncement], failed: [(lead: String, error: String)]) {
        var announced: [FollowUpAnnouncement] = []
        var failed: [(lead: String, error: String)] = []
        for key in try await followUpsToAnnounce(at: now, limit: limit) {
            do {
                if let done = try await announceFollowUp(key, now: now, held: Nurture.addressHold(verifier.verify(key.email))) {
                    announced.append(done)
                }
            } catch {
                failed.append((key.email, "\(error)"))
            }
        }
        return (announced, failed)
    }

    /// `held`: why the address is rejected, if it is: the step is recorded as passed over (so the scan moves on), with
    /// why, and no message goes out.
    func announceFollowUp(_ key: LeadKey, now: Timestamp, held: String?) async throws -> FollowUpAnnouncement? {
        let (lists, engines) = (self.lists, self.engines)
        return try await transaction { tx -> FollowUpAnnouncement? in
            guard let lead = try await tx.lockLeads([key])[key] else { return nil }
            let (model, engine) = try await engines.current(tx, lists: lists)
            let state = try lead.state()
            /// The projection written again from the state, so the scan moves on from this lead.
            func rewrite() async throws {
                try await tx.writeLeads([LeadWrite(lead: lead, projection: LeadProjection(state: state, model: model.model), changes: [])],
                                        modelVersion: model.version, at: now)
            }
            guard case .due(let stage, let index, let count, let step, let due) = Nurture.status(state, model: model.model),
                  state.nurture.announced <= index, due <= now, let start = state.nurture.cadenceStart else {
                // nothing to announce after all (the row was written under another model): written again
                try await rewrite()
                return nil
            }
            let id = EventID("$followup:\(lead.id):\(start.millis):\(index + 1)")   // event ids are unique across leads
            var properties = ["stage": stage.rawValue, "step": String(index + 1)]
            if let held { properties["held"] = held }
            let event = Event(id: id, lead: key, at: now, kind: .activity(type: Nurture.dueEventType, properties: properties))
            guard try await tx.appendEvents([EventRow(event: event, leadID: lead.id)], receivedAt: now).contains(id) else {
                try await rewrite()
                return nil
            }
            var offer = step.offer
            if offer == FollowUpStep.bestOffer {
                offer = Nurture.nextOffer(state, model: model.model, now: now) { engine.fits($0, state: state) }?.offer.id
            }
            var write = try await Fold.apply([event], to: lead, engine: engine, model: model, in: tx)
            if held != nil {
                try await tx.writeLeads([write], modelVersion: model.version, at: now)
                return nil
            }
            write.messages.append(.followUpDue(lead: key.email, stage: stage, step: index + 1, steps: count, channel: step.channel.rawValue,
                                               offer: offer, owner: state.fields["owner"], due: due, at: now))
            try await tx.writeLeads([write], modelVersion: model.version, at: now)
            return FollowUpAnnouncement(lead: key.email, stage: stage, step: index + 1, steps: count, offer: offer)
        }
    }
}
