import Foundation
import QualifyCore

/// The values of a lead row's projection columns — what the queue filters and orders by, and the state blob — for a
/// state under a model. Computed once here, so every store writes the same columns from the same state.
public struct LeadProjection: Sendable, Hashable {
    public var fitPoints: Int
    public var grade: Grade
    public var stage: Stage
    /// The main engagement group's amplitude against ``Decay/epoch`` (the queue reads temperature off it at `now`).
    public var engagementAmplitude: Double
    public var lastActivity: Timestamp?
    /// The latest folded event's time and id (where an in-order fold continues from).
    public var lastAt: Timestamp?
    public var lastID: EventID?
    public var name: String?
    public var company: String?
    public var owner: String?
    /// When the owner must have acted (``SLAClock``): set while the lead's SLA clock runs, in the owner's calendar.
    public var dueAt: Timestamp?
    /// When the SLA's next escalation step fires (``SLAClock/nextEscalation(of:handoff:zone:)``), while one is pending.
    public var escalateAt: Timestamp?
    /// When the lead's next follow-up step is due (``Nurture/status(_:model:)``), while its stage's cadence runs.
    public var followUpAt: Timestamp?
    /// Why the lead never gets a follow-up (unsubscribed, a hard bounce), if so.
    public var followUpHold: String?
    /// When the due step is to be announced (``Nurture/announceAt(_:model:)``), until it has been.
    public var followUpAnnounceAt: Timestamp?
    public var state: Data

    public init(state: LeadState, model: QualificationModel) {
        let f = state.fields
        fitPoints = state.fitPoints
        grade = state.grade
        stage = state.stage
        engagementAmplitude = state.mainAmplitude(model)
        lastActivity = state.lastActivity
        lastAt = state.last?.at
        lastID = state.last?.id
        name = LeadFields.personName(f)
        company = f["company"]
        owner = f["owner"]
        dueAt = state.assignedAt == nil ? nil : SLAClock.dueAt(state, handoff: model.handoff, zone: SystemZones.rules)
        escalateAt = dueAt == nil ? nil : SLAClock.nextEscalation(of: state, handoff: model.handoff, zone: SystemZones.rules)?.at
        followUpAt = Nurture.status(state, model: model).dueAt
        followUpHold = state.nurture.suppressed
        followUpAnnounceAt = Nurture.announceAt(state, model: model)
        self.state = Data(LeadStateCodec.encode(state))
    }
}
