// SyncManager: the engine's API, named after the seed's DataSyncManager.
//
//   sync(type, id, direction)      one entity, now
//   batch_sync(type, ids)          many, in groups (bulk path); one bad record never blocks others
//   batch_sync_pages(type, next)   the same for ids that come in pages, without a drain between
//   status(type, id)               archive entry, recent records, open conflict
//   pending_conflicts()            open conflicts
//   resolve_conflict(id, data)     validated, then written to both sides
//   statistics(), health()
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ojsync/circuit_breaker.h"
#include "ojsync/connector.h"
#include "ojsync/options.h"
#include "ojsync/random.h"
#include "ojsync/resolver.h"
#include "ojsync/store.h"

namespace ojsync {

// What the engine runs against. Pointers are borrowed and must outlive the SyncManager.
struct SyncEnv {
  Store* store = nullptr;
  Connector* ojs = nullptr;
  Connector* agents = nullptr;
  const Clock* clock = nullptr;  // nullptr = SystemClock.
  Random* random = nullptr;      // nullptr = seeded from the clock.
  ResolverRegistry resolvers = ResolverRegistry::with_builtins();
  // Waits between inline retries; tests inject a recorder. Empty = sleep the thread.
  std::function<void(Duration)> sleep;
  // Told of every committed sync record (metrics, live dashboards). Called on the syncing
  // thread after the commit; must be thread-safe and quick.
  std::function<void(const SyncRecord&)> on_record;
};

struct SyncReport {
  EntityKey key;
  Direction direction = Direction::kBoth;
  SyncOutcome outcome = SyncOutcome::kNoop;
  bool wrote_ojs = false;
  bool wrote_agents = false;
  std::int64_t record_id = 0;
  std::int64_t conflict_id = 0;  // When outcome is kConflict.
  std::int32_t retries = 0;
  Duration duration{0};
  std::vector<std::string> rejected_fields;  // Fields a side refused to store.
  // Set when the OJS document synced was one the engine created for another entity, whose create
  // never got its reply: nothing was imported, and that entity's sync was queued instead
  // (docs/invariants.md, G1).
  std::optional<EntityKey> handed_to;
};

struct EntityStatus {
  std::optional<SyncState> state;
  std::vector<SyncRecord> recent_records;  // Newest first.
  std::optional<ConflictRecord> open_conflict;
};

struct SyncStatistics {
  StoreStatistics store;
  double success_rate = 1.0;      // successful / total, all time (1.0 when none yet).
  double success_rate_24h = 1.0;  // Same over the last 24 hours.
};

enum class HealthStatus : std::uint8_t { kHealthy, kDegraded, kUnhealthy };
std::string_view health_status_name(HealthStatus s);  // "healthy", "degraded", "unhealthy"

struct HealthCheck {
  std::string name;  // "store", "ojs", "agents", "dead_letter", "conflicts"
  HealthStatus status = HealthStatus::kHealthy;
  std::string detail;
};

struct HealthReport {
  HealthStatus overall_status = HealthStatus::kHealthy;  // The worst check.
  std::vector<HealthCheck> checks;
};

// How one queued job ended.
enum class JobOutcome : std::uint8_t {
  kSucceeded,     // Synced (or a recorded conflict): the job is done.
  kRescheduled,   // Failed; due again after its backoff.
  kDeadLettered,  // Failed for good (retry_limit reached, or a permanent error).
  kHeld,          // An open circuit breaker refused it; due again when the breaker may close.
};

struct JobRunSummary {
  std::size_t claimed = 0;
  std::size_t succeeded = 0;
  std::size_t failed = 0;        // Rescheduled for another attempt.
  std::size_t dead_lettered = 0;
  std::size_t held = 0;  // Waiting for an open circuit breaker; no attempt spent.
};

class SyncManager {
 public:
  // Validates options and env (kInvalidArgument with the reason) and starts the worker pool.
  static Result<std::unique_ptr<SyncManager>> create(SyncOptions options, SyncEnv env);
  ~SyncManager();
  SyncManager(const SyncManager&) = delete;
  SyncManager& operator=(const SyncManager&) = delete;

  // Syncs one entity now, retrying retryable errors (retry_limit attempts, backoff, at least
  // the remote's Retry-After). Retries stop early when an endpoint's circuit breaker is open or
  // the remote asks for a pause longer than retry_backoff_max; the error then carries
  // retry_after. The outcome is recorded. Errors: kInvalidArgument (bad type/id), kNotFound (on
  // neither side nor known), or the last error of the connectors/store.
  Result<SyncReport> sync(std::string_view type, std::string_view id,
                          Direction direction = Direction::kBoth, std::string_view trigger = "api");

