/// Whose fault a failed operation is, and what the caller may do — the one error taxonomy every shell maps to its
/// own words (the API to a status and problem document, the web app to a page, the CLI to an exit message).
///
/// The rule: a ``StoreError`` names its kind; anything else a store or the system throws (SQLite busy past its
/// timeout, disk full, a read-only file, a PostgreSQL connection lost mid-query) is ours and passing — `unavailable`,
/// retryable, its text kept for the log only since it may carry SQL.
public enum FailureKind: Sendable, Hashable {
    /// the lead (or thing) named does not exist
    case notFound
    /// the request conflicts with the stored state (a stage move not allowed, an id already used)
    case conflict(field: String?)
    /// the request names a value that cannot be applied (field named)
    case unprocessable(field: String?)
    /// the server is not set up yet (no model, schema behind or ahead): an operator must act
    case notReady
    /// storage is busy, full or unreachable: try again shortly (ingest is idempotent)
    case unavailable
    /// stored data could not be read: ours, not passing
    case internalFault

    public static func of(_ error: any Error) -> FailureKind {
        guard let store = error as? StoreError else { return .unavailable }
        switch store {
        case .unknownLead: return .notFound
        case .stageMove(.missingCode), .stageMove(.unknownCode), .stageMove(.noCodes): return .unprocessable(field: "code")
        case .stageMove: return .conflict(field: "action")
        case .duplicateEventID: return .conflict(field: "id")
        case .duplicateKey: return .conflict(field: nil)
        case .noActiveModel, .schemaBehind, .schemaAhead: return .notReady
        case .unavailable: return .unavailable
        case .invalidValue: return .unprocessable(field: nil)
        case .corrupt: return .internalFault
        }
    }

    /// Whether sending the same request again later may succeed.
    public var isRetryable: Bool { self == .unavailable || self == .notReady }
}
