// The daemon's metrics, exposed at GET /metrics in Prometheus text format. prometheus-cpp
// stays in metrics.cc. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ojsync/circuit_breaker.h"
#include "ojsync/store.h"

namespace ojsync::service {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished sync: counts it by type and outcome, observes its duration and retries.
  void record_sync(const SyncRecord& record);
  void record_webhook(std::string_view result);  // "accepted", "duplicate", "rejected", ...
  void record_http(std::string_view route, int status);
  // The breaker's state gauge (0 closed, 1 half-open, 2 open) and its openings counter.
  void set_breaker(const CircuitBreakerStatus& breaker);
  void set_queue(std::int64_t depth, std::int64_t dead);
  void set_pending_conflicts(std::int64_t pending);

  // The exposition text (text/plain; version=0.0.4).
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ojsync::service
