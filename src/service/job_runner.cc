#include "service/job_runner.h"

#include "service/http_status.h"
#include "service/json_log.h"

namespace ojsync::service {

JobRunner::JobRunner(SyncManager* manager, std::string worker, Duration poll_interval)
    : manager_(manager),
      worker_(std::move(worker)),
      poll_interval_(poll_interval),
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
  while (!stopping_) {
    auto summary = manager_->run_due_jobs(worker_);
    log_breaker_changes();
    if (!summary.ok()) {
      log_event(LogLevel::kWarn, "job_run_failed",
                Json(Json::Object{{"code", Json(error_code_for(summary.status().code()))},
                                  {"message", Json(summary.status().message())}}));
    } else if (summary->claimed > 0) {
      if (summary->dead_lettered > 0) {
        log_event(
            LogLevel::kWarn, "jobs_dead_lettered",
            Json(Json::Object{{"count", Json(static_cast<std::int64_t>(summary->dead_lettered))}}));
      }
      continue;  // More may be due: look again before sleeping.
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, poll_interval_, [this] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

}  // namespace ojsync::service
