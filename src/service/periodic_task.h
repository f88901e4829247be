// PeriodicTask: runs a function on its own thread every `interval` until stopped. Stopping
// wakes the wait at once and joins after the run in progress; a long run should poll
// `stopping` between steps so shutdown does not wait for a whole pass.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "ojsync/time.h"

namespace ojsync::service {

class PeriodicTask {
 public:
  using Body = std::function<void(const std::atomic<bool>& stopping)>;

  // Starts the thread; the first run comes after `first_delay`.
  PeriodicTask(Duration interval, Duration first_delay, Body body);
  ~PeriodicTask();  // stop()
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Idempotent; call from any thread but the task's own.
  void stop();

 private:
  void loop(Duration first_delay);

  const Duration interval_;
  const Body body_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;  // Started last, once every member above exists.
};

}  // namespace ojsync::service
