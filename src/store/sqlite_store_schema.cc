#include "store/sqlite_store_schema.h"

#include <array>

#include "store/sqlite_audit_log.h"
#include "store/sqlite_sync_log.h"

namespace ojsync {

namespace {

// CHECKs on enumerations are written as OR-chains: SQLite evaluates `x IN (a, b, c)` with a
// temporary index built per row, which made it the most expensive part of an insert.
// Conventions: every timestamp is INTEGER microseconds since the Unix epoch (UTC); every
// document is JSON text, NULL meaning "absent"; enumerations are stored by their names so
// the database reads well in the sqlite3 shell, and CHECK constraints keep them valid.
// Row ids of rows that get deleted use AUTOINCREMENT so an id is never reused: a worker whose
// lease expired must not complete somebody else's newer job that happened to get the same id,
// and a record or conflict id once shown means one thing. audit_log rows are never deleted
// (its triggers refuse it), so a plain rowid is already unique there and costs one page
// write less per commit.
constexpr const char* kV1Schema = R"sql(
CREATE TABLE sync_state (
  type        TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  ojs_id      TEXT NOT NULL,
  agents_id   TEXT NOT NULL,
  base        TEXT,
  base_hash   TEXT NOT NULL,
  ojs_hash    TEXT NOT NULL,
  agents_hash TEXT NOT NULL,
  tombstone   INTEGER NOT NULL CHECK (tombstone IN (0, 1)),
  updated_at  INTEGER NOT NULL,
  version     INTEGER NOT NULL CHECK (version > 0),
  PRIMARY KEY (type, entity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_state_by_ojs_id ON sync_state (type, ojs_id);
CREATE INDEX sync_state_by_agents_id ON sync_state (type, agents_id);
CREATE INDEX sync_state_tombstones ON sync_state (updated_at) WHERE tombstone = 1;

CREATE TABLE sync_records (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  type             TEXT NOT NULL,
  entity_id        TEXT NOT NULL,
  direction        TEXT NOT NULL CHECK (direction = 'both' OR direction = 'to-ojs' OR direction = 'from-ojs'),
  outcome          TEXT NOT NULL CHECK (outcome = 'noop' OR outcome = 'applied' OR outcome = 'conflict' OR outcome = 'failed'),
  triggered_by     TEXT NOT NULL,
  base_hash_before TEXT NOT NULL,
  base_hash_after  TEXT NOT NULL,
  ojs_hash         TEXT NOT NULL,
  agents_hash      TEXT NOT NULL,
  wrote_ojs        INTEGER NOT NULL CHECK (wrote_ojs IN (0, 1)),
  wrote_agents     INTEGER NOT NULL CHECK (wrote_agents IN (0, 1)),
  duration_us      INTEGER NOT NULL,
  retry_count      INTEGER NOT NULL,
  error            TEXT NOT NULL,
  started_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_records_by_entity ON sync_records (type, entity_id, started_at);
CREATE INDEX sync_records_by_outcome ON sync_records (outcome, started_at);
-- Retention deletes by time; the 24-hour statistics read (started_at, duration_us) from it alone.
CREATE INDEX sync_records_by_time ON sync_records (started_at, duration_us);

CREATE TABLE sync_conflicts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  type              TEXT NOT NULL,
  entity_id         TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  strategy          TEXT NOT NULL,
  base              TEXT,
  ojs               TEXT,
  agents            TEXT,
  fields            TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  resolved_at       INTEGER,
  resolved_by       TEXT NOT NULL,
  resolution        TEXT NOT NULL,
  resolved_document TEXT,
  CHECK ((status = 'open') = (resolved_at IS NULL))
) STRICT;
-- At most one open conflict per entity.
CREATE UNIQUE INDEX sync_conflicts_one_open ON sync_conflicts (type, entity_id) WHERE status = 'open';
CREATE INDEX sync_conflicts_by_status ON sync_conflicts (status, created_at);
CREATE INDEX sync_conflicts_by_resolved_at ON sync_conflicts (resolved_at) WHERE status = 'resolved';

-- Rollup of sync_records per hour, type and outcome, written by the same commit as the
-- record, so all-time totals survive record retention.
CREATE TABLE sync_statistics (
  hour              INTEGER NOT NULL,
  type              TEXT NOT NULL,
  outcome           TEXT NOT NULL CHECK (outcome = 'noop' OR outcome = 'applied' OR outcome = 'conflict' OR outcome = 'failed'),
  count             INTEGER NOT NULL,
  total_duration_us INTEGER NOT NULL,
  last_started_at   INTEGER NOT NULL,
  PRIMARY KEY (hour, type, outcome)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  type         TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  direction    TEXT NOT NULL CHECK (direction = 'both' OR direction = 'to-ojs' OR direction = 'from-ojs'),
  triggered_by TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state = 'pending' OR state = 'leased' OR state = 'dead'),
  attempts     INTEGER NOT NULL CHECK (attempts >= 0),
  run_at       INTEGER NOT NULL,
  lease_until  INTEGER,
  leased_by    TEXT NOT NULL,
  last_error   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  CHECK ((state = 'leased') = (lease_until IS NOT NULL))
) STRICT;
-- At most one pending job per entity and direction: bursts of events collapse into it.
CREATE UNIQUE INDEX sync_jobs_one_pending ON sync_jobs (type, entity_id, direction) WHERE state = 'pending';
CREATE INDEX sync_jobs_due ON sync_jobs (state, run_at);
CREATE INDEX sync_jobs_by_lease ON sync_jobs (lease_until) WHERE state = 'leased';

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  type        TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  before_hash TEXT NOT NULL,
  after_hash  TEXT NOT NULL,
  reason      TEXT NOT NULL,
  details     TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_entity ON audit_log (type, entity_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// The daemon's own state: named settings (change-scan cursors, agents' auto-sync) and the ids
// of accepted events, kept for deduplication until the cleanup forgets them.
constexpr const char* kV2Schema = R"sql(
CREATE TABLE service_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE received_events (
  event_id    TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX received_events_by_time ON received_events (received_at);
)sql";

// Access control and a verifiable audit log. Entries get their chain hashes (audit_chain.h);
// entries written before this version are chained by the migration's finish step. Once an
// entry is chained, the only update allowed is the redaction of its payload (details becomes
// 'null', redacted 1) with every hashed column unchanged. audit_head records the newest entry,
// so removing the last one is found too. Tokens are kept only as SHA-256 hashes; a name is
// unique among tokens not revoked.
constexpr const char* kV3Schema = R"sql(
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN payload_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN entry_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1));
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.entry_hash <> '' AND NOT (
  OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.details = 'null' AND NEW.id = OLD.id
  AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
  AND NEW.type = OLD.type AND NEW.entity_id = OLD.entity_id
  AND NEW.before_hash = OLD.before_hash AND NEW.after_hash = OLD.after_hash
  AND NEW.reason = OLD.reason AND NEW.prev_hash = OLD.prev_hash
  AND NEW.payload_hash = OLD.payload_hash AND NEW.entry_hash = OLD.entry_hash)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (only a payload may be redacted)'); END;
CREATE INDEX audit_log_by_time ON audit_log (at) WHERE redacted = 0;

CREATE TABLE audit_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id   INTEGER NOT NULL,
  last_hash TEXT NOT NULL
) STRICT;

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role = 'admin' OR role = 'editor' OR role = 'agent' OR role = 'viewer' OR role = 'ojs-events'),
  entity_types TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
)sql";

