#include "service/job_runner.h"

#include <algorithm>

#include "service/http_status.h"
#include "service/json_log.h"

namespace ojsync::service {

JobRunner::JobRunner(SyncManager* manager, std::string worker, Duration poll_interval,
                     std::size_t capacity)
    : manager_(manager),
      worker_(std::move(worker)),
      poll_interval_(poll_interval),
      capacity_(std::max<std::size_t>(1, capacity)),
      thread_([this] { loop(); }) {}

JobRunner::~JobRunner() { stop(); }

void JobRunner::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void JobRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void JobRunner::log_breaker_changes() {
  for (const CircuitBreakerStatus& breaker : manager_->circuit_breakers()) {
    BreakerState& last = breaker_states_[breaker.endpoint];  // New entries start closed.
    const bool was_closed = last == BreakerState::kClosed;
    last = breaker.state;
    if (was_closed == (breaker.state == BreakerState::kClosed)) continue;
    Json fields(Json::Object{
        {"endpoint", Json(breaker.endpoint)},
        {"consecutive_failures", Json(static_cast<std::int64_t>(breaker.consecutive_failures))}});
    if (was_closed) {
      log_event(LogLevel::kWarn, "breaker_opened", fields);
    } else {
      log_event(LogLevel::kInfo, "breaker_closed", fields);
    }
  }
}

void JobRunner::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    woken_ = false;  // Whatever was queued until now, this claim will see.
    const std::size_t free = capacity_ - in_flight_;
    std::size_t claimed = 0;
    if (free > 0) {
      in_flight_ += free;  // Reserved first: a job may finish before the claim returns.
      lock.unlock();
      claimed = claim(free);
      lock.lock();
      in_flight_ -= free - claimed;
    }
    // Every free worker got a job, so more may be due: claim again as soon as one is free.
    // Otherwise nothing is due now: wait to be woken, or poll for jobs scheduled for later.
    const bool more_may_be_due = claimed == free;
    cv_.wait_for(lock, poll_interval_, [&] {
      return stopping_ || woken_ || (more_may_be_due && in_flight_ < capacity_);
    });
  }
  cv_.wait(lock, [&] { return in_flight_ == 0; });
}

std::size_t JobRunner::claim(std::size_t free) {
  auto claimed = manager_->start_due_jobs(worker_, free, [this](JobOutcome o) { finished(o); });
  log_breaker_changes();
  if (claimed.ok()) return *claimed;
  log_event(LogLevel::kWarn, "job_run_failed",
            Json(Json::Object{{"code", Json(error_code_for(claimed.status().code()))},
                              {"message", Json(claimed.status().message())}}));
  return 0;
}

void JobRunner::finished(JobOutcome outcome) {
  if (outcome == JobOutcome::kDeadLettered) {
    log_event(LogLevel::kWarn, "job_dead_lettered", Json(Json::Object{}));
  }
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_all();
}

}  // namespace ojsync::service
