#include "engine/create_gate.h"

namespace ojsync {

CreateGate::Ticket CreateGate::begin_create() {
  std::lock_guard lock(mu_);
  const std::uint64_t number = ++begun_;
  in_flight_.insert(number);
  return Ticket(*this, number);
}

CreateGate::Mark CreateGate::mark() const {
  std::lock_guard lock(mu_);
  return Mark{begun_, !in_flight_.empty()};
}

bool CreateGate::overlapped(const Mark& since) const {
  std::lock_guard lock(mu_);
  return since.any_in_flight || begun_ != since.begun;
}

void CreateGate::wait_for_creates_begun_so_far() {
  std::unique_lock lock(mu_);
  const std::uint64_t last = begun_;
  finished_.wait(lock, [&] { return in_flight_.empty() || *in_flight_.begin() > last; });
}

void CreateGate::finish(std::uint64_t number) {
  {
    std::lock_guard lock(mu_);
    in_flight_.erase(number);
  }
  finished_.notify_all();
}

}  // namespace ojsync