// The audit log's head moves into SQLite's AUTOINCREMENT sequence: sqlite_sequence is written by
// every sync commit anyway (for sync_records), so the head no longer costs a page write of its
// own, and ids are never reused, so an entry removed behind the store's back leaves a gap that
// new entries do not fill. The table is rebuilt (AUTOINCREMENT is only given at creation); the
// sequence starts at the head version 3 recorded, or the highest id, whichever is further, so a
// last entry removed before this migration still shows. Retention no longer needs the time index:
// it redacts by id from a cursor (sqlite_audit_log.h). Version 3's chaining step (migration
// `finish`) no longer writes audit_head: this one takes the highest id when that is empty.
constexpr const char* kV4Schema = R"sql(
CREATE TABLE audit_log_sequenced (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at           INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  type         TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  before_hash  TEXT NOT NULL,
  after_hash   TEXT NOT NULL,
  reason       TEXT NOT NULL,
  details      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  entry_hash   TEXT NOT NULL,
  redacted     INTEGER NOT NULL CHECK (redacted IN (0, 1))
) STRICT;
INSERT INTO audit_log_sequenced (id, at, actor, action, type, entity_id, before_hash, after_hash,
                                 reason, details, prev_hash, payload_hash, entry_hash, redacted)
  SELECT id, at, actor, action, type, entity_id, before_hash, after_hash, reason, details,
         prev_hash, payload_hash, entry_hash, redacted FROM audit_log ORDER BY id;
