#include "service/periodic_task.h"

namespace ojsync::service {

PeriodicTask::PeriodicTask(Duration interval, Duration first_delay, Body body)
    : interval_(interval),
      body_(std::move(body)),
      thread_([this, first_delay] { loop(first_delay); }) {}

PeriodicTask::~PeriodicTask() { stop(); }

void PeriodicTask::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::loop(Duration first_delay) {
  Duration wait = first_delay;
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, wait, [this] { return stopping_.load(); })) return;
    }
    body_(stopping_);
    wait = interval_;
  }
}

}  // namespace ojsync::service
