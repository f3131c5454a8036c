import Foundation
import QualifyCore
import QualifyStore

/// A page of the queue and where the next one starts.
public struct QueuePage: Sendable, Hashable {
    public var leads: [LeadSummary]
    /// Each lead's key, in order (a page's `after` may be any of them); empty for a page read by offset.
    public var keys: [QueueKey]
    /// The key to pass as `after` for the next page; nil on the last page, or for a page read by offset (a text
    /// search or the overdue list: pages by ``QueueQuery/offset``).
    public var next: QueueKey?
    public init(leads: [LeadSummary], keys: [QueueKey], next: QueueKey?) {
        self.leads = leads
        self.keys = keys
        self.next = next
    }
}

extension LeadStore {
    /// The sales queue: the leads `query` keeps, by priority at `now` (``QueueOrder``: grade × temperature, then
    /// engagement now, then the order leads were created) within each stage group of `query.stages` — by default the
    /// SQLs, then the MQLs (``QueueStages/actionable``).
    /// `overdue`: only leads whose SLA due time has passed untouched, the longest overdue first.
    public func queue(_ query: QueueQuery, now: Timestamp) async throws -> [LeadSummary] {
        try await queuePage(query, after: nil, now: now).leads
    }

    /// A page of the queue starting after `after` (the previous page's ``QueuePage/next``), or at `query.offset`.
    ///
    /// Read as bands: the bands of ``QueueOrder/bands`` in order, each a range of one grade's amplitudes read off the
    /// band index (``LeadStore/queueBand(_:gradeRank:minAmplitude:belowAmplitude:after:limit:)``) until the page is
    /// full, so a page reads about its own leads whatever the size of the table. A text search and the overdue list
    /// (ordered by due time) read with ``LeadStore/queueRows(_:order:limit:offset:)`` instead.
    public func queuePage(_ query: QueueQuery, after: QueueKey?, now: Timestamp) async throws -> QueuePage {
        guard let model = try await activeModel() else { throw StoreError.noActiveModel }
        let order = QueueOrder(model: model.model, now: now)
        let amplitudes: (min: Double?, below: Double?) = query.temperature.map(order.amplitudes) ?? (nil, nil)
        let search = query.search.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let groups: [[Stage]?] = query.stages.groups.map { $0.map { [$0] } } ?? [nil]
        let filter = QueueFilter(stages: query.stages.groups, excludedStages: query.stages.excluded, grade: query.grade,
                                 minAmplitude: amplitudes.min, belowAmplitude: amplitudes.below, updatedSince: query.updatedSince,
                                 owner: query.owner, dueBy: query.overdue ? now : nil, unassigned: query.unassigned,
                                 matching: search.map(QueueFilter.likePattern(containing:)))
        func summary(_ row: QueueRow) -> LeadSummary {
            LeadSummary(email: row.email, name: row.name, company: row.company, grade: row.grade, fitPoints: row.fitPoints,
                        engagement: order.engagement(amplitude: row.amplitude), temperature: order.temperature(amplitude: row.amplitude),
                        stage: row.stage, lastActivity: row.lastActivity, owner: row.owner, dueAt: row.dueAt)
        }
        let limit = max(0, query.limit)
        // a deep offset without a key is read by the one query (SQL's OFFSET: constant memory), not walked through
        if query.overdue || search != nil || (after == nil && query.offset > QueueQuery.walkedOffset) {
            let rows = try await queueRows(filter, order: order, limit: limit, offset: max(0, query.offset))
            return QueuePage(leads: rows.map(summary), keys: [], next: nil)
        }
        // an offset without a key is read through (a page at offset N reads N + limit index entries)
        let wanted = after == nil ? max(0, query.offset) + limit : limit
        var rows: [(row: QueueRow, group: Int, band: Int)] = []
        // each stage group in turn (SQL, then MQL), each walked band by band
        for (group, stages) in groups.enumerated() where rows.count < wanted {
            if let after, group < after.group { continue }
            var groupFilter = filter
            groupFilter.stages = stages
            let groupAfter = after?.group == group ? after : nil
            for (position, band) in QueueOrder.bands.enumerated() where rows.count < wanted {
                if let groupAfter, position < groupAfter.band { continue }
                if let grade = query.grade, grade != band.grade { continue }
                if let temperature = query.temperature, temperature != band.temperature { continue }
                let range = order.amplitudes(band.temperature)
                let found = try await queueBand(groupFilter, gradeRank: band.grade.rank, minAmplitude: range.min, belowAmplitude: range.below,
                                                after: groupAfter?.band == position ? groupAfter : nil, limit: wanted - rows.count)
                rows += found.map { ($0, group, position) }
            }
        }
        let page = after == nil ? Array(rows.dropFirst(max(0, query.offset))) : rows
        let keys = page.map { QueueKey(group: $0.group, band: $0.band, amplitude: $0.row.amplitude, id: $0.row.id) }
        return QueuePage(leads: page.map { summary($0.row) }, keys: keys, next: page.count == limit && limit > 0 ? keys.last : nil)
    }
}

extension QueueQuery {
    /// The deepest offset read through the band walk (which holds offset + limit rows); deeper pages by offset use the
    /// one query, pages by key any depth.
    public static let walkedOffset = 5_000

    /// The stages the default queue leaves out: nothing more to qualify.
    public static let closedStages: [Stage] = QueueStages.open.excluded
}

extension LeadStore {
    /// Open leads (not customers or disqualified) by grade and temperature at `now`: the queue's bands, counted.
    public func priorityMatrix(now: Timestamp) async throws -> [BandCount] {
        guard let model = try await activeModel() else { throw StoreError.noActiveModel }
        let order = QueueOrder(model: model.model, now: now)
        var out: [BandCount] = []
        // each band counted off the band index, less its closed leads (read through the stage index)
        for band in QueueOrder.bands {
            let range = order.amplitudes(band.temperature)
            let all = try await countBand(gradeRank: band.grade.rank, minAmplitude: range.min, belowAmplitude: range.below, stages: nil)
            let closed = all == 0 ? 0 : try await countBand(gradeRank: band.grade.rank, minAmplitude: range.min, belowAmplitude: range.below,
                                                               stages: QueueQuery.closedStages)
            out.append(BandCount(grade: band.grade, temperature: band.temperature, leads: all - closed))
        }
        return out
    }
}