DROP TABLE audit_log;
ALTER TABLE audit_log_sequenced RENAME TO audit_log;
DELETE FROM sqlite_sequence WHERE name = 'audit_log_sequenced' OR name = 'audit_log';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'audit_log', MAX(COALESCE((SELECT last_id FROM audit_head), 0),
                          COALESCE((SELECT MAX(id) FROM audit_log), 0));
DROP TABLE audit_head;
CREATE INDEX audit_log_by_entity ON audit_log (type, entity_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.entry_hash <> '' AND NOT (
  OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.details = 'null' AND NEW.id = OLD.id
  AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
  AND NEW.type = OLD.type AND NEW.entity_id = OLD.entity_id
  AND NEW.before_hash = OLD.before_hash AND NEW.after_hash = OLD.after_hash
  AND NEW.reason = OLD.reason AND NEW.prev_hash = OLD.prev_hash
  AND NEW.payload_hash = OLD.payload_hash AND NEW.entry_hash = OLD.entry_hash)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (only a payload may be redacted)'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Encryption at rest (sealed_rows.h): a payload's sensitive values are re-encrypted under a new
// key in place. The trigger now also lets the payload's text change while the entry is not
// redacted and every hashed column stays as it was; payload_hash is of the plaintext, so
// `audit verify` still finds a payload whose meaning was changed.
constexpr const char* kV5Schema = R"sql(
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.entry_hash <> '' AND NOT (
  NEW.id = OLD.id
  AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
  AND NEW.type = OLD.type AND NEW.entity_id = OLD.entity_id
  AND NEW.before_hash = OLD.before_hash AND NEW.after_hash = OLD.after_hash
  AND NEW.reason = OLD.reason AND NEW.prev_hash = OLD.prev_hash
  AND NEW.payload_hash = OLD.payload_hash AND NEW.entry_hash = OLD.entry_hash
  AND OLD.redacted = 0
  AND ((NEW.redacted = 1 AND NEW.details = 'null') OR NEW.redacted = 0))
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (only a payload may be redacted or re-encrypted)'); END;
)sql";

// A sync's write intent (docs/invariants.md, G2): NULL when none is pending.
constexpr const char* kV6Schema = R"sql(
ALTER TABLE sync_state ADD COLUMN write_intent TEXT;
)sql";

// The sync log packed (sqlite_sync_log.h): the records of a commit share a row, and the entity
// index is partitioned by record id. Existing records move over with their ids; the former
// table, its indexes and its sequence row go.
constexpr const char* kV7Schema = R"sql(
CREATE TABLE sync_record_blocks (
  last_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  first_id       INTEGER NOT NULL,
  count          INTEGER NOT NULL CHECK (count > 0),
  min_started_at INTEGER NOT NULL,
  max_started_at INTEGER NOT NULL,
  records        BLOB NOT NULL,
  CHECK (first_id <= last_id AND min_started_at <= max_started_at)
) STRICT;
-- Retention finds the blocks holding records older than its cutoff; the 24-hour statistics
-- the blocks holding records newer than their window's start.
CREATE INDEX sync_record_blocks_by_oldest ON sync_record_blocks (min_started_at);
CREATE INDEX sync_record_blocks_by_newest ON sync_record_blocks (max_started_at);
CREATE TABLE sync_record_entities (
  bucket    INTEGER NOT NULL,
  key_hash  INTEGER NOT NULL,
  record_id INTEGER NOT NULL,
  PRIMARY KEY (bucket, key_hash, record_id)
) STRICT, WITHOUT ROWID;
)sql";

// Pending creates (Store::list_pending_creates, asked on every import of an unknown OJS
// document): entries without an id on a side that carry a write intent. Indexed apart, so the
// question no longer reads every entry that is only on the other side (3.4 ms with 10,000
// agents' drafts, bench/RESULTS.md).
constexpr const char* kV8Schema = R"sql(
CREATE INDEX sync_state_pending_ojs_creates ON sync_state (type, entity_id)
  WHERE ojs_id = '' AND write_intent IS NOT NULL;
