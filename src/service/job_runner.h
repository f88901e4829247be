// JobRunner: drains the durable job queue on its own thread. It runs SyncManager::run_due_jobs
// again at once while jobs keep coming, sleeps when the queue is idle, and wakes early when
// told that jobs were queued (events, agents' writes, sweeps). Jobs scheduled for later
// (retries with backoff) are found by polling every `poll_interval`.
//
// stop() lets the jobs already claimed finish (run_due_jobs waits for them); jobs not yet
// claimed stay in the queue for the next start. After each run it logs the circuit breakers
// that opened (warn, "breaker_opened") or closed ("breaker_closed"). Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "ojsync/sync_manager.h"

namespace ojsync::service {

class JobRunner {
 public:
  // `manager` is borrowed. `worker` names this process in job leases.
  JobRunner(SyncManager* manager, std::string worker, Duration poll_interval);
  ~JobRunner();  // stop()
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  void wake();
  void stop();

 private:
  void loop();
  void log_breaker_changes();

  SyncManager* manager_;
  const std::string worker_;
  const Duration poll_interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;  // GUARDED_BY(mu_)
  std::atomic<bool> stopping_{false};
  std::map<std::string, BreakerState> breaker_states_;  // Only the runner's thread uses it.
  std::thread thread_;  // Last: it starts running loop() as soon as it is built.
};

}  // namespace ojsync::service
