#include "service/job_runner.h"

#include <algorithm>

#include "service/http_status.h"
#include "service/json_log.h"

namespace ojsync::service {

// Two of the bulk path's groups: the pool plans the second while this thread commits the first.
constexpr std::size_t kBulkClaim = 100;

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
  bool backlog = false;  // The last claim took all it asked for: more are likely due.
  while (!stopping_) {
    woken_ = false;  // Whatever was queued until now, this claim will see.
    // Jobs a bulk claim's groups handed to the pool may outnumber the workers for a while.
    const std::size_t free = in_flight_ < capacity_ ? capacity_ - in_flight_ : 0;
    // A backlog (an import, a sweep's pages, the queue after an outage) is claimed many at a
    // time for the bulk path; otherwise each free worker gets a job at once, so an event's job
    // waits for no group.
    const std::size_t wanted = free == 0 ? 0 : backlog ? kBulkClaim : free;
    std::size_t claimed = 0;
    if (wanted > 0) {
      in_flight_ += wanted;  // Reserved first: a job may finish before the claim returns.
      std::size_t reserved = wanted;
      lock.unlock();
      claimed = claim(wanted, backlog, reserved);
      lock.lock();
      in_flight_ -= reserved - claimed;
      backlog = claimed >= wanted;
    }
    // Every free worker got a job, so more may be due: claim again as soon as one is free.
    // Otherwise nothing is due now: wait to be woken, or poll for jobs scheduled for later.
    const bool more_may_be_due = claimed >= wanted;
    cv_.wait_for(lock, poll_interval_, [&] {
      return stopping_ || woken_ || (more_may_be_due && in_flight_ < capacity_);
    });
  }
  cv_.wait(lock, [&] { return in_flight_ == 0; });
}

std::size_t JobRunner::claim(std::size_t max, bool in_bulk, std::size_t& reserved) {
  auto done = [this](JobOutcome o) { finished(o); };
  // A backlog streams through the bulk path claim after claim, each reserved here first, until
  // it ends or the runner stops.
  auto claim_more = [this, max, &reserved] {
    if (stopping_) return false;
    std::lock_guard lock(mu_);
    in_flight_ += max;
    reserved += max;
    return true;
  };
  auto claimed = in_bulk ? manager_->run_due_jobs_in_bulk(worker_, max, done, claim_more)
                         : manager_->start_due_jobs(worker_, max, done);
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
