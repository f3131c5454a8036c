/// What an API key may do. Keys carry one role; the roles nest only where the product says so
/// (marketing does what sales does, admin does everything), never by accident of ordering.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// Web forms, tracking scripts, CRMs and ESPs: post events and upsert leads, nothing else.
    case ingest
    /// Reads leads and moves stages.
    case sales
    /// What sales does, and manages the model.
    case marketing
    /// Everything.
    case admin

    public var permissions: Set<Permission> {
        switch self {
        case .ingest: return [.writeEvents, .writeLeads, .verifyEmails]
        case .sales: return [.readLeads, .moveStages, .verifyEmails]
        case .marketing: return Role.sales.permissions.union([.readModel, .manageModel, .exportLeads])
        case .admin: return Set(Permission.allCases)
        }
    }

    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// The roles that hold a permission, weakest first, for error messages ("needs the sales, marketing or admin role").
    public static func holding(_ permission: Permission) -> [Role] { allCases.filter { $0.allows(permission) } }

    public var summary: String {
        switch self {
        case .ingest: return "posts events and upserts leads"
        case .sales: return "reads leads and moves stages"
        case .marketing: return "reads leads, moves stages, manages the model and exports every lead"
        case .admin: return "everything"
        }
    }
}

/// One thing an API call does, checked against the caller's role.
public enum Permission: String, Sendable, Hashable, Codable, CaseIterable {
    case writeEvents = "write events"
    case writeLeads = "upsert leads"
    case readLeads = "read leads"
    case moveStages = "move stages"
    case readModel = "read the model"
    case manageModel = "manage the model"
    /// every lead at once, with its fields (`GET /leads/export`)
    case exportLeads = "export every lead"
    /// Check addresses (list hygiene): reads nothing stored, so every role may.
    case verifyEmails = "verify email addresses"
    /// Prometheus scraping (admin only: the four roles are the issue's; a narrower monitoring role may come later).
    case readMetrics = "read metrics"
    /// Webhook subscriptions, their secrets and delivery log (admin only: a subscription sends lead data out).
    case manageWebhooks = "manage webhooks"
    /// Web app users and API keys (admin only).
    case manageUsers = "manage users and API keys"
}

extension Array where Element == Role {
    /// "sales, marketing or admin".
    public var spokenList: String {
        let names = map(\.rawValue)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
