// Deterministic fault injection for API requests: extra latency, failed responses (with a
// status mix), dropped connections and slowly dribbled bodies. Each decision is a pure function
// of (--fault-seed, method, target, how many times that same method+target was seen before), so
// a client that sends the same sequence of requests sees the same faults on every run, and a
// retry of a failed request (next occurrence) gets a fresh draw. Faults are decided before the
// request reaches the emulator, so a failed or dropped write is never applied.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ojsemu {

struct FaultConfig {
  std::uint64_t seed = 0;
  double fail_rate = 0;
  std::vector<int> fail_statuses = {500, 502, 503, 429};
  int retry_after_seconds = 1;  // sent with 429 and 503
  int latency_ms = 0;
  double drop_rate = 0;
  int slow_body_ms = 0;

  bool any() const { return fail_rate > 0 || latency_ms > 0 || drop_rate > 0 || slow_body_ms > 0; }
};

struct FaultDecision {
  bool drop = false;
  std::optional<int> fail_status;
  int latency_ms = 0;
  int slow_body_ms = 0;
};

class FaultInjector {
 public:
  explicit FaultInjector(FaultConfig config) : config_(std::move(config)) {}

  FaultDecision decide(std::string_view method, std::string_view target);
  const FaultConfig& config() const { return config_; }

 private:
  FaultConfig config_;
  std::mutex mutex_;
  std::map<std::string, std::uint64_t, std::less<>> occurrences_;
};

}  // namespace ojsemu
