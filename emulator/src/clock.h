// Time source of the emulator. Handlers never read the system clock directly so that tests can
// pin "now" (ManualClock) and the demo can shift it (SystemClock with an offset, e.g. to make
// seeded activity look recent or old).
#pragma once

#include <atomic>
#include <cstdint>

namespace ojsemu {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t unix_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  explicit SystemClock(std::int64_t offset_seconds = 0) : offset_(offset_seconds) {}
  std::int64_t unix_now() const override;

 private:
  std::int64_t offset_;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t unix_seconds) : now_(unix_seconds) {}
  std::int64_t unix_now() const override { return now_.load(); }
  void set(std::int64_t unix_seconds) { now_.store(unix_seconds); }
  void advance(std::int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace ojsemu
