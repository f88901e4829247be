// The SQLite implementation of Store: one connection, one mutex.
//
// Every public method holds the mutex for its whole transaction, so there is exactly one
// writer connection per database (STACK.md: SQLite 3.40 has a WAL-reset bug with several
// writers) and no SQLITE_BUSY between threads of one process. Other processes on the same
// file wait up to the busy timeout and then get kUnavailable. A read waits behind at most
// one commit (measured: a full commit ≈ 0.4 ms, get_state ≈ 10 µs), so a second, read-only
// connection was not worth its complexity.
#include <mutex>
#include <type_traits>
#include <utility>

#include "ojsync/store.h"
#include "store/key_checks.h"
#include "store/sealed_rows.h"
#include "store/sqlite_api_tokens.h"
#include "store/sqlite_audit_log.h"
#include "store/sqlite_db.h"
#include "store/sqlite_job_queue.h"
#include "store/sqlite_readers.h"
#include "store/sqlite_service_state.h"
#include "store/sqlite_statistics.h"
#include "store/sqlite_store_rows.h"
#include "store/sqlite_store_schema.h"
#include "store/sqlite_sync_log.h"

namespace ojsync {

namespace {

// Columns of OJSYNC_STATE_COLUMNS that rank entries sharing a side id.
constexpr int kStateTombstone = 8;
constexpr int kStateUpdatedAt = 9;

// Whether an entry (tombstone?, updated_at) wins over `best` for a side id: a live one over a
// tombstone, then the most recently updated.
bool outranks(bool tombstone, Timestamp updated_at, const SyncState& best) {
  if (tombstone != best.tombstone) return !tombstone;
  return updated_at > best.updated_at;
}

// ---------------------------------------------------------------- the parts of a commit

// Writes `state` if the stored version is `expected` (0 = absent); returns the new version.
Result<std::int64_t> write_state(SqliteDb& db, const FieldCipher* cipher, const SyncState& state,
                                 std::int64_t expected) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> base, state_base_text(cipher, state));
  OJSYNC_ASSIGN_OR_RETURN(
      Query q,
      db.query(expected == 0
                   ? "INSERT INTO sync_state (" OJSYNC_STATE_COLUMNS
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, NULL) "
                     "ON CONFLICT (type, entity_id) DO NOTHING"
                   : "UPDATE sync_state SET ojs_id = ?3, agents_id = ?4, base = ?5, base_hash = ?6, "
                     "ojs_hash = ?7, agents_hash = ?8, tombstone = ?9, updated_at = ?10, "
                     "version = version + 1, write_intent = NULL "
                     "WHERE type = ?1 AND entity_id = ?2 AND version = ?11"));
  q.bind(state.key.type, state.key.id, state.ojs_id, state.agents_id, base, state.base_hash,
         state.ojs_hash, state.agents_hash, state.tombstone, state.updated_at);
  if (expected != 0) q.bind(expected);
  OJSYNC_RETURN_IF_ERROR(q.run());
  if (db.changes() != 1) {
    return Aborted("sync state of " + state.key.to_string() + " is no longer at version " +
                   std::to_string(expected));
  }
  return expected + 1;
}

// Stores `u.intent` on the entry at `u.version` without changing the version, or inserts the
// entry carrying it when the version is 0; returns the version the sync's commit names.
Result<std::int64_t> store_write_intent(SqliteDb& db, const WriteIntentUpdate& u) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q,
      db.query(u.version == 0 ? "INSERT INTO sync_state (" OJSYNC_STATE_COLUMNS
                                ") VALUES (?1, ?2, ?4, ?5, NULL, '', '', '', 0, ?6, 1, ?3) "
                                "ON CONFLICT (type, entity_id) DO NOTHING"
                              : "UPDATE sync_state SET write_intent = ?3 "
                                "WHERE type = ?1 AND entity_id = ?2 AND version = ?4"));
  q.bind(u.key.type, u.key.id, write_intent_text(u.intent));
  if (u.version == 0) {
    q.bind(u.ojs_id, u.agents_id, u.updated_at);
  } else {
    q.bind(u.version);
  }
  OJSYNC_RETURN_IF_ERROR(q.run());
  if (db.changes() != 1) {
    return Aborted("sync state of " + u.key.to_string() + " is no longer at version " +
                   std::to_string(u.version));
  }
  return u.version == 0 ? 1 : u.version;
}

// The records and statistics rollup of one transaction's commits, written just before it
// commits (so a group commit writes its records as one block).
struct CommitLog {
  SyncLogAppender records;
  StatisticsBatch statistics;
  AuditAppender audit;

  Status flush(SqliteDb& db) {
    OJSYNC_RETURN_IF_ERROR(records.flush(db));
    return statistics.flush(db);
  }
};

