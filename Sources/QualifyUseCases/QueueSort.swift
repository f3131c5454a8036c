import QualifyCore
import QualifyStore

/// What orders the sales queue besides its default priority: the predicted chance, the checklist's share met, or a
/// score group's engagement now — highest first, ties in priority order.
public enum QueueSort: Sendable, Hashable {
    case priority
    case chance
    case checklist
    /// A score group's engagement now (the model's `engagement.groups`; `main` without a name).
    case engagement(group: String)

    /// From `priority`, `chance`, `checklist`, `engagement` or `engagement:GROUP`; nil otherwise.
    public init?(text: String) {
        let lower = text.lowercased()
        switch lower {
        case "priority": self = .priority
        case "chance": self = .chance
        case "checklist": self = .checklist
        case "engagement": self = .engagement(group: EngagementSection.mainGroup)
        default:
            guard lower.hasPrefix("engagement:"), text.count > "engagement:".count else { return nil }
            self = .engagement(group: String(text.dropFirst("engagement:".count)))
        }
    }

    public static let words = "priority (the default), chance, checklist, or engagement:GROUP"

    /// The sort as ``init(text:)`` reads it back (a column's name).
    public var text: String {
        switch self {
        case .priority: return "priority"
        case .chance: return "chance"
        case .checklist: return "checklist"
        case .engagement(let group): return "engagement:\(group)"
        }
    }

    /// The most leads a sort other than priority reads (each one's card): past it, the filters must narrow the queue.
    public static let maxLeads = 5_000
}

/// A lead of a sorted queue with the value it was sorted by (nil: it has none — no chance, no answer — and sorts last).
public struct SortedLead: Sendable, Hashable {
    public var lead: LeadSummary
    public var value: Double?
    /// The value as shown: `34.5 %`, `P2 (55 %)`, `12.3`.
    public var shown: String
}

extension LeadCards {
    public enum SortProblem: Error, Sendable, Hashable, CustomStringConvertible {
        /// More leads match than a sort reads.
        case tooMany(atLeast: Int)
        case noPrediction
        case noChecklist
        case unknownGroup(String, groups: [String])

        public var description: String {
            switch self {
            case .tooMany(let n):
                return "more than \(n) leads match; sorting by anything but priority reads each lead's card, at most \(QueueSort.maxLeads): narrow the queue with a stage, grade, temperature or owner"
            case .noPrediction:
                return "no prediction model is installed, so leads have no chance to sort by; install one with `qualify predict --install MODEL.json`"
            case .noChecklist: return "the active model has no checklist to sort by (add a checklist: section)"
            case .unknownGroup(let g, let groups): return "no score group '\(g)'; the model's groups are \(groups.joined(separator: ", "))"
            }
        }
    }

    /// The queue `query` keeps, ordered by `sort` at `now` (``QueueSort/priority``: the queue itself), a page of
    /// `query.limit` from `query.offset`. Any other sort reads every matching lead's card — at most
    /// ``QueueSort/maxLeads`` of them, else ``SortProblem/tooMany(atLeast:)``.
    public func sortedQueue(_ query: QueueQuery, by sort: QueueSort, now: Timestamp) async throws -> [SortedLead] {
        guard let active = try await store.activeModel() else { throw StoreError.noActiveModel }
        switch sort {
        case .priority:
            return try await store.queue(query, now: now).map { SortedLead(lead: $0, value: nil, shown: "") }
        case .chance: if prediction == nil { throw SortProblem.noPrediction }
        case .checklist: if active.model.checklist == nil { throw SortProblem.noChecklist }
        case .engagement(let group):
            if active.model.engagement.group(group) == nil {
                throw SortProblem.unknownGroup(group, groups: active.model.engagement.groups.map(\.id))
            }
        }
        // every matching lead, in priority order (ties keep it)
        var all = query
        all.limit = 1_000
        all.offset = 0
        var candidates: [LeadSummary] = []
        var after: QueueKey?
        while true {
            let page = try await store.queuePage(all, after: after, now: now)
            candidates += page.leads
            if candidates.count > QueueSort.maxLeads { throw SortProblem.tooMany(atLeast: QueueSort.maxLeads) }
            if let next = page.next {
                after = next
            } else if page.keys.isEmpty, page.leads.count == all.limit {
                all.offset += all.limit  // a search or the overdue list pages by offset
            } else {
                break
            }
        }
        var ranked: [SortedLead] = []
        ranked.reserveCapacity(candidates.count)
        for lead in candidates {
            guard case .success(let key) = EmailAddress.identity(lead.email) else { continue }
            let view: LeadCardView
            do { view = try await card(key, asOf: nil, now: now, explain: false) } catch Problem.unknownLead { continue }
            switch sort {
            case .priority: break
            case .chance:
                let p = view.chance?.probability
                ranked.append(SortedLead(lead: lead, value: p, shown: p.map { "\(($0 * 100).formatted(1)) %" } ?? "—"))
            case .checklist:
                let a = view.priority
                ranked.append(SortedLead(lead: lead, value: a?.score, shown: a.map { "\($0.grade.rawValue) (\(Int(($0.score * 100).rounded())) %)" } ?? "—"))
            case .engagement(let group):
                let value = group == EngagementSection.mainGroup ? view.card.engagement : view.card.groups[group] ?? 0
                ranked.append(SortedLead(lead: lead, value: value, shown: value.formatted(1)))
            }
        }
        // highest first; no value last; ties in priority order (a stable sort)
        let order = ranked.enumerated().sorted { a, b in
            switch (a.element.value, b.element.value) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
        return Array(order.dropFirst(max(0, query.offset)).prefix(max(0, query.limit)))
    }
}
