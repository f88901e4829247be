// CircuitBreaker: stops calling a remote endpoint that is down, so an outage costs one failed
// call per cool-down instead of one per queued sync, and so waiting jobs are not spent.
//
//   closed     calls go out; `failure_threshold` outages in a row open it, provided they are
//              the endpoint's and not one record's: they came from at least two records, or
//              one of them from a call on the endpoint as a whole (a listing). A record whose
//              calls always fail (a poisoned record) thus never opens it on its own.
//   open       calls are refused (kUnavailable, retry_after = time left) for `open_duration`.
//   half-open  one probe call goes out; its success closes the breaker, its outage re-opens it.
//
// Only outages count (kUnavailable, kDeadlineExceeded, kResourceExhausted: the remote did not
// do the work). Any other answer, 404 and validation errors included, proves the endpoint is
// up. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync {

struct CircuitBreakerOptions {
  // Outages in a row that open the breaker; 0 turns the breaker off (it never opens).
  std::int32_t failure_threshold = 5;
  // How long an open breaker refuses calls before it lets one probe through.
  Duration open_duration = std::chrono::seconds(30);
};

enum class BreakerState : std::uint8_t { kClosed = 0, kHalfOpen = 1, kOpen = 2 };
std::string_view breaker_state_name(BreakerState state);  // "closed", "half_open", "open"

struct CircuitBreakerStatus {
  std::string endpoint;
  BreakerState state = BreakerState::kClosed;
  std::int32_t consecutive_failures = 0;
  std::int64_t times_opened = 0;  // Since the process started.
  Timestamp open_until{};         // When open: when the next probe may go out.
};

// True for the codes that mean "the remote did not do the work, try later".
bool is_outage(const Status& status);

// What allow() let through: an ordinary call, or the one probe of a half-open breaker.
enum class BreakerCall : std::uint8_t { kNormal, kProbe };

class CircuitBreaker {
 public:
  // `clock` is borrowed and must outlive the breaker.
  CircuitBreaker(std::string endpoint, CircuitBreakerOptions options, const Clock& clock);

  // The call may go out now (as the one probe when half-open); otherwise kUnavailable naming
  // the endpoint, with retry_after set to when to ask again.
  Result<BreakerCall> allow();
  // The outcome of a call that allow() let through: one on the record `subject` (the engine
  // names the side's document, or the entity when it has none there yet), or on the endpoint
  // as a whole when `subject` is empty.
  void record(const Status& outcome, std::string_view subject = {});

  CircuitBreakerStatus status() const;
  const std::string& endpoint() const { return endpoint_; }

 private:
  Status refusal(Duration wait) const;

  const std::string endpoint_;
  const CircuitBreakerOptions options_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::kClosed;  // Guarded by mutex_ (as are the fields below).
  std::int32_t consecutive_failures_ = 0;
  // Of the outages in a row: the record the first was about, and whether they span more than
  // that one record (another record, or the endpoint as a whole).
  std::string first_failed_subject_;
  bool failures_span_endpoint_ = false;
  std::int64_t times_opened_ = 0;
  Timestamp open_until_{};
  // Half-open: when the probe went out. A probe that never reports back (its caller died)
  // stops blocking others after open_duration.
  std::optional<Timestamp> probe_started_;
};

}  // namespace ojsync
