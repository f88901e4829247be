// Row codecs of the SQLite store: the column lists its queries select and the functions that
// turn a selected row back into the public record types.
//
// Values read back are validated (enumeration names, JSON text): a row that does not decode
// means the file was edited or damaged, reported as kDataLoss.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/store.h"
#include "store/sqlite_db.h"

// Column lists, as literals so that queries built from them are compile-time constants and
// never contain values (those are always bound).
#define OJSYNC_STATE_COLUMNS \
  "type, entity_id, ojs_id, agents_id, base, base_hash, ojs_hash, agents_hash, tombstone, updated_at, " \
  "version, write_intent"
// The former sync_records table (schema versions 1-6), read by migration 7 only.
#define OJSYNC_RECORD_COLUMNS                                                                       \
  "id, type, entity_id, direction, outcome, triggered_by, base_hash_before, base_hash_after, "      \
  "ojs_hash, agents_hash, wrote_ojs, wrote_agents, duration_us, retry_count, error, started_at"
#define OJSYNC_CONFLICT_COLUMNS                                                                     \
  "id, type, entity_id, status, strategy, base, ojs, agents, fields, created_at, updated_at, "      \
  "resolved_at, resolved_by, resolution, resolved_document"
#define OJSYNC_JOB_COLUMNS                                                                          \
  "id, type, entity_id, direction, triggered_by, state, attempts, run_at, lease_until, leased_by, " \
  "last_error, created_at"
#define OJSYNC_AUDIT_COLUMNS                                                                  \
  "id, at, actor, action, type, entity_id, before_hash, after_hash, reason, details, prev_hash, " \
  "payload_hash, entry_hash, redacted"
#define OJSYNC_TOKEN_COLUMNS \
  "id, name, role, entity_types, token_hash, created_at, last_used_at, revoked_at"

namespace ojsync {

// Documents: JSON text, NULL = absent.
std::optional<std::string> document_text(const std::optional<Json>& document);

// Field conflicts as a JSON array of {"path", "base"?, "ojs"?, "agents"?}; a missing member
// is an absent value, which stays distinct from a JSON null.
std::string field_conflicts_text(const std::vector<FieldConflict>& fields);

// A write intent as {"hash": ..., "ojs": bool, "agents": bool}.
std::string write_intent_text(const WriteIntent& intent);
Result<WriteIntent> parse_write_intent(std::string_view text);

Result<JobState> parse_job_state(std::string_view name);

// Each reads the current row of a query that selected the matching column list above.
Result<SyncState> read_state(const Query& q);
Result<SyncRecord> read_record(const Query& q);
Result<ConflictRecord> read_conflict(const Query& q);
Result<Job> read_job(const Query& q);
Result<AuditEntry> read_audit(const Query& q);
Result<ChainedAuditEntry> read_chained_audit(const Query& q);
Result<ApiToken> read_token(const Query& q);

// Collects every row of `q` through `read`.
template <typename T>
Result<std::vector<T>> read_all(Query& q, Result<T> (*read)(const Query&)) {
  std::vector<T> rows;
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) return rows;
    OJSYNC_ASSIGN_OR_RETURN(T value, read(q));
    rows.push_back(std::move(value));
  }
}

// The single row of `q` through `read`, or nullopt.
template <typename T>
Result<std::optional<T>> read_optional(Query& q, Result<T> (*read)(const Query&)) {
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  if (!row) return std::optional<T>();
  OJSYNC_ASSIGN_OR_RETURN(T value, read(q));
  return std::optional<T>(std::move(value));
}

// A token's entity types as stored: comma-separated.
std::string entity_types_text(const std::vector<std::string>& types);

}  // namespace ojsync
