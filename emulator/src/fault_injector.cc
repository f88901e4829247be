#include "fault_injector.h"

namespace ojsemu {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// A uniform double in [0, 1) from the draw number `k` of this request.
double uniform(std::uint64_t base, std::uint64_t k) {
  return static_cast<double>(splitmix64(base ^ splitmix64(k)) >> 11) * 0x1.0p-53;
}

}  // namespace

FaultDecision FaultInjector::decide(std::string_view method, std::string_view target) {
  FaultDecision d;
  if (!config_.any()) return d;
  std::string key(method);
  key += ' ';
  key += target;
  std::uint64_t occurrence = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    occurrence = occurrences_[key]++;
  }
  const std::uint64_t base = splitmix64(config_.seed ^ splitmix64(fnv1a(key) ^ splitmix64(occurrence)));
  d.latency_ms = config_.latency_ms;
  d.slow_body_ms = config_.slow_body_ms;
  if (uniform(base, 1) < config_.drop_rate) {
    d.drop = true;
  } else if (!config_.fail_statuses.empty() && uniform(base, 2) < config_.fail_rate) {
    const auto index = static_cast<std::size_t>(uniform(base, 3) * static_cast<double>(config_.fail_statuses.size()));
    d.fail_status = config_.fail_statuses[index];
  }
  return d;
}

}  // namespace ojsemu
