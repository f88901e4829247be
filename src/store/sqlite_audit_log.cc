#include "store/sqlite_audit_log.h"

#include <limits>

#include "ojsync/audit_chain.h"
#include "store/sqlite_store_rows.h"

namespace ojsync {
namespace {

Status write_head(SqliteDb& db, std::int64_t last_id, const std::string& last_hash) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, ?, ?) "
                        "ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, "
                        "last_hash = excluded.last_hash"));
  return q.bind(last_id, last_hash).run();
}

// `entry` as the entry `id` that follows `head`, hashes filled in.
ChainedAuditEntry chained(const AuditEntry& entry, std::int64_t id, const AuditHead& head) {
  ChainedAuditEntry c{entry, head.last_hash, audit_payload_hash(entry.details), "", false};
  c.entry.id = id;
  c.entry_hash = audit_entry_hash(c);
  return c;
}

}  // namespace

Result<AuditHead> read_audit_head(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  if (!row) return AuditHead{};
  return AuditHead{q.int64(0), q.text(1)};
}

Result<std::int64_t> append_audit_entry(SqliteDb& db, const AuditEntry& entry) {
  OJSYNC_ASSIGN_OR_RETURN(const AuditHead head, read_audit_head(db));
  const ChainedAuditEntry c = chained(entry, head.last_id + 1, head);
  const AuditEntry& e = c.entry;
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("INSERT INTO audit_log (" OJSYNC_AUDIT_COLUMNS
                                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"));
  q.bind(e.id, e.at, e.actor, e.action, e.key.type, e.key.id, e.before_hash, e.after_hash, e.reason,
         e.details.dump(), c.prev_hash, c.payload_hash, c.entry_hash);
  OJSYNC_RETURN_IF_ERROR(q.run());
  OJSYNC_RETURN_IF_ERROR(write_head(db, e.id, c.entry_hash));
  return e.id;
}

Result<std::vector<ChainedAuditEntry>> read_audit_entries(SqliteDb& db, std::int64_t after_id,
                                                          std::size_t limit) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_AUDIT_COLUMNS
                                            " FROM audit_log WHERE id > ? ORDER BY id LIMIT ?"));
  q.bind(after_id, sql_limit(limit));
  return read_all(q, read_chained_audit);
}

Result<std::int64_t> redact_audit_before(SqliteDb& db, Timestamp cutoff) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("UPDATE audit_log SET details = 'null', redacted = 1 "
                                            "WHERE at < ? AND redacted = 0"));
  OJSYNC_RETURN_IF_ERROR(q.bind(cutoff).run());
  return db.changes();
}

Status seal_unchained_audit_entries(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(std::vector<ChainedAuditEntry> legacy,
                          read_audit_entries(db, 0, std::numeric_limits<std::size_t>::max()));
  AuditHead head;
  for (const ChainedAuditEntry& old : legacy) {
    // The id is kept: an id once shown keeps meaning the same entry.
    const ChainedAuditEntry c = chained(old.entry, old.entry.id, head);
    OJSYNC_ASSIGN_OR_RETURN(Query q,
                            db.query("UPDATE audit_log SET prev_hash = ?, payload_hash = ?, "
                                     "entry_hash = ? WHERE id = ?"));
    OJSYNC_RETURN_IF_ERROR(q.bind(c.prev_hash, c.payload_hash, c.entry_hash, c.entry.id).run());
    head = AuditHead{c.entry.id, c.entry_hash};
  }
  return legacy.empty() ? OkStatus() : write_head(db, head.last_id, head.last_hash);
}

}  // namespace ojsync
