#include "store/sqlite_audit_log.h"

#include <charconv>
#include <limits>

#include "ojsync/audit_chain.h"
#include "store/sealed_rows.h"
#include "store/sqlite_service_state.h"
#include "store/sqlite_store_rows.h"

namespace ojsync {
namespace {

// `entry` as entry `id`, linked to the entry whose hash is `prev_hash`, hashes filled in.
ChainedAuditEntry chained(const AuditEntry& entry, std::int64_t id, std::string prev_hash) {
  ChainedAuditEntry c{entry, std::move(prev_hash), audit_payload_hash(entry.details), "", false};
  c.entry.id = id;
  c.entry_hash = audit_entry_hash(c);
  return c;
}

}  // namespace

// The head as SQLite's sequence has it, with the hash of that entry ("" when it is gone).
Result<AuditHead> read_audit_head(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("SELECT s.seq, COALESCE(a.entry_hash, '') FROM sqlite_sequence s "
                        "LEFT JOIN audit_log a ON a.id = s.seq WHERE s.name = 'audit_log'"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  if (!row) return AuditHead{};
  return AuditHead{q.int64(0), q.text(1)};
}

// The entry takes the id after the head and links to the newest entry present. Should entries
// have been removed behind the store's back, their ids are not reused: the gap stays for
// `audit verify` to report, instead of a new entry papering over it.
Result<std::int64_t> append_audit_entry(SqliteDb& db, const AuditEntry& entry,
                                        const FieldCipher* cipher) {
  return AuditAppender().append(db, entry, cipher);
}

Result<std::int64_t> AuditAppender::append(SqliteDb& db, const AuditEntry& entry,
                                           const FieldCipher* cipher) {
  if (!head_) {
    OJSYNC_ASSIGN_OR_RETURN(
        Query last, db.query("SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'), "
                             "(SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1)"));
    OJSYNC_ASSIGN_OR_RETURN(const bool row, last.step());
    head_ = Link{row && !last.is_null(0) ? last.int64(0) : 0,
                 row ? last.optional_text(1).value_or("") : ""};
  }
  const ChainedAuditEntry c = chained(entry, head_->after_id + 1, head_->prev_hash);
  const AuditEntry& e = c.entry;
  OJSYNC_ASSIGN_OR_RETURN(std::string details, audit_details_text(cipher, e));
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("INSERT INTO audit_log (" OJSYNC_AUDIT_COLUMNS
                                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"));
  q.bind(e.id, e.at, e.actor, e.action, e.key.type, e.key.id, e.before_hash, e.after_hash, e.reason,
         details, c.prev_hash, c.payload_hash, c.entry_hash);
  OJSYNC_RETURN_IF_ERROR(q.run());
  head_ = Link{e.id, c.entry_hash};
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
  constexpr std::string_view kCursor = "audit.redacted_through";
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> stored, read_setting(db, kCursor));
  std::int64_t from = 0;
  if (stored) std::from_chars(stored->data(), stored->data() + stored->size(), from);
  OJSYNC_ASSIGN_OR_RETURN(Query bound,
                          db.query("SELECT COALESCE((SELECT id - 1 FROM audit_log WHERE id > ?1 "
                                   "AND at >= ?2 ORDER BY id LIMIT 1), "
                                   "(SELECT MAX(id) FROM audit_log), 0)"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, bound.bind(from, cutoff).step());
  const std::int64_t through = row ? bound.int64(0) : 0;
  if (through <= from) return 0;
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("UPDATE audit_log SET details = 'null', redacted = 1 "
                                            "WHERE id > ? AND id <= ? AND redacted = 0"));
  OJSYNC_RETURN_IF_ERROR(q.bind(from, through).run());
  const std::int64_t redacted = db.changes();
  OJSYNC_RETURN_IF_ERROR(write_setting(db, kCursor, std::to_string(through)));
  return redacted;
}

Status redact_audit_entry(SqliteDb& db, std::int64_t id) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q,
      db.query(
          "UPDATE audit_log SET details = 'null', redacted = 1 WHERE id = ? AND redacted = 0"));
  return q.bind(id).run();
}

Status seal_unchained_audit_entries(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(std::vector<ChainedAuditEntry> legacy,
                          read_audit_entries(db, 0, std::numeric_limits<std::size_t>::max()));
  std::string prev_hash;
  for (const ChainedAuditEntry& old : legacy) {
    // The id is kept: an id once shown keeps meaning the same entry.
    const ChainedAuditEntry c = chained(old.entry, old.entry.id, prev_hash);
    OJSYNC_ASSIGN_OR_RETURN(Query q,
                            db.query("UPDATE audit_log SET prev_hash = ?, payload_hash = ?, "
                                     "entry_hash = ? WHERE id = ?"));
    OJSYNC_RETURN_IF_ERROR(q.bind(c.prev_hash, c.payload_hash, c.entry_hash, c.entry.id).run());
    prev_hash = c.entry_hash;
  }
  return OkStatus();
}

}  // namespace ojsync
