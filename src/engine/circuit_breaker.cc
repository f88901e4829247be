#include "ojsync/circuit_breaker.h"

#include <algorithm>
#include <utility>

namespace ojsync {
namespace {

// A refused caller in half-open asks again this soon: the probe usually answers well before.
constexpr Duration kProbeWait = std::chrono::seconds(1);

}  // namespace

std::string_view breaker_state_name(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kHalfOpen:
      return "half_open";
    case BreakerState::kOpen:
      return "open";
  }
  return "open";
}

bool is_outage(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

CircuitBreaker::CircuitBreaker(std::string endpoint, CircuitBreakerOptions options,
                               const Clock& clock)
    : endpoint_(std::move(endpoint)), options_(options), clock_(clock) {}

Status CircuitBreaker::refusal(Duration wait) const {
  return Unavailable("circuit breaker open for " + endpoint_).set_retry_after(wait);
}

Result<BreakerCall> CircuitBreaker::allow() {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  switch (state_) {
    case BreakerState::kClosed:
      return BreakerCall::kNormal;
    case BreakerState::kOpen:
      if (now < open_until_) return refusal(open_until_ - now);
      state_ = BreakerState::kHalfOpen;
      probe_started_ = now;
      return BreakerCall::kProbe;
    case BreakerState::kHalfOpen:
      if (probe_started_ && now - *probe_started_ < options_.open_duration) {
        return refusal(std::min(kProbeWait, options_.open_duration));
      }
      probe_started_ = now;  // The previous probe never reported: send another.
      return BreakerCall::kProbe;
  }
  return BreakerCall::kNormal;
}

void CircuitBreaker::record(const Status& outcome, std::string_view subject) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  if (!is_outage(outcome)) {
    state_ = BreakerState::kClosed;
    consecutive_failures_ = 0;
    probe_started_.reset();
    return;
  }
  if (consecutive_failures_++ == 0) {
    first_failed_subject_ = subject;
    failures_span_endpoint_ = subject.empty();
  } else if (subject.empty() || subject != first_failed_subject_) {
    failures_span_endpoint_ = true;
  }
  const bool trips = state_ == BreakerState::kHalfOpen ||
                     (state_ == BreakerState::kClosed && options_.failure_threshold > 0 &&
                      consecutive_failures_ >= options_.failure_threshold &&
                      failures_span_endpoint_);
  if (!trips) return;
  state_ = BreakerState::kOpen;
  ++times_opened_;
  probe_started_.reset();
  // A remote that asked for a longer pause (Retry-After) gets it.
  open_until_ = now + std::max(options_.open_duration, outcome.retry_after().value_or(Duration(0)));
}

CircuitBreakerStatus CircuitBreaker::status() const {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mutex_);
  CircuitBreakerStatus s;
  s.endpoint = endpoint_;
  // Past its cool-down an open breaker lets the next call through as a probe.
  s.state = state_ == BreakerState::kOpen && now >= open_until_ ? BreakerState::kHalfOpen : state_;
  s.consecutive_failures = consecutive_failures_;
  s.times_opened = times_opened_;
  s.open_until = open_until_;
  return s;
}

}  // namespace ojsync
