// The durable job queue of the SQLite store (table sync_jobs).
//
// Every function runs inside the caller's transaction (a write transaction for the ones
// that change rows), so queue changes commit together with the sync that caused them.
//
// Invariant: at most one PENDING job per (type, id, direction), enforced by a partial unique
// index. Whenever a job would become pending next to another pending one (release, replay,
// failure), the two merge into the job already pending.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ojsync/store.h"
#include "store/sqlite_db.h"

namespace ojsync {

// Store::enqueue: reuses the pending job for the key and direction (its run_at becomes the
// earlier of the two), else inserts one. created_at is the run_at it was first queued with
// (the store has no clock of its own).
Result<std::int64_t> enqueue_job(SqliteDb& db, const EntityKey& key, Direction direction,
                                 std::string_view trigger, Timestamp run_at);

// Store::claim_jobs: pending jobs with run_at <= now and leased jobs whose lease_until < now,
// oldest run_at first (then id), leased to `worker` until now + lease.
Result<std::vector<Job>> claim_due_jobs(SqliteDb& db, std::string_view worker, std::size_t max,
                                        Timestamp now, Duration lease);

// Store::release_job: kNotFound for an unknown job, kFailedPrecondition unless it is leased.
// Attempts and run_at are kept.
Status release_leased_job(SqliteDb& db, std::int64_t job_id);

// Store::defer_job: like release_leased_job, at `run_at` (a merge keeps the later run_at).
Status defer_leased_job(SqliteDb& db, std::int64_t job_id, Timestamp run_at);

// Store::release_leases: every job leased by `worker`, released like release_leased_job.
Result<std::size_t> release_worker_leases(SqliteDb& db, std::string_view worker);

// Store::replay_dead_job: kNotFound for an unknown job, kFailedPrecondition unless it is dead.
Status replay_job(SqliteDb& db, std::int64_t job_id, Timestamp run_at);

// SyncCommit::completed_job_id: deletes the job. An unknown id is not an error: another worker
// may have finished the job after this one's lease expired.
Status complete_job(SqliteDb& db, std::int64_t job_id);

// SyncCommit::failed_job: counts an attempt; at retry_limit the job is dead-lettered, else it is
// pending again at retry_at (merged into a job already pending for the same key and direction,
// which then keeps the later run_at so the backoff holds). Unknown and dead jobs are left alone.
Status fail_job(SqliteDb& db, const JobFailure& failure);

// Store::count_due_jobs: pending jobs with run_at <= now, counted up to `up_to`.
Result<std::size_t> count_due_jobs_up_to(SqliteDb& db, Timestamp now, std::size_t up_to);

// Store::list_jobs: ordered by run_at, then id.
Result<std::vector<Job>> list_jobs_in_state(SqliteDb& db, std::optional<JobState> state,
                                            std::size_t limit);

}  // namespace ojsync
