// JobRunner: drains the durable job queue on its own thread, keeping the engine's worker pool
// busy: whenever a worker is free it claims more due jobs (SyncManager::start_due_jobs), so a
// slow sync holds back nothing but itself. While the queue holds a backlog (a claim took all it
// asked for) it claims many at a time and syncs them on the bulk path, on this thread
// (SyncManager::run_due_jobs_in_bulk), so an import shares its store transactions, and
// claims the backlog's next jobs while the pool still plans the last ones, so the pool does not
// drain between claims. It sleeps when nothing is due and wakes early when
// told that jobs were queued (events, agents' writes, sweeps). Jobs scheduled for later
// (retries with backoff, jobs held by a circuit breaker) are found by polling every
// `poll_interval`.
//
// stop() lets the jobs already claimed finish; jobs not yet claimed stay in the queue for the
// next start. After each claim it logs the circuit breakers that opened (warn,
// "breaker_opened") or closed ("breaker_closed"). Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "ojsync/sync_manager.h"

namespace ojsync::service {

class JobRunner {
 public:
  // `manager` is borrowed. `worker` names this process in job leases. At most `capacity` jobs
  // run at once (the manager's worker count).
  JobRunner(SyncManager* manager, std::string worker, Duration poll_interval, std::size_t capacity);
  ~JobRunner();  // stop()
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void wake();
  void stop();

 private:
  void loop();
  // Claims up to `max` jobs, for the bulk path or one per worker; returns how many it claimed
  // (0 when the claim failed). A bulk claim may stream on through further claims of `max`:
  // each adds `max` to in_flight_ and to `reserved` (which starts at what the caller reserved)
  // before it is made, so the caller releases `reserved` minus what was claimed.
  std::size_t claim(std::size_t max, bool in_bulk, std::size_t& reserved);
  void finished(JobOutcome outcome);
  void log_breaker_changes();

  SyncManager* manager_;
  const std::string worker_;
  const Duration poll_interval_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;         // GUARDED_BY(mu_)
  std::size_t in_flight_ = 0;  // GUARDED_BY(mu_): claimed jobs not yet finished.
  std::atomic<bool> stopping_{false};
  std::map<std::string, BreakerState> breaker_states_;  // Only the runner's thread uses it.
  std::thread thread_;  // Last: it starts running loop() as soon as it is built.
};

}  // namespace ojsync::service
