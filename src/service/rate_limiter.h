// RateLimiter: a token bucket per client. Each client may make `rate` requests per second on
// average, in bursts of up to `burst`. At most `max_clients` are tracked: the one seen least
// recently is forgotten first, so a flood of distinct clients costs bounded memory (a
// forgotten client starts again with a full bucket). Thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ojsync/time.h"

namespace ojsync::service {

class RateLimiter {
 public:
  // `clock` is borrowed (nullptr = SystemClock). rate > 0, burst >= 1.
  RateLimiter(double rate_per_second, double burst, std::size_t max_clients,
              const Clock* clock = nullptr);

  // Takes one token from `client`'s bucket: nullopt when the request may go on, else how long
  // until it would.
  std::optional<Duration> admit(std::string_view client);

 private:
  struct Bucket {
    double tokens;
    Timestamp refilled;
    std::list<std::string>::iterator recency;  // Position in recency_.
  };

  Bucket& bucket_for(std::string_view client, Timestamp now);  // Requires mu_.

  const double rate_;
  const double burst_;
  const std::size_t max_clients_;
  const Clock* clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
  std::list<std::string> recency_;                   // GUARDED_BY(mu_); most recent first
};

}  // namespace ojsync::service
