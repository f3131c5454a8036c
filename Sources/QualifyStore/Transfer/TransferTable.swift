/// The tables of a deployment as `qualify copy` moves them, store-neutral: every table of the schema, its columns
/// and their kinds, in an order in which every row's references are copied before it.
///
/// A migration that adds or changes a table or column must update it: tests compare it with the SQLite and the
/// PostgreSQL schema after every migration (a migration that only rewrites data changes nothing here).
public struct TransferTable: Sendable, Hashable, CustomStringConvertible {
    /// The table's name (a fixed identifier from this catalogue, never input).
    public var name: String
    public var columns: [TransferColumn]
    /// The unique column rows are ordered and paged by.
    public var key: String
    /// Whether the store generates the key for new rows (PostgreSQL identity, SQLite rowid): after a copy the
    /// generator must move past the copied keys.
    public var generatedKey: Bool

    public init(_ name: String, key: String, generatedKey: Bool, _ columns: [TransferColumn]) {
        self.name = name
        self.key = key
        self.generatedKey = generatedKey
        self.columns = columns
    }

    public var description: String { name }
    public var columnNames: [String] { columns.map(\.name) }
    /// The position of ``key`` among the columns.
    public var keyIndex: Int { columns.firstIndex { $0.name == key }! }

    /// Every table, references first.
    public static let all: [TransferTable] = [
        TransferTable("model_version", key: "version", generatedKey: false, [
            .init("version", .integer), .init("name", .text), .init("model", .text), .init("source", .text),
            .init("activated_at", .integer), .init("activated_by", .text, nullable: true),
        ]),
        TransferTable("account", key: "id", generatedKey: true, [
            .init("id", .integer), .init("domain", .text), .init("name", .text, nullable: true),
        ]),
        TransferTable("lead", key: "id", generatedKey: true, [
            .init("id", .integer), .init("email", .text), .init("account_id", .integer, nullable: true),
            .init("name", .text, nullable: true), .init("company", .text, nullable: true), .init("created_at", .integer),
            .init("updated_at", .integer), .init("model_version", .integer), .init("fit_points", .integer), .init("grade", .text),
            .init("grade_rank", .integer), .init("stage", .text), .init("engagement_amp", .real),
            .init("last_activity_at", .integer, nullable: true), .init("last_at", .integer, nullable: true),
            .init("last_id", .text, nullable: true), .init("state", .blob), .init("owner", .text, nullable: true),
            .init("due_at", .integer, nullable: true), .init("escalate_at", .integer, nullable: true),
            .init("followup_at", .integer, nullable: true), .init("followup_hold", .text, nullable: true),
            .init("followup_announce_at", .integer, nullable: true),
        ]),
        TransferTable("event", key: "seq", generatedKey: true, [
            .init("seq", .integer), .init("id", .text), .init("lead_id", .integer), .init("type", .text), .init("at", .integer),
            .init("properties", .text), .init("received_at", .integer),
        ]),
        TransferTable("stage_change", key: "id", generatedKey: true, [
            .init("id", .integer), .init("lead_id", .integer), .init("from_stage", .text), .init("to_stage", .text),
            .init("at", .integer), .init("event_id", .text), .init("reason", .text), .init("by", .text),
            .init("model_version", .integer),
        ]),
        TransferTable("lead_merge", key: "id", generatedKey: true, [
            .init("id", .integer), .init("lead_id", .integer), .init("at", .integer), .init("origin", .text), .init("changes", .text),
        ]),
        TransferTable("outbox", key: "id", generatedKey: true, [
            .init("id", .integer), .init("kind", .text), .init("payload", .text), .init("created_at", .integer),
            .init("delivered_at", .integer, nullable: true), .init("attempts", .integer),
        ]),
        TransferTable("quarantine", key: "id", generatedKey: true, [
            .init("id", .integer), .init("email", .text), .init("reason", .text), .init("source", .text),
            .init("line", .integer, nullable: true), .init("fields", .text), .init("at", .integer),
        ]),
        TransferTable("api_key", key: "id", generatedKey: false, [
            .init("id", .text), .init("secret_hash", .text), .init("name", .text), .init("role", .text),
            .init("created_at", .integer), .init("revoked_at", .integer, nullable: true),
        ]),
        TransferTable("webhook_subscription", key: "id", generatedKey: false, [
            .init("id", .text), .init("url", .text), .init("events", .text), .init("description", .text), .init("secret", .text),
            .init("format", .text), .init("enabled", .integer), .init("failing", .integer), .init("created_at", .integer),
        ]),
        TransferTable("webhook_delivery", key: "id", generatedKey: true, [
            .init("id", .integer), .init("message_id", .integer), .init("subscription_id", .text), .init("event_type", .text),
            .init("lead", .text), .init("state", .text), .init("attempts", .integer), .init("next_at", .integer),
            .init("lease_until", .integer, nullable: true), .init("created_at", .integer), .init("finished_at", .integer, nullable: true),
        ]),
        TransferTable("webhook_attempt", key: "id", generatedKey: true, [
            .init("id", .integer), .init("delivery_id", .integer, nullable: true), .init("subscription_id", .text),
            .init("webhook_id", .text), .init("event_type", .text), .init("at", .integer), .init("status", .integer, nullable: true),
            .init("latency_ms", .integer), .init("error", .text, nullable: true), .init("response", .text, nullable: true),
        ]),
        TransferTable("routing_turn", key: "pool", generatedKey: false, [.init("pool", .text), .init("next", .integer)]),
        TransferTable("app_user", key: "email", generatedKey: false, [
            .init("email", .text), .init("name", .text), .init("role", .text), .init("password_hash", .text), .init("disabled", .integer),
            .init("created_at", .integer), .init("updated_at", .integer),
        ]),
        TransferTable("web_session", key: "token_hash", generatedKey: false, [
            .init("token_hash", .text), .init("email", .text), .init("csrf_token", .text), .init("created_at", .integer),
            .init("last_seen_at", .integer),
        ]),
    ]

    public static func named(_ name: String) -> TransferTable? { all.first { $0.name == name } }
}

/// One column of a ``TransferTable``.
public struct TransferColumn: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case integer, real, text, blob
    }

    public var name: String
    public var kind: Kind
    public var nullable: Bool

    public init(_ name: String, _ kind: Kind, nullable: Bool = false) {
        self.name = name
        self.kind = kind
        self.nullable = nullable
    }
}

/// One value of a copied row.
public enum TransferValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// One copied row: its values in the order of the table's columns.
public typealias TransferRow = [TransferValue]