  // Syncs each id independently; results in the order of `ids`. Ids are taken in groups that
  // share their store transactions and side batches (docs/engine.md, "Bulk path"); an entity
  // that needs more than an ordinary write, or whose step fails, is synced alone as sync()
  // would, so each id succeeds or fails on its own.
  std::vector<std::pair<std::string, Result<SyncReport>>> batch_sync(
      std::string_view type, const std::vector<std::string>& ids,
      Direction direction = Direction::kBoth, std::string_view trigger = "api");
  // batch_sync over ids that come a page at a time (an import from a listing): `next_ids` is
  // asked for the next page as soon as it gives one, on a pool thread, while the pool still
  // syncs the pages before, so neither the pool nor the calling thread waits for the listing
  // between pages, until it gives none or fails. It is never asked twice at once, but must not
  // share unguarded state with `on_result`, nor call the manager. `on_result` gets each id's
  // outcome, as batch_sync's, on the calling thread (which must not be a pool thread), in no
  // set order.
  // Returns the error of `next_ids` that ended the paging (the ids taken before it still run to
  // their outcome), or OK. Memory holds a few pages, however many ids come.
  using NextIds = std::function<Result<std::vector<std::string>>()>;
  using OnResult = std::function<void(const std::string& id, Result<SyncReport> result)>;
  Status batch_sync_pages(std::string_view type, const NextIds& next_ids, const OnResult& on_result,
                          Direction direction = Direction::kBoth, std::string_view trigger = "api");

  Result<EntityStatus> status(std::string_view type, std::string_view id, std::size_t records = 10);
  // OK when the agents may create a new entity `id`: ojsync has an entry for it already, or
  // OJS could not hold one under that id (Connector::could_hold). Otherwise the entity's first
  // sync would pair it with OJS's entity of that id: kFailedPrecondition, saying what to do.
  Status check_new_agents_entity(std::string_view type, std::string_view id);

  Result<std::vector<ConflictRecord>> pending_conflicts(std::size_t limit = 100);

  // Settles an open conflict. `resolution` is either {"take": "ojs"|"agents"} or an object
  // of field values ({"title": "Resolved Title"}) that must cover every conflicting
  // top-level field; other fields keep their merged values. Both sides are re-read, the
  // result is written to both, and the conflict is closed in the same commit as the new
  // base. Errors: kNotFound, kFailedPrecondition (already resolved, or a conflicting field
  // left uncovered), kInvalidArgument (malformed resolution).
  Result<SyncReport> resolve_conflict(std::int64_t conflict_id, const Json& resolution,
                                      std::string_view resolved_by);

  Result<SyncStatistics> statistics();
  HealthReport health();

  // --- durable queue (used by the background service and event intake)
  Result<std::int64_t> enqueue(std::string_view type, std::string_view id, Direction direction,
                               std::string_view trigger);
  // The same for several ids of one type in one store transaction (a sweep's page): all are
  // queued or none (kInvalidArgument, nothing queued, when one is not a valid key). Job ids in
  // the order of `ids`.
  Result<std::vector<std::int64_t>> enqueue_all(std::string_view type,
                                                const std::vector<std::string>& ids,
                                                Direction direction, std::string_view trigger);
  // How many queued jobs are due now, counted up to `up_to` (a sweep's backpressure).
  Result<std::size_t> count_due_jobs(std::size_t up_to);
  // Claims up to batch_size due jobs, runs them (as run_due_jobs_in_bulk) and waits for them;
  // failures back off alone (at least as long as the remote's Retry-After) and dead-letter after
  // retry_limit attempts (permanent errors at once). A job refused by an open circuit breaker
  // waits for it without spending an attempt.
  Result<JobRunSummary> run_due_jobs(std::string_view worker);
  // The same for a caller that keeps the pool busy (the service's job runner): claims up to
  // `max` due jobs, starts them on the worker pool and returns how many it claimed without
  // waiting; `done` is called on a pool thread as each finishes, so one slow job never holds
  // back the next claim. `done` must be thread-safe and outlive the jobs.
  Result<std::size_t> start_due_jobs(std::string_view worker, std::size_t max,
                                     std::function<void(JobOutcome)> done);
  // The same for a queue that holds many due jobs (an import, a sweep's backlog): claims up to
  // `max` due jobs and syncs those that share a type with others on the bulk path (batch_sync's
  // groups, one store transaction per step of a group), on the calling thread, which waits for
  // the pool and so must not be one of its threads. A lone job of its type, and one its group
  // sends the per-entity way, starts on the pool after the groups, as start_due_jobs starts it.
  // A group waits for its slowest fetch (bounded by the connector's timeout). Returns how many
  // it claimed; `done` as for start_due_jobs (on this thread for a job its group ended).
  // With `claim_more`, a full claim streams: its last job's type takes its next jobs from
  // further claims of `max`, made while the pool still plans the groups before (so it does not
  // drain between claims), each after a full one and only when `claim_more()` says yes (the
  // caller makes room for `max` more jobs in it); jobs of other types in those claims run after.
  // The stream also ends when `max` jobs wait to run alone or for their type, or after half a
  // job lease, so that none waits out its lease.
  Result<std::size_t> run_due_jobs_in_bulk(std::string_view worker, std::size_t max,
                                           std::function<void(JobOutcome)> done,
                                           const std::function<bool()>& claim_more = nullptr);

  // Removes records and resolved conflicts older than retention_days.
  Result<CleanupCounts> cleanup();

  // One circuit breaker per remote endpoint (side × entity type: "ojs/manuscript"), by name.
  std::vector<CircuitBreakerStatus> circuit_breakers() const;
  // A side's Connector::list_changed through that endpoint's breaker (the service's sweeps),
  // so a sweep also probes an idle endpoint whose breaker waits half-open. kInvalidArgument for
  // an unknown type.
  Result<ChangePage> list_changed(Side side, std::string_view type, std::string_view cursor,
                                  std::size_t limit);

  const SyncOptions& options() const;

 private:
  struct Impl;
  explicit SyncManager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ojsync
