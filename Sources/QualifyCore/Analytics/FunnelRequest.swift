/// A funnel asked for in words — from, to and group-by as a person types them in a command, a query or a form — read
/// once for every shell: a date means 00:00 UTC for `from` and the end of that day for `to`; an empty value is no value.
public struct FunnelRequest: Sendable, Hashable {
    public var options: FunnelOptions
    public var group: FunnelGroup?

    /// What is wrong with a value, naming it (`from`, `to` or `by`).
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case notADate(field: String, text: String)
        case notBefore(from: String, to: String)
        case notAGroup(String)

        public var field: String {
            switch self {
            case .notADate(let field, _): return field
            case .notBefore: return "from"
            case .notAGroup: return "by"
            }
        }

        public var description: String {
            switch self {
            case .notADate(let field, let text):
                return "\(field) '\(text.prefix(40))' is not a date: write it as YYYY-MM-DD (UTC) or YYYY-MM-DDTHH:MM:SSZ"
            case .notBefore(let from, let to):
                return "from \(from.prefix(40)) is not before to \(to.prefix(40))"
            case .notAGroup(let text):
                return "by '\(text.prefix(40))' is not a group: name a field (lead_source, industry …; no field name has a quote or a backslash), owner, grade or month"
            }
        }
    }

    public init(from: String?, to: String?, by: String?, now: Timestamp) throws(Problem) {
        func time(_ text: String?, _ field: String, endOfDay: Bool) throws(Problem) -> Timestamp? {
            guard let text = text?.trimmingSpaces, !text.isEmpty else { return nil }
            guard let t = Timestamp(iso8601: text) else { throw .notADate(field: field, text: text) }
            return endOfDay && text.count == 10 ? t.adding(.days(1)) : t
        }
        let start = try time(from, "from", endOfDay: false)
        let end = try time(to, "to", endOfDay: true) ?? FunnelOptions.end(now: now)
        if let start, start >= end { throw .notBefore(from: from ?? "", to: to ?? "now") }
        options = FunnelOptions(from: start, to: end)
        if let by = by?.trimmingSpaces, !by.isEmpty {
            guard let g = FunnelGroup(text: by) else { throw .notAGroup(by) }
            group = g
        }
    }
}
