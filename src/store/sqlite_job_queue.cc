#include "store/sqlite_job_queue.h"

#include <algorithm>

#include "store/sqlite_store_rows.h"

namespace ojsync {

namespace {

enum class RunAtMerge : std::uint8_t { kEarlier, kLater };

Result<std::optional<Job>> find_job(SqliteDb& db, std::int64_t job_id) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_JOB_COLUMNS " FROM sync_jobs WHERE id = ?"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.bind(job_id).step());
  if (!row) return std::optional<Job>();
  OJSYNC_ASSIGN_OR_RETURN(Job job, read_job(q));
  return std::optional<Job>(std::move(job));
}

Result<std::optional<std::int64_t>> pending_sibling(SqliteDb& db, const Job& job) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT id FROM sync_jobs WHERE type = ? AND entity_id = ? "
                                            "AND direction = ? AND state = 'pending' AND id <> ?"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row,
                          q.bind(job.key.type, job.key.id, direction_name(job.direction), job.id).step());
  return row ? std::optional<std::int64_t>(q.int64(0)) : std::nullopt;
}

// Makes `job` pending at `run_at` with `attempts`, or merges it into the job already pending
// for its key and direction (which keeps the higher attempt count, and the earlier or later
// run_at as `merge` says).
Status make_pending(SqliteDb& db, const Job& job, Timestamp run_at, std::int32_t attempts,
                    std::string_view last_error, RunAtMerge merge) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::int64_t> sibling, pending_sibling(db, job));
  if (!sibling) {
    OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("UPDATE sync_jobs SET state = 'pending', run_at = ?, "
                                              "attempts = ?, lease_until = NULL, leased_by = '', "
                                              "last_error = ? WHERE id = ?"));
    return q.bind(run_at, attempts, last_error, job.id).run();
  }
  OJSYNC_ASSIGN_OR_RETURN(
      Query update,
      db.query(merge == RunAtMerge::kEarlier
                   ? "UPDATE sync_jobs SET run_at = MIN(run_at, ?1), attempts = MAX(attempts, ?2), "
                     "last_error = CASE WHEN ?3 = '' THEN last_error ELSE ?3 END WHERE id = ?4"
                   : "UPDATE sync_jobs SET run_at = MAX(run_at, ?1), attempts = MAX(attempts, ?2), "
                     "last_error = CASE WHEN ?3 = '' THEN last_error ELSE ?3 END WHERE id = ?4"));
  OJSYNC_RETURN_IF_ERROR(update.bind(run_at, attempts, last_error, *sibling).run());
  return complete_job(db, job.id);
}

Result<Job> find_leased_job(SqliteDb& db, std::int64_t job_id) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<Job> job, find_job(db, job_id));
  if (!job) return NotFound("job " + std::to_string(job_id) + " does not exist");
  if (job->state != JobState::kLeased) {
    return FailedPrecondition("job " + std::to_string(job_id) + " is not leased");
  }
  return std::move(*job);
}

}  // namespace

// The upsert, then a read of the pending job's id through the index that makes it unique:
// RETURNING would materialise the row in an ephemeral table, which costs more than both.
Result<std::int64_t> enqueue_job(SqliteDb& db, const EntityKey& key, Direction direction,
                                 std::string_view trigger, Timestamp run_at) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query upsert,
      db.query("INSERT INTO sync_jobs (type, entity_id, direction, triggered_by, state, attempts, "
               "run_at, lease_until, leased_by, last_error, created_at) "
               "VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, NULL, '', '', ?5) "
               "ON CONFLICT (type, entity_id, direction) WHERE state = 'pending' "
               "DO UPDATE SET run_at = MIN(run_at, excluded.run_at)"));
  OJSYNC_RETURN_IF_ERROR(
      upsert.bind(key.type, key.id, direction_name(direction), trigger, run_at).run());
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT id FROM sync_jobs WHERE type = ? AND "
                                            "entity_id = ? AND direction = ? AND state = 'pending'"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row,
                          q.bind(key.type, key.id, direction_name(direction)).step());
  if (!row) return Internal("enqueue left no pending job");
  return q.int64(0);
}