// Inserts the entity's open conflict, or replaces the one already open (keeping its id and
// created_at). The status in `c` is ignored: what this stores is open.
Result<std::int64_t> upsert_open_conflict(SqliteDb& db, const FieldCipher* cipher,
                                          const ConflictRecord& c) {
  OJSYNC_ASSIGN_OR_RETURN(ConflictTexts texts, conflict_texts(cipher, c));
  OJSYNC_ASSIGN_OR_RETURN(
      Query q,
      db.query(
          "INSERT INTO sync_conflicts (type, entity_id, status, strategy, base, ojs, agents, "
          "fields, created_at, updated_at, resolved_at, resolved_by, resolution, "
          "resolved_document) "
          "VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, NULL, '', '', NULL) "
          "ON CONFLICT (type, entity_id) WHERE status = 'open' DO UPDATE SET "
          "strategy = excluded.strategy, base = excluded.base, ojs = excluded.ojs, "
          "agents = excluded.agents, fields = excluded.fields, updated_at = excluded.updated_at "
          "RETURNING id"));
  q.bind(c.key.type, c.key.id, c.strategy, texts.base, texts.ojs, texts.agents, texts.fields,
         c.created_at, c.updated_at);
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  if (!row) return Internal("storing a conflict returned no id");
  return q.int64(0);
}

// `key` is the conflict's entity: its resolved document is sealed for that place.
Status close_conflict(SqliteDb& db, const FieldCipher* cipher, const EntityKey& key,
                      const ConflictClosure& closure, Timestamp at) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> resolved,
                          resolved_document_text(cipher, key, closure.resolved_document));
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("UPDATE sync_conflicts SET status = 'resolved', resolved_at = ?1, updated_at = ?1, "
                        "resolved_by = ?2, resolution = ?3, resolved_document = ?4 "
                        "WHERE id = ?5 AND status = 'open' RETURNING id"));
  q.bind(at, closure.resolved_by, closure.resolution, resolved, closure.conflict_id);
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  if (!row) return FailedPrecondition("conflict " + std::to_string(closure.conflict_id) + " is not open");
  return OkStatus();
}

// The audit entry of a conflict closed by a commit: who settled it, how, and the base it
// moved from and to.
AuditEntry conflict_resolved_entry(const SyncCommit& commit, Timestamp at) {
  const ConflictClosure& closure = *commit.close_conflict;
  AuditEntry entry;
  entry.at = at;
  entry.actor = closure.resolved_by;
  entry.action = "conflict_resolved";
  entry.key = commit.record.key;
  entry.before_hash = commit.record.base_hash_before;
  entry.after_hash = commit.state ? commit.state->base_hash : commit.record.base_hash_after;
  entry.reason = closure.resolution;
  entry.details = Json(Json::Object{{"conflict_id", Json(closure.conflict_id)}});
  return entry;
}

// Replaces the documents of conflict `c.id` (privacy erasure), keeping its other columns.
Status replace_conflict_documents(SqliteDb& db, const FieldCipher* cipher,
                                  const ConflictRecord& c) {
  OJSYNC_ASSIGN_OR_RETURN(ConflictTexts texts, conflict_texts(cipher, c));
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> resolved,
                          resolved_document_text(cipher, c.key, c.resolved_document));
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("UPDATE sync_conflicts SET base = ?, ojs = ?, agents = ?, fields = ?, "
                        "resolved_document = ? WHERE id = ? RETURNING id"));
  q.bind(texts.base, texts.ojs, texts.agents, texts.fields, resolved, c.id);
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  if (!row) return NotFound("conflict " + std::to_string(c.id) + " no longer exists");
  return OkStatus();
}

