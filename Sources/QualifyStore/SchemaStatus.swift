/// Where a database's schema stands against the migrations this build knows: the rules every store applies the same
/// way when it is opened, as plain values.
///
/// A new database (no migration recorded) is created whole. A database *behind* (migrations this build knows are not
/// applied) is migrated only when asked (`qualify migrate`), so an upgrade is a deliberate step, taken once, after a
/// backup. A database *ahead* (it records migrations this build does not know) was written by a newer qualify and is
/// never touched.
public struct SchemaStatus: Sendable, Hashable, Codable {
    /// The migrations recorded in the database, in the order they were applied.
    public var applied: [String]
    /// The migrations this build knows, in order.
    public var known: [String]

    public init(applied: [String], known: [String]) {
        self.applied = applied
        self.known = known
    }

    /// Known migrations not applied yet, in the order they would run.
    public var pending: [String] { known.filter { !applied.contains($0) } }
    /// Applied migrations this build does not know (a newer qualify wrote them).
    public var unknown: [String] { applied.filter { !known.contains($0) } }
    /// No migration recorded: a database to create.
    public var isNew: Bool { applied.isEmpty }
    /// Every known migration applied and none unknown.
    public var isCurrent: Bool { pending.isEmpty && unknown.isEmpty }

    /// The migrations to run on open under `policy`, or the error refusing the database.
    public func migrationsToRun(_ policy: MigrationPolicy) -> Result<[String], StoreError> {
        switch policy {
        case .inspectOnly:
            return .success([])
        case .applyPending:
            return unknown.isEmpty ? .success(pending) : .failure(.schemaAhead(unknown: unknown))
        case .createIfNew:
            if !unknown.isEmpty { return .failure(.schemaAhead(unknown: unknown)) }
            return isNew || pending.isEmpty ? .success(pending) : .failure(.schemaBehind(pending: pending))
        }
    }
}

/// What opening a store may do to its schema.
public enum MigrationPolicy: Sendable, Hashable {
    /// Apply every pending migration (`qualify migrate`; tests; an embedded library use).
    case applyPending
    /// Create a new database whole; refuse one whose schema is behind (every command but `migrate`).
    case createIfNew
    /// Touch nothing and refuse nothing: for reporting the status (`qualify migrate --status`).
    case inspectOnly
}