Result<std::vector<Job>> claim_due_jobs(SqliteDb& db, std::string_view worker, std::size_t max,
                                        Timestamp now, Duration lease) {
  std::vector<Job> jobs;
  if (max == 0) return jobs;
  OJSYNC_ASSIGN_OR_RETURN(
      Query q,
      db.query("UPDATE sync_jobs SET state = 'leased', lease_until = ?2, leased_by = ?3 "
               "WHERE id IN (SELECT id FROM sync_jobs "
               "WHERE (state = 'pending' AND run_at <= ?1) OR (state = 'leased' AND lease_until < ?1) "
               "ORDER BY run_at, id LIMIT ?4) RETURNING " OJSYNC_JOB_COLUMNS));
  q.bind(now, now + lease, worker, sql_limit(max));
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) break;
    OJSYNC_ASSIGN_OR_RETURN(Job job, read_job(q));
    jobs.push_back(std::move(job));
  }
  // RETURNING yields rows in no particular order.
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) {
    return a.run_at != b.run_at ? a.run_at < b.run_at : a.id < b.id;
  });
  return jobs;
}

Status release_leased_job(SqliteDb& db, std::int64_t job_id) {
  OJSYNC_ASSIGN_OR_RETURN(Job job, find_leased_job(db, job_id));
  return make_pending(db, job, job.run_at, job.attempts, job.last_error, RunAtMerge::kEarlier);
}

Status defer_leased_job(SqliteDb& db, std::int64_t job_id, Timestamp run_at) {
  OJSYNC_ASSIGN_OR_RETURN(Job job, find_leased_job(db, job_id));
  return make_pending(db, job, run_at, job.attempts, job.last_error, RunAtMerge::kLater);
}

Result<std::size_t> release_worker_leases(SqliteDb& db, std::string_view worker) {
  std::vector<Job> held;
  {
    OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_JOB_COLUMNS " FROM sync_jobs "
                                              "WHERE state = 'leased' AND leased_by = ?"));
    q.bind(worker);
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
      if (!row) break;
      OJSYNC_ASSIGN_OR_RETURN(Job job, read_job(q));
      held.push_back(std::move(job));
    }
  }
  for (const Job& job : held) {
    OJSYNC_RETURN_IF_ERROR(
        make_pending(db, job, job.run_at, job.attempts, job.last_error, RunAtMerge::kEarlier));
  }
  return held.size();
}

Status replay_job(SqliteDb& db, std::int64_t job_id, Timestamp run_at) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<Job> job, find_job(db, job_id));
  if (!job) return NotFound("job " + std::to_string(job_id) + " does not exist");
  if (job->state != JobState::kDead) {
    return FailedPrecondition("job " + std::to_string(job_id) + " is not dead-lettered");
  }
  return make_pending(db, *job, run_at, 0, job->last_error, RunAtMerge::kEarlier);
}

Status complete_job(SqliteDb& db, std::int64_t job_id) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("DELETE FROM sync_jobs WHERE id = ?"));
  return q.bind(job_id).run();
}

Status fail_job(SqliteDb& db, const JobFailure& failure) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<Job> job, find_job(db, failure.job_id));
  if (!job || job->state == JobState::kDead) return OkStatus();
  const std::int32_t attempts = job->attempts + 1;
  if (attempts < failure.retry_limit) {
    return make_pending(db, *job, failure.retry_at, attempts, failure.error, RunAtMerge::kLater);
  }
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("UPDATE sync_jobs SET state = 'dead', attempts = ?, "
                                            "lease_until = NULL, leased_by = '', last_error = ? "
                                            "WHERE id = ?"));
  return q.bind(attempts, failure.error, job->id).run();
}

Result<std::size_t> count_due_jobs_up_to(SqliteDb& db, Timestamp now, std::size_t up_to) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT count(*) FROM (SELECT 1 FROM sync_jobs "
                                            "WHERE state = 'pending' AND run_at <= ? LIMIT ?)"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.bind(now, sql_limit(up_to)).step());
  if (!row) return Internal("count(*) returned no row");
  return static_cast<std::size_t>(q.int64(0));
}

Result<std::vector<Job>> list_jobs_in_state(SqliteDb& db, std::optional<JobState> state,
                                            std::size_t limit) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_JOB_COLUMNS " FROM sync_jobs "
                                            "WHERE ?1 IS NULL OR state = ?1 ORDER BY run_at, id LIMIT ?2"));
  const std::optional<std::string> state_name =
      state ? std::optional<std::string>(job_state_name(*state)) : std::nullopt;
  q.bind(state_name, sql_limit(limit));
  return read_all(q, read_job);
}

}  // namespace ojsync