// Runs a DELETE bound to `cutoff` and returns how many rows it removed.
Result<std::int64_t> delete_before(SqliteDb& db, std::string_view sql, Timestamp cutoff) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query(sql));
  OJSYNC_RETURN_IF_ERROR(q.bind(cutoff).run());
  return db.changes();
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<SqliteDb> db, std::shared_ptr<const FieldCipher> cipher,
              const SqliteStoreOptions& options)
      : db_(std::move(db)),
        cipher_(std::move(cipher)),
        readers_(options.path, options.busy_timeout, kReaders) {}

  // The keyring is checked against the stored key checks before any migration, so a store
  // opened with a missing or wrong key is left exactly as it was.
  Result<int> migrate() override {
    std::lock_guard lock(mu_);
    OJSYNC_RETURN_IF_ERROR(run_transaction(Transaction::Mode::kRead, [&](SqliteDb& db) {
      return verify_key_checks(db, "service_settings", cipher_.get());
    }));
    OJSYNC_ASSIGN_OR_RETURN(const int version, apply_migrations(*db_, sqlite_store_migrations()));
    if (cipher_ != nullptr) {
      OJSYNC_RETURN_IF_ERROR(run_transaction(Transaction::Mode::kWrite, [&](SqliteDb& db) {
        return record_key_check(db, "service_settings", *cipher_);
      }));
    }
    return version;
  }

  // Reachable, and able to write: after a write failed for want of storage (disk full,
  // read-only file, I/O error), a probe write tells whether it can write again.
  Status ping() override {
    std::lock_guard lock(mu_);
    if (!write_failure_.ok()) {
      Status probe = run_transaction(Transaction::Mode::kWrite, [](SqliteDb& db) {
        return write_setting(db, "health.write_probe", "ok");
      });
      note(probe, /*was_write_transaction=*/true);
      if (!probe.ok()) {
        return probe.with_message("the store cannot write: " + probe.message());
      }
    }
    OJSYNC_ASSIGN_OR_RETURN(Query q, db_->query("SELECT 1"));
    return q.run();
  }

  Result<std::int64_t> record_write_intent(const SyncState& state, std::int64_t version,
                                           const WriteIntent& intent) override {
    return with_db([&](SqliteDb& db) {
      return store_write_intent(db, WriteIntentUpdate{state.key, version, state.ojs_id,
                                                      state.agents_id, state.updated_at, intent});
    });
  }

  // Each update is one statement, atomic by itself: no savepoint needed.
  Result<std::vector<Result<std::int64_t>>> record_write_intents(
      std::span<const WriteIntentUpdate> updates) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) -> Result<std::vector<Result<std::int64_t>>> {
                      std::vector<Result<std::int64_t>> versions;
                      versions.reserve(updates.size());
                      for (const WriteIntentUpdate& u : updates) {
                        versions.push_back(store_write_intent(db, u));
                      }
                      return versions;
                    });
  }

  Result<std::optional<SyncState>> get_state(const EntityKey& key) override {
    return opened(read([&](SqliteDb& db) { return read_state_of(db, key); }));
  }

  Result<std::vector<std::optional<SyncState>>> get_states(
      std::span<const EntityKey> keys) override {
    return opened(read_each<std::optional<SyncState>>(keys, read_state_of));
  }

  Result<std::optional<SyncState>> find_state_by_side_id(std::string_view type, Side side,
                                                         std::string_view side_id) override {
    return opened(
        read([&](SqliteDb& db) { return read_state_by_side_id(db, type, side, side_id); }));
  }

  Result<std::vector<std::optional<SyncState>>> find_states_by_side_ids(
      std::string_view type, Side side, std::span<const std::string> side_ids) override {
    const auto read_one = [&](SqliteDb& db, const std::string& side_id) {
      return read_state_by_side_id(db, type, side, side_id);
    };
    return opened(read_each<std::optional<SyncState>>(side_ids, read_one));
  }

  Result<std::vector<SyncState>> list_states(std::string_view type, std::string_view after_id,
                                             std::size_t limit) override {
    return opened(read([&](SqliteDb& db) -> Result<std::vector<SyncState>> {
      OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                                "WHERE type = ? AND entity_id > ? ORDER BY entity_id LIMIT ?"));
      q.bind(type, after_id, sql_limit(limit));
      return read_all(q, read_state);
    }));
  }

  // Through a partial index of the entries that carry a write intent and have no id on that
  // side (normally none, whatever the number of entries only on the other side); the intent's
  // JSON says which of them a sync was writing there.
  Result<std::vector<SyncState>> list_pending_creates(std::string_view type, Side side,
                                                      std::size_t limit) override {
    return opened(read([&](SqliteDb& db) -> Result<std::vector<SyncState>> {
      OJSYNC_ASSIGN_OR_RETURN(
          Query q, db.query(side == Side::kOjs
                                ? "SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                  "INDEXED BY sync_state_pending_ojs_creates WHERE type = ? "
                                  "AND ojs_id = '' AND write_intent IS NOT NULL "
                                  "AND json_extract(write_intent, '$.ojs') = 1 "
                                  "ORDER BY entity_id LIMIT ?"
                                : "SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                  "INDEXED BY sync_state_pending_agents_creates WHERE type = ? "
                                  "AND agents_id = '' AND write_intent IS NOT NULL "
                                  "AND json_extract(write_intent, '$.agents') = 1 "
                                  "ORDER BY entity_id LIMIT ?"));
      q.bind(type, sql_limit(limit));
      return read_all(q, read_state);
    }));
  }

  Result<std::vector<SyncState>> list_all_states(const EntityKey& after,
                                                 std::size_t limit) override {
    return opened(read([&](SqliteDb& db) -> Result<std::vector<SyncState>> {
      OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                                "WHERE (type, entity_id) > (?, ?) "
                                                "ORDER BY type, entity_id LIMIT ?"));
      q.bind(after.type, after.id, sql_limit(limit));
      return read_all(q, read_state);
    }));
  }

  Result<CommitResult> commit_sync(const SyncCommit& commit) override {
    return transact(Transaction::Mode::kWrite, [&](SqliteDb& db) -> Result<CommitResult> {
      CommitLog log;
      OJSYNC_ASSIGN_OR_RETURN(CommitResult result, apply_commit(db, cipher_.get(), commit, log));
      OJSYNC_RETURN_IF_ERROR(log.flush(db));
      return result;
    });
  }

  Result<std::vector<Result<CommitResult>>> commit_syncs(std::span<const SyncCommit> commits) override {
    return transact(Transaction::Mode::kWrite, [&](SqliteDb& db) -> Result<std::vector<Result<CommitResult>>> {
      std::vector<Result<CommitResult>> results;
      results.reserve(commits.size());
      CommitLog log;
      for (const SyncCommit& commit : commits) {
        // A commit that only moves its entry, audits and records (an import's, a bulk group's)
        // fails, when it does, at the entry's version check, its first write, which changes
        // nothing (a record is written at the log's flush). Closing or opening a conflict and
        // ending a job can fail after it.
        const bool needs_savepoint = commit.close_conflict || commit.open_conflict ||
                                     commit.completed_job_id || commit.failed_job;
        if (!needs_savepoint) {
          OJSYNC_ASSIGN_OR_RETURN(Result<CommitResult> result, run_step_without_savepoint(db, [&] {
                                    return apply_commit(db, cipher_.get(), commit, log);
                                  }));
          results.push_back(std::move(result));
          continue;
        }
        OJSYNC_RETURN_IF_ERROR(db.run("SAVEPOINT ojsync_commit"));
        Result<CommitResult> result = apply_commit(db, cipher_.get(), commit, log);
        if (!result.ok()) {
          OJSYNC_RETURN_IF_ERROR(db.run("ROLLBACK TO ojsync_commit"));
          log.audit.forget();
        }
        OJSYNC_RETURN_IF_ERROR(db.run("RELEASE ojsync_commit"));
        results.push_back(std::move(result));
      }
      OJSYNC_RETURN_IF_ERROR(log.flush(db));
      return results;
    });
  }

  Result<std::vector<SyncRecord>> list_records(const EntityKey& key, std::size_t limit) override {
    return transact(Transaction::Mode::kRead,
                    [&](SqliteDb& db) { return read_entity_records(db, key, limit); });
  }

  Result<std::vector<SyncRecord>> list_records_after(std::int64_t after_id,
                                                     std::size_t limit) override {
    return transact(Transaction::Mode::kRead,
                    [&](SqliteDb& db) { return read_records_after(db, after_id, limit); });
  }

  // Newest first (the most recently appended).
  Result<std::vector<AuditEntry>> list_audit(const EntityKey& key, std::size_t limit) override {
    return opened(with_db([&](SqliteDb& db) -> Result<std::vector<AuditEntry>> {
      OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_AUDIT_COLUMNS " FROM audit_log "
                                                "WHERE type = ? AND entity_id = ? ORDER BY id DESC LIMIT ?"));
      q.bind(key.type, key.id, sql_limit(limit));
      return read_all(q, read_audit);
    }));
  }

  Result<std::int64_t> append_audit(const AuditEntry& entry) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) { return append_audit_entry(db, entry, cipher_.get()); });
  }

  Result<std::vector<ChainedAuditEntry>> read_audit_chain(std::int64_t after_id,
                                                          std::size_t limit) override {
    return opened(with_db([&](SqliteDb& db) { return read_audit_entries(db, after_id, limit); }));
  }

  Result<AuditHead> audit_head() override {
    return with_db([&](SqliteDb& db) { return read_audit_head(db); });
  }

  Result<std::optional<ConflictRecord>> get_conflict(std::int64_t id) override {
    return opened(read([&](SqliteDb& db) -> Result<std::optional<ConflictRecord>> {
      OJSYNC_ASSIGN_OR_RETURN(Query q,
                              db.query("SELECT " OJSYNC_CONFLICT_COLUMNS " FROM sync_conflicts WHERE id = ?"));
      q.bind(id);
      return read_optional(q, read_conflict);
    }));
  }

  Result<std::optional<ConflictRecord>> open_conflict_for(const EntityKey& key) override {
    return opened(read([&](SqliteDb& db) { return read_open_conflict(db, key); }));
  }

  Result<std::vector<std::optional<ConflictRecord>>> open_conflicts_for(
      std::span<const EntityKey> keys) override {
    return opened(read_each<std::optional<ConflictRecord>>(keys, read_open_conflict));
  }

  // Newest first by created_at, then id.
  Result<std::vector<ConflictRecord>> list_conflicts(std::optional<ConflictStatus> status,
                                                     std::size_t limit) override {
    return opened(with_db([&](SqliteDb& db) -> Result<std::vector<ConflictRecord>> {
      OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_CONFLICT_COLUMNS " FROM sync_conflicts "
                                                "WHERE ?1 IS NULL OR status = ?1 "
                                                "ORDER BY created_at DESC, id DESC LIMIT ?2"));
      std::optional<std::string> name;
      if (status) name = *status == ConflictStatus::kOpen ? "open" : "resolved";
      q.bind(name, sql_limit(limit));
      return read_all(q, read_conflict);
    }));
  }

  Result<std::vector<ConflictRecord>> list_conflicts_after(std::int64_t after_id,
                                                           std::size_t limit) override {
    return opened(with_db([&](SqliteDb& db) -> Result<std::vector<ConflictRecord>> {
      OJSYNC_ASSIGN_OR_RETURN(Query q,
                              db.query("SELECT " OJSYNC_CONFLICT_COLUMNS " FROM sync_conflicts "
                                       "WHERE id > ? ORDER BY id LIMIT ?"));
      q.bind(after_id, sql_limit(limit));
      return read_all(q, read_conflict);
    }));
  }

  Result<std::int64_t> enqueue(const EntityKey& key, Direction direction, std::string_view trigger,
                               Timestamp run_at) override {
    return with_db([&](SqliteDb& db) { return enqueue_job(db, key, direction, trigger, run_at); });
  }

  Result<std::vector<std::int64_t>> enqueue_all(std::span<const EntityKey> keys,
                                                Direction direction, std::string_view trigger,
                                                Timestamp run_at) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) -> Result<std::vector<std::int64_t>> {
                      std::vector<std::int64_t> ids;
                      ids.reserve(keys.size());
                      for (const EntityKey& key : keys) {
                        OJSYNC_ASSIGN_OR_RETURN(std::int64_t id,
                                                enqueue_job(db, key, direction, trigger, run_at));
                        ids.push_back(id);
                      }
                      return ids;
                    });
  }

  Result<std::vector<Job>> claim_jobs(std::string_view worker, std::size_t max, Timestamp now,
                                      Duration lease) override {
    return with_db([&](SqliteDb& db) { return claim_due_jobs(db, worker, max, now, lease); });
  }

  Status release_job(std::int64_t job_id) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) { return release_leased_job(db, job_id); });
  }

  Result<std::size_t> release_leases(std::string_view worker) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) { return release_worker_leases(db, worker); });
  }

  Status defer_job(std::int64_t job_id, Timestamp run_at) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) { return defer_leased_job(db, job_id, run_at); });
  }

  Result<std::vector<Job>> list_jobs(std::optional<JobState> state, std::size_t limit) override {
    return with_db([&](SqliteDb& db) { return list_jobs_in_state(db, state, limit); });
  }

  Result<std::size_t> count_due_jobs(Timestamp now, std::size_t up_to) override {
    return with_db([&](SqliteDb& db) { return count_due_jobs_up_to(db, now, up_to); });
  }

  Status replay_dead_job(std::int64_t job_id, Timestamp run_at) override {
    return transact(Transaction::Mode::kWrite, [&](SqliteDb& db) { return replay_job(db, job_id, run_at); });
  }

  Result<StoreStatistics> statistics(Timestamp now) override {
    return transact(Transaction::Mode::kRead, [&](SqliteDb& db) { return read_statistics(db, now); });
  }

  // Tombstones are kept while their entity has an open conflict. Audit entries keep everything
  // but their payload; the statistics rollup and the live queue are never cleaned.
  Result<CleanupCounts> cleanup(const RetentionCutoffs& cutoffs) override {
    return transact(Transaction::Mode::kWrite, [&](SqliteDb& db) -> Result<CleanupCounts> {
      CleanupCounts counts;
      if (cutoffs.records) {
        OJSYNC_ASSIGN_OR_RETURN(
            counts.records,
            delete_records_before(db, *cutoffs.records));
      }
      if (cutoffs.resolved_conflicts) {
        OJSYNC_ASSIGN_OR_RETURN(
            counts.conflicts,
            delete_before(
                db, "DELETE FROM sync_conflicts WHERE status = 'resolved' AND resolved_at < ?",
                *cutoffs.resolved_conflicts));
      }
      if (cutoffs.tombstones) {
        OJSYNC_ASSIGN_OR_RETURN(
            counts.tombstones,
            delete_before(
                db,
                "DELETE FROM sync_state WHERE tombstone = 1 AND updated_at < ? AND NOT EXISTS "
                "(SELECT 1 FROM sync_conflicts c WHERE c.status = 'open' "
                "AND c.type = sync_state.type AND c.entity_id = sync_state.entity_id)",
                *cutoffs.tombstones));
      }
      if (cutoffs.audit_payloads) {
        OJSYNC_ASSIGN_OR_RETURN(counts.audit_payloads,
                                redact_audit_before(db, *cutoffs.audit_payloads));
      }
      if (cutoffs.dead_jobs) {
        OJSYNC_ASSIGN_OR_RETURN(
            counts.dead_jobs,
            delete_before(db, "DELETE FROM sync_jobs WHERE state = 'dead' AND run_at < ?",
                          *cutoffs.dead_jobs));
      }
      return counts;
    });
  }

  Status erase_personal_data(const PersonalDataErasure& erasure) override {
    return transact(Transaction::Mode::kWrite, [&](SqliteDb& db) -> Status {
      for (const SyncState& state : erasure.states)
        OJSYNC_RETURN_IF_ERROR(write_state(db, cipher_.get(), state, state.version).status());
      for (const ConflictRecord& c : erasure.conflicts)
        OJSYNC_RETURN_IF_ERROR(replace_conflict_documents(db, cipher_.get(), c));
      for (const std::int64_t id : erasure.redacted_audit_ids)
        OJSYNC_RETURN_IF_ERROR(redact_audit_entry(db, id));
      OJSYNC_RETURN_IF_ERROR(replace_record_errors(db, erasure.record_errors));
      for (const auto& [id, error] : erasure.job_errors) {
        OJSYNC_ASSIGN_OR_RETURN(Query q,
                                db.query("UPDATE sync_jobs SET last_error = ? WHERE id = ?"));
        OJSYNC_RETURN_IF_ERROR(q.bind(error, id).run());
      }
      for (const AuditEntry& entry : erasure.audit)
        OJSYNC_RETURN_IF_ERROR(append_audit_entry(db, entry, cipher_.get()).status());
      return OkStatus();
    });
  }

  Status purge_freed_space() override {
    std::lock_guard lock(mu_);
    Status purged = db_->purge_freed_space();
    note(purged, /*was_write_transaction=*/true);
    return purged;
  }

  Result<std::optional<std::string>> get_setting(std::string_view name) override {
    return with_db([&](SqliteDb& db) { return read_setting(db, name); });
  }

  Status put_setting(std::string_view name, std::string_view value) override {
    return with_db([&](SqliteDb& db) { return write_setting(db, name, value); });
  }

  Result<bool> accept_event(std::string_view event_id, Timestamp received_at,
                            std::span<const QueuedSync> syncs) override {
    return transact(Transaction::Mode::kWrite, [&](SqliteDb& db) {
      return accept_event_and_enqueue(db, event_id, received_at, syncs);
    });
  }

  Result<std::int64_t> forget_events(Timestamp cutoff) override {
    return with_db([&](SqliteDb& db) { return forget_events_before(db, cutoff); });
  }

  Result<ApiToken> create_token(const ApiToken& token, std::string_view actor) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) { return insert_token(db, token, actor); });
  }

  Result<std::optional<ApiToken>> find_token(std::string_view token_hash) override {
    return with_db([&](SqliteDb& db) { return select_token_by_hash(db, token_hash); });
  }

  Result<std::vector<ApiToken>> list_tokens() override {
    return with_db([&](SqliteDb& db) { return select_tokens(db); });
  }

  Result<ApiToken> revoke_token(std::string_view name_or_id, Timestamp at,
                                std::string_view actor) override {
    return transact(Transaction::Mode::kWrite,
                    [&](SqliteDb& db) { return revoke_token_named(db, name_or_id, at, actor); });
  }

  Status touch_token(std::int64_t id, Timestamp at) override {
    return with_db([&](SqliteDb& db) { return touch_token_used(db, id, at); });
  }

  Result<KeyUsage> key_usage() override {
    if (cipher_ == nullptr) return FailedPrecondition("the store was opened without encryption");
    return transact(Transaction::Mode::kRead,
                    [&](SqliteDb& db) { return survey_rows(db, *cipher_); });
  }

  Result<ResealProgress> reseal(std::size_t max_rows) override {
    if (cipher_ == nullptr) return FailedPrecondition("the store was opened without encryption");
    // The cursor moves only once the step has committed: a step rolled back is done again.
    std::lock_guard lock(mu_);
    ResealCursor cursor = reseal_cursor_;
    Result<ResealProgress> progress = run_transaction(Transaction::Mode::kWrite, [&](SqliteDb& db) {
      return reseal_rows(db, *cipher_, cursor, max_rows);
    });
    note(status_of(progress), /*was_write_transaction=*/true);
    if (progress.ok()) reseal_cursor_ = cursor;
    return progress;
  }

 private:
  // Order inside the transaction: state (the version check first, so a lost race changes
  // nothing), conflicts, queue, audit (the commit's entries, then the closed conflict's
  // "conflict_resolved" entry), and last the record and its statistics, gathered in `log`
  // once everything else succeeded (the caller flushes it before committing). The caller's
  // transaction (or savepoint) rolls everything back on any failure. A closed conflict's
  // resolved_at is the end of the sync: record.started_at + duration.
  static Result<CommitResult> apply_commit(SqliteDb& db, const FieldCipher* cipher,
                                           const SyncCommit& commit, CommitLog& log) {
    CommitResult result;
    if (commit.state) {
      OJSYNC_ASSIGN_OR_RETURN(result.state_version,
                              write_state(db, cipher, *commit.state, commit.expected_version));
    }
    if (commit.close_conflict) {
      const Timestamp at = commit.record.started_at + commit.record.duration;
      OJSYNC_RETURN_IF_ERROR(
          close_conflict(db, cipher, commit.record.key, *commit.close_conflict, at));
    }
    if (commit.open_conflict) {
      OJSYNC_ASSIGN_OR_RETURN(result.conflict_id,
                              upsert_open_conflict(db, cipher, *commit.open_conflict));
    }
    if (commit.completed_job_id) OJSYNC_RETURN_IF_ERROR(complete_job(db, *commit.completed_job_id));
    if (commit.failed_job) OJSYNC_RETURN_IF_ERROR(fail_job(db, *commit.failed_job));
    for (const AuditEntry& entry : commit.audit)
      OJSYNC_RETURN_IF_ERROR(log.audit.append(db, entry, cipher).status());
    if (commit.close_conflict) {
      const Timestamp at = commit.record.started_at + commit.record.duration;
      OJSYNC_RETURN_IF_ERROR(
          log.audit.append(db, conflict_resolved_entry(commit, at), cipher).status());
    }
    OJSYNC_ASSIGN_OR_RETURN(result.record_id, log.records.add(db, commit.record));
    log.statistics.add(commit.record);
    return result;
  }

  // Decrypts what a read returned (outside the mutex: the cipher is immutable).
  Status open_row(SyncState& s) const { return open_state(cipher_.get(), s); }
  Status open_row(ConflictRecord& c) const { return open_conflict(cipher_.get(), c); }
  Status open_row(AuditEntry& e) const { return open_audit(cipher_.get(), e); }
  Status open_row(ChainedAuditEntry& c) const { return open_audit(cipher_.get(), c.entry); }
  template <typename T>
  Status open_row(std::optional<T>& row) const {
    return row ? open_row(*row) : OkStatus();
  }
  template <typename T>
  Result<std::optional<T>> opened(Result<std::optional<T>> row) const {
    if (row.ok() && row->has_value()) OJSYNC_RETURN_IF_ERROR(open_row(**row));
    return row;
  }
  template <typename T>
  Result<std::vector<T>> opened(Result<std::vector<T>> rows) const {
    if (!rows.ok()) return rows;
    for (T& row : *rows) OJSYNC_RETURN_IF_ERROR(open_row(row));
    return rows;
  }

  // Sealed as stored: callers open it.
  static Result<std::optional<SyncState>> read_state_of(SqliteDb& db, const EntityKey& key) {
    OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_STATE_COLUMNS
                                              " FROM sync_state WHERE type = ? AND entity_id = ?"));
    q.bind(key.type, key.id);
    return read_optional(q, read_state);
  }

  // An empty side id means "not on that side yet" and matches nothing. Should two entities
  // name the same side id, a live one wins over a tombstone, then the most recently updated.
  // The winner is picked here rather than by ORDER BY ... LIMIT 1: the index has no order for
  // that, and SQLite would open a temporary B-tree to sort on every lookup (normally of one
  // row or none; it cost a third of the lookup). Sealed as stored.
  static Result<std::optional<SyncState>> read_state_by_side_id(SqliteDb& db,
                                                                std::string_view type, Side side,
                                                                std::string_view side_id) {
    if (side_id.empty()) return std::optional<SyncState>();
    OJSYNC_ASSIGN_OR_RETURN(
        // The entry keyed by the id, and those the side's index holds (schema version 10).
        // INDEXED BY: without statistics SQLite prefers the primary key's `type = ?` prefix,
        // a scan of every entity of the type, which made each sweep page cost O(entities).
        Query q, db.query(side == Side::kOjs
                              ? "SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                "WHERE type = ?1 AND entity_id = ?2 AND ojs_id = ?2 "
                                "UNION ALL SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                "INDEXED BY sync_state_by_ojs_id "
                                "WHERE type = ?1 AND ojs_id = ?2 AND ojs_id <> entity_id"
                              : "SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                "WHERE type = ?1 AND entity_id = ?2 AND agents_id = ?2 "
                                "UNION ALL SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                                "INDEXED BY sync_state_by_agents_id "
                                "WHERE type = ?1 AND agents_id = ?2 AND agents_id <> entity_id"));
    q.bind(type, side_id);
    std::optional<SyncState> best;
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
      if (!row) return best;
      if (best && !outranks(q.boolean(kStateTombstone), q.timestamp(kStateUpdatedAt), *best)) {
        continue;
      }
      OJSYNC_ASSIGN_OR_RETURN(best, read_state(q));
    }
  }

  // Sealed as stored.
  static Result<std::optional<ConflictRecord>> read_open_conflict(SqliteDb& db,
                                                                  const EntityKey& key) {
    OJSYNC_ASSIGN_OR_RETURN(
        Query q, db.query("SELECT " OJSYNC_CONFLICT_COLUMNS " FROM sync_conflicts "
                          "WHERE type = ? AND entity_id = ? AND status = 'open'"));
    q.bind(key.type, key.id);
    return read_optional(q, read_conflict);
  }

  // `read_one` of each of `items` in their order, in one read transaction (one snapshot): the
  // bulk path asks once per group of entities instead of once per entity.
  template <typename Row, typename Item, typename ReadOne>
  Result<std::vector<Row>> read_each(std::span<const Item> items, ReadOne&& read_one) {
    return read([&](SqliteDb& db) -> Result<std::vector<Row>> {
      OJSYNC_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db, Transaction::Mode::kRead));
      std::vector<Row> rows;
      rows.reserve(items.size());
      for (const Item& item : items) {
        OJSYNC_ASSIGN_OR_RETURN(Row row, read_one(db, item));
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

  // Runs `body` on the connection under the mutex (a single statement is its own transaction).
  template <typename Body>
  std::invoke_result_t<Body, SqliteDb&> with_db(Body&& body) {
    std::lock_guard lock(mu_);
    auto result = body(*db_);
    note(status_of(result), /*was_write_transaction=*/false);
    return result;
  }

  // Runs the read `body` on a reader connection, so that it does not wait for the writer's
  // transactions; on the writer (with_db) when no reader is free. A storage failure is noted
  // as with_db notes it.
  template <typename Body>
  std::invoke_result_t<Body, SqliteDb&> read(Body&& body) {
    SqliteReaders::Lease reader = readers_.acquire();
    if (!reader) return with_db(std::forward<Body>(body));
    auto result = body(*reader);
    if (!status_of(result).ok()) {
      std::lock_guard lock(mu_);
      note(status_of(result), /*was_write_transaction=*/false);
    }
    return result;
  }

  // Runs `body` in one transaction under the mutex; commits only when it succeeded.
  template <typename Body>
  std::invoke_result_t<Body, SqliteDb&> transact(Transaction::Mode mode, Body&& body) {
    std::lock_guard lock(mu_);
    auto result = run_transaction(mode, std::forward<Body>(body));
    note(status_of(result), mode == Transaction::Mode::kWrite);
    return result;
  }

  // Requires mu_.
  template <typename Body>
  std::invoke_result_t<Body, SqliteDb&> run_transaction(Transaction::Mode mode, Body&& body) {
    OJSYNC_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(*db_, mode));
    auto result = body(*db_);
    if (!result.ok()) return result;
    OJSYNC_RETURN_IF_ERROR(tx.commit());
    return result;
  }

  static const Status& status_of(const Status& s) { return s; }
  template <typename T>
  static const Status& status_of(const Result<T>& r) {
    return r.status();
  }

  // Remembers a failure for want of storage (full, read-only, I/O: sqlite_db.cc's code
  // mapping) until a write transaction succeeds. Requires mu_.
  void note(const Status& outcome, bool was_write_transaction) {
    if (outcome.ok()) {
      if (was_write_transaction) write_failure_ = OkStatus();
    } else if (outcome.code() == StatusCode::kResourceExhausted ||
               outcome.code() == StatusCode::kUnavailable ||
               outcome.code() == StatusCode::kDataLoss) {
      write_failure_ = outcome;
    }
  }

  // Enough for the engine's planning threads and the daemon's request handlers at once; a read
  // that finds none free goes through the writer.
  static constexpr std::size_t kReaders = 8;

  std::mutex mu_;
  std::unique_ptr<SqliteDb> db_;  // GUARDED_BY(mu_)
  Status write_failure_;          // GUARDED_BY(mu_): OK, or the last storage failure of a write.
  const std::shared_ptr<const FieldCipher> cipher_;  // nullptr: no encryption at rest.
  ResealCursor reseal_cursor_;                       // GUARDED_BY(mu_)
  SqliteReaders readers_;  // After db_: closed before the writer.
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteStoreOptions& options) {
  std::shared_ptr<const FieldCipher> cipher;
  if (options.encryption) {
    OJSYNC_ASSIGN_OR_RETURN(cipher, FieldCipher::create(*options.encryption));
  }
  OJSYNC_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                          SqliteDb::open(SqliteOpenOptions{options.path, options.busy_timeout}));
  return std::unique_ptr<Store>(
      std::make_unique<SqliteStore>(std::move(db), std::move(cipher), options));
}

}  // namespace ojsync
