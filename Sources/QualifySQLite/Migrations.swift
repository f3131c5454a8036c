import GRDB

/// Append-only, named schema migrations in plain SQL. A migration is never modified once it has shipped; the
/// PostgreSQL store uses the same names.
enum Migrations {
    static let names = ["v1-core", "v2-quarantine", "v3-api-keys", "v4-email-identity", "v5-event-lead-unchecked", "v6-lead-owner",
                        "v7-queue-indexes", "v8-webhooks", "v9-routing", "v10-sla-due", "v11-users", "v12-queue-band",
                        "v13-owner-any-case", "v14-follow-ups"]
    static var latest: String { names.last! }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-core") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                  id INTEGER PRIMARY KEY,
                  domain TEXT NOT NULL UNIQUE,
                  name TEXT
                );
                CREATE TABLE lead (
                  id INTEGER PRIMARY KEY,
                  email TEXT NOT NULL UNIQUE,
                  account_id INTEGER REFERENCES account(id),
                  name TEXT,
                  company TEXT,
                  created_at INTEGER NOT NULL,
                  updated_at INTEGER NOT NULL,
                  model_version INTEGER NOT NULL,
                  fit_points INTEGER NOT NULL,
                  grade TEXT NOT NULL,
                  grade_rank INTEGER NOT NULL,
                  stage TEXT NOT NULL,
                  engagement_amp REAL NOT NULL,
                  last_activity_at INTEGER,
                  last_at INTEGER,
                  last_id TEXT,
                  state BLOB NOT NULL
                );
                CREATE INDEX lead_priority ON lead(grade_rank, engagement_amp DESC);
                CREATE INDEX lead_stage ON lead(stage, grade_rank, engagement_amp DESC);
                CREATE INDEX lead_account ON lead(account_id);
                CREATE TABLE event (
                  seq INTEGER PRIMARY KEY,
                  id TEXT NOT NULL UNIQUE,
                  lead_id INTEGER NOT NULL REFERENCES lead(id),
                  type TEXT NOT NULL,
                  at INTEGER NOT NULL,
                  properties TEXT NOT NULL,
                  received_at INTEGER NOT NULL
                );
                CREATE INDEX event_lead ON event(lead_id, at, id);
                CREATE TABLE stage_change (
                  id INTEGER PRIMARY KEY,
                  lead_id INTEGER NOT NULL REFERENCES lead(id),
                  from_stage TEXT NOT NULL,
                  to_stage TEXT NOT NULL,
                  at INTEGER NOT NULL,
                  event_id TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  by TEXT NOT NULL,
                  model_version INTEGER NOT NULL
                );
                CREATE INDEX stage_change_lead ON stage_change(lead_id, at);
                CREATE TABLE lead_merge (
                  id INTEGER PRIMARY KEY,
                  lead_id INTEGER NOT NULL REFERENCES lead(id),
                  at INTEGER NOT NULL,
                  origin TEXT NOT NULL,
                  changes TEXT NOT NULL
                );
                CREATE INDEX lead_merge_lead ON lead_merge(lead_id);
                CREATE TABLE model_version (
                  version INTEGER PRIMARY KEY,
                  name TEXT NOT NULL,
                  model TEXT NOT NULL,
                  source TEXT NOT NULL,
                  activated_at INTEGER NOT NULL
                );
                CREATE TABLE outbox (
                  id INTEGER PRIMARY KEY,
                  kind TEXT NOT NULL,
                  payload TEXT NOT NULL,
                  created_at INTEGER NOT NULL,
                  delivered_at INTEGER,
                  attempts INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX outbox_pending ON outbox(delivered_at, id);
                """)
        }
        m.registerMigration("v2-quarantine") { db in
            try db.execute(sql: """
                CREATE TABLE quarantine (
                  id INTEGER PRIMARY KEY,
                  email TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  source TEXT NOT NULL,
                  line INTEGER,
                  fields TEXT NOT NULL,
                  at INTEGER NOT NULL,
                  UNIQUE(email, source)
                );
                """)
        }
        m.registerMigration("v3-api-keys") { db in
            try db.execute(sql: """
                CREATE TABLE api_key (
                  id TEXT PRIMARY KEY,
                  secret_hash TEXT NOT NULL UNIQUE,
                  name TEXT NOT NULL,
                  role TEXT NOT NULL,
                  created_at INTEGER NOT NULL,
                  revoked_at INTEGER
                );
                CREATE INDEX lead_updated ON lead(updated_at);
                """)
        }
        // Swift, not SQL: the identity form needs IDNA and Unicode NFC (see EmailIdentityMigration)
        m.registerMigration("v4-email-identity") { db in try EmailIdentityMigration.apply(db) }
        // PostgreSQL stops checking event.lead_id per row (see PostgresMigrations); SQLite keeps its reference, whose
        // check is an in-process index probe. The name is recorded so both stores list the same migrations.
        m.registerMigration("v5-event-lead-unchecked") { _ in }
        // The lead's owner as a queue column, filled from each lead's latest fields update naming one (see PostgresMigrations).
        m.registerMigration("v6-lead-owner") { db in
            try db.execute(sql: """
                ALTER TABLE lead ADD COLUMN owner TEXT;
                UPDATE lead SET owner = (
                  SELECT json_extract(properties, '$.owner') FROM event
                  WHERE event.lead_id = lead.id AND event.type = '$fields' AND json_extract(properties, '$.owner') IS NOT NULL
                  ORDER BY at DESC, id DESC LIMIT 1);
                CREATE INDEX lead_owner ON lead(owner, grade_rank, engagement_amp DESC);
                """)
        }
        // Queue indexes that do not move on every event (see PostgresMigrations for why).
        m.registerMigration("v7-queue-indexes") { db in
            try db.execute(sql: """
                DROP INDEX IF EXISTS lead_priority;
                DROP INDEX IF EXISTS lead_stage;
                CREATE INDEX lead_stage ON lead(stage);
                DROP INDEX IF EXISTS lead_owner;
                CREATE INDEX lead_owner ON lead(owner) WHERE owner IS NOT NULL;
                """)
        }
        // Webhook subscriptions, one delivery per outbox message, event type and subscription, and the log of
        // attempts (see PostgresMigrations for the columns' meaning).
        m.registerMigration("v8-webhooks") { db in
            try db.execute(sql: """
                CREATE TABLE webhook_subscription (
                  id TEXT PRIMARY KEY,
                  url TEXT NOT NULL,
                  events TEXT NOT NULL,
                  description TEXT NOT NULL,
                  secret TEXT NOT NULL,
                  format TEXT NOT NULL,
                  enabled INTEGER NOT NULL,
                  failing INTEGER NOT NULL,
                  created_at INTEGER NOT NULL
                );
                CREATE TABLE webhook_delivery (
                  id INTEGER PRIMARY KEY,
                  message_id INTEGER NOT NULL,
                  subscription_id TEXT NOT NULL,
                  event_type TEXT NOT NULL,
                  lead TEXT NOT NULL,
                  state TEXT NOT NULL,
                  attempts INTEGER NOT NULL,
                  next_at INTEGER NOT NULL,
                  lease_until INTEGER,
                  created_at INTEGER NOT NULL,
                  finished_at INTEGER,
                  UNIQUE(message_id, subscription_id, event_type)
                );
                CREATE INDEX webhook_delivery_due ON webhook_delivery(state, next_at);
                CREATE INDEX webhook_delivery_order ON webhook_delivery(subscription_id, lead, state, id);
                CREATE TABLE webhook_attempt (
                  id INTEGER PRIMARY KEY,
                  delivery_id INTEGER,
                  subscription_id TEXT NOT NULL,
                  webhook_id TEXT NOT NULL,
                  event_type TEXT NOT NULL,
                  at INTEGER NOT NULL,
                  status INTEGER,
                  latency_ms INTEGER NOT NULL,
                  error TEXT,
                  response TEXT
                );
                CREATE INDEX webhook_attempt_subscription ON webhook_attempt(subscription_id, id);
                UPDATE outbox SET delivered_at = created_at WHERE delivered_at IS NULL;
                """)
        }
        // Each routing pool's next turn (see PostgresMigrations).
        m.registerMigration("v9-routing") { db in
            try db.execute(sql: """
                CREATE TABLE routing_turn (
                  pool TEXT PRIMARY KEY,
                  next INTEGER NOT NULL
                );
                """)
        }
        // When a routed lead's owner must act (see PostgresMigrations).
        m.registerMigration("v10-sla-due") { db in
            try db.execute(sql: """
                ALTER TABLE lead ADD COLUMN due_at INTEGER;
                ALTER TABLE lead ADD COLUMN escalate_at INTEGER;
                CREATE INDEX lead_due ON lead(due_at) WHERE due_at IS NOT NULL;
                CREATE INDEX lead_escalate ON lead(escalate_at) WHERE escalate_at IS NOT NULL;
                """)
        }
        // The web app's people and sessions, and who activated each model version (see PostgresMigrations).
        m.registerMigration("v11-users") { db in
            try db.execute(sql: """
                CREATE TABLE app_user (
                  email TEXT PRIMARY KEY,
                  name TEXT NOT NULL,
                  role TEXT NOT NULL,
                  password_hash TEXT NOT NULL,
                  disabled INTEGER NOT NULL DEFAULT 0,
                  created_at INTEGER NOT NULL,
                  updated_at INTEGER NOT NULL
                );
                CREATE TABLE web_session (
                  token_hash TEXT PRIMARY KEY,
                  email TEXT NOT NULL REFERENCES app_user(email) ON DELETE CASCADE,
                  csrf_token TEXT NOT NULL,
                  created_at INTEGER NOT NULL,
                  last_seen_at INTEGER NOT NULL
                );
                CREATE INDEX web_session_email ON web_session(email);
                CREATE INDEX web_session_seen ON web_session(last_seen_at);
                ALTER TABLE model_version ADD COLUMN activated_by TEXT;
                """)
        }
        // The queue's band index (see PostgresMigrations).
        m.registerMigration("v12-queue-band") { db in
            try db.execute(sql: """
                CREATE INDEX lead_band ON lead(grade_rank, engagement_amp DESC); -- the row id ends every entry: ties in id order
                CREATE INDEX stage_change_at ON stage_change(at, to_stage);
                """)
        }
        // The queue's owner filter ignores case (see PostgresMigrations; SQLite's NOCASE folds ASCII letters only).
        m.registerMigration("v13-owner-any-case") { db in
            try db.execute(sql: """
                DROP INDEX IF EXISTS lead_owner;
                CREATE INDEX lead_owner ON lead(owner COLLATE NOCASE) WHERE owner IS NOT NULL;
                """)
        }
        // When each lead's next follow-up step is due, and why a lead gets none (see PostgresMigrations). Leads stored
        // before it have neither until `qualify rescore` folds their events again.
        m.registerMigration("v14-follow-ups") { db in
            try db.execute(sql: """
                ALTER TABLE lead ADD COLUMN followup_at INTEGER;
                ALTER TABLE lead ADD COLUMN followup_hold TEXT;
                ALTER TABLE lead ADD COLUMN followup_announce_at INTEGER;
                CREATE INDEX lead_followup ON lead(followup_at) WHERE followup_at IS NOT NULL;
                CREATE INDEX lead_followup_announce ON lead(followup_announce_at) WHERE followup_announce_at IS NOT NULL;
                CREATE INDEX lead_followup_hold ON lead(id) WHERE followup_hold IS NOT NULL;
                """)
        }
        return m
    }
}
