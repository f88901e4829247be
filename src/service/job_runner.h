// JobRunner: drains the durable job queue on its own thread. It runs SyncManager::run_due_jobs
// again at once while jobs keep coming, sleeps when the queue is idle, and wakes early when
// told that jobs were queued (events, agents' writes, sweeps). Jobs scheduled for later
// (retries with backoff) are found by polling every `poll_interval`.
//
// stop() lets the jobs already claimed finish (run_due_jobs waits for them); jobs not yet
// claimed stay in the queue for the next start. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
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

  SyncManager* manager_;
  const std::string worker_;
  const Duration poll_interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;  // GUARDED_BY(mu_)
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace ojsync::service
