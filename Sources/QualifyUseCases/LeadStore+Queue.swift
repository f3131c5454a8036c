import Foundation
import QualifyCore
import QualifyStore

extension LeadStore {
    /// The sales queue: the leads `query` keeps, by priority at `now` (``QueueOrder``: grade × temperature, then
    /// engagement now, then email). Without a stage filter, leads already won (customer) or disqualified are left out.
    /// `overdue`: only leads whose SLA due time has passed untouched, the longest overdue first.
    public func queue(_ query: QueueQuery, now: Timestamp) async throws -> [LeadSummary] {
        guard let model = try await activeModel() else { throw StoreError.noActiveModel }
        let order = QueueOrder(model: model.model, now: now)
        let amplitudes: (min: Double?, below: Double?) = query.temperature.map(order.amplitudes) ?? (nil, nil)
        let filter = QueueFilter(stage: query.stage, excludedStages: QueueQuery.closedStages, grade: query.grade,
                                 minAmplitude: amplitudes.min, belowAmplitude: amplitudes.below, updatedSince: query.updatedSince,
                                 owner: query.owner, dueBy: query.overdue ? now : nil, unassigned: query.unassigned,
                                 matching: query.search.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : QueueFilter.likePattern(containing: $0) })
        return try await queueRows(filter, order: order, limit: max(0, query.limit), offset: max(0, query.offset)).map { row in
            LeadSummary(email: row.email, name: row.name, company: row.company, grade: row.grade, fitPoints: row.fitPoints,
                        engagement: order.engagement(amplitude: row.amplitude), temperature: order.temperature(amplitude: row.amplitude),
                        stage: row.stage, lastActivity: row.lastActivity, owner: row.owner, dueAt: row.dueAt)
        }
    }
}

extension QueueQuery {
    /// The stages the default queue leaves out: nothing more to qualify.
    public static let closedStages: [Stage] = [.disqualified, .customer]
}

extension LeadStore {
    /// Open leads (not customers or disqualified) by grade and temperature at `now`: the queue's bands, counted.
    public func priorityMatrix(now: Timestamp) async throws -> [BandCount] {
        guard let model = try await activeModel() else { throw StoreError.noActiveModel }
        let order = QueueOrder(model: model.model, now: now)
        return try await bandCounts(excludedStages: QueueQuery.closedStages, hotAmplitude: order.hotAmplitude, warmAmplitude: order.warmAmplitude)
    }
}