CREATE INDEX sync_state_pending_agents_creates ON sync_state (type, entity_id)
  WHERE agents_id = '' AND write_intent IS NOT NULL;
)sql";

// Entries as a rowid table. An entry holds its base, a whole document of several kilobytes,
// and SQLite keeps little more than 1 KB of a WITHOUT ROWID row in its leaf (the rest spills
// into overflow pages), while a rowid table keeps a row of up to a page in one page, and adds
// new entries at its end. An import wrote about 5 times the file's final size (each entry
// first as a small write intent, then grown to its base, splitting its leaf); this takes a
// quarter off its CPU (bench/RESULTS.md). Columns, key and indexes are those of versions 1-8.
constexpr const char* kV9Schema = R"sql(
CREATE TABLE sync_state_v9 (
  type         TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  ojs_id       TEXT NOT NULL,
  agents_id    TEXT NOT NULL,
  base         TEXT,
  base_hash    TEXT NOT NULL,
  ojs_hash     TEXT NOT NULL,
  agents_hash  TEXT NOT NULL,
  tombstone    INTEGER NOT NULL CHECK (tombstone IN (0, 1)),
  updated_at   INTEGER NOT NULL,
  version      INTEGER NOT NULL CHECK (version > 0),
  write_intent TEXT,
  PRIMARY KEY (type, entity_id)
) STRICT;
INSERT INTO sync_state_v9 (type, entity_id, ojs_id, agents_id, base, base_hash, ojs_hash,
                           agents_hash, tombstone, updated_at, version, write_intent)
  SELECT type, entity_id, ojs_id, agents_id, base, base_hash, ojs_hash, agents_hash, tombstone,
         updated_at, version, write_intent
  FROM sync_state ORDER BY type, entity_id;
DROP TABLE sync_state;
ALTER TABLE sync_state_v9 RENAME TO sync_state;
CREATE INDEX sync_state_by_ojs_id ON sync_state (type, ojs_id);
CREATE INDEX sync_state_by_agents_id ON sync_state (type, agents_id);
CREATE INDEX sync_state_tombstones ON sync_state (updated_at) WHERE tombstone = 1;
CREATE INDEX sync_state_pending_ojs_creates ON sync_state (type, entity_id)
  WHERE ojs_id = '' AND write_intent IS NOT NULL;
CREATE INDEX sync_state_pending_agents_creates ON sync_state (type, entity_id)
  WHERE agents_id = '' AND write_intent IS NOT NULL;
)sql";

// A side's id index holds only the entries whose id there is not their key. An entity that
// came from a side is keyed by its id there, and most keep that id on both sides: their
// lookup by side id is a lookup by key. Each of the two full indexes took a leaf write at a
// random place per new entry (ids arrive in no order), which grew with the store.
constexpr const char* kV10Schema = R"sql(
DROP INDEX sync_state_by_ojs_id;
DROP INDEX sync_state_by_agents_id;
CREATE INDEX sync_state_by_ojs_id ON sync_state (type, ojs_id) WHERE ojs_id <> entity_id;
CREATE INDEX sync_state_by_agents_id ON sync_state (type, agents_id) WHERE agents_id <> entity_id;
)sql";

constexpr std::array kMigrations = {
    Migration{1, "sync state, records, conflicts, statistics, jobs, audit log", kV1Schema},
    Migration{2, "service settings, received events", kV2Schema},
    Migration{3, "audit hash chain, API tokens", kV3Schema, seal_unchained_audit_entries},
    Migration{4, "audit head in the AUTOINCREMENT sequence", kV4Schema},
    Migration{5, "audit payloads re-encryptable in place", kV5Schema},
    Migration{6, "write intents in sync_state", kV6Schema},
    Migration{7, "sync log packed in blocks", kV7Schema, pack_former_sync_records},
    Migration{8, "pending creates indexed", kV8Schema},
    Migration{9, "entries in a rowid table", kV9Schema},
    Migration{10, "side id indexes hold only ids that are not the key", kV10Schema},
};

}  // namespace

std::span<const Migration> sqlite_store_migrations() { return kMigrations; }

}  // namespace ojsync
