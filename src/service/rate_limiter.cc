#include "service/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace ojsync::service {

RateLimiter::RateLimiter(double rate_per_second, double burst, std::size_t max_clients,
                         const Clock* clock)
    : rate_(rate_per_second),
      burst_(burst),
      max_clients_(std::max<std::size_t>(1, max_clients)),
      clock_(clock != nullptr ? clock : &SystemClock::instance()) {}

RateLimiter::Bucket& RateLimiter::bucket_for(std::string_view client, Timestamp now) {
  auto it = buckets_.find(std::string(client));
  if (it != buckets_.end()) {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return it->second;
  }
  if (buckets_.size() >= max_clients_) {
    buckets_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.emplace_front(client);
  return buckets_.emplace(recency_.front(), Bucket{burst_, now, recency_.begin()}).first->second;
}

std::optional<Duration> RateLimiter::admit(std::string_view client) {
  const Timestamp now = clock_->now();
  std::lock_guard lock(mu_);
  Bucket& bucket = bucket_for(client, now);
  const double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
  bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed) * rate_);
  bucket.refilled = now;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  const double wait_seconds = (1.0 - bucket.tokens) / rate_;
  return Duration(static_cast<Duration::rep>(std::ceil(wait_seconds * 1e6)));
}

}  // namespace ojsync::service
