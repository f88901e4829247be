// Time in ojsync: UTC instants with microsecond precision, and the injectable clock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "ojsync/status.h"

namespace ojsync {

using Duration = std::chrono::microseconds;
using Timestamp = std::chrono::time_point<std::chrono::system_clock, Duration>;

// "2026-11-25T13:39:38.123456Z" (fraction omitted when zero).
std::string format_timestamp(Timestamp t);

// "2026-11-25<separator>13:39:38" for `since_epoch` seconds since 1970-01-01 00:00:00 of
// whatever zone they count in (UTC, or a journal's local time). Years outside 0–9999 are
// written as printf's %04d writes them.
std::string format_date_time(std::int64_t since_epoch, char separator);

// Parses ISO 8601 / RFC 3339 date-times: "2026-11-25T13:39:38Z", "...+09:00", fractions,
// and a space instead of 'T'. A time without a zone is rejected: ojsync never guesses one
// (callers that know a zone, like the OJS connector, apply it themselves).
Result<Timestamp> parse_timestamp(std::string_view text);

// Source of the current time. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
  static SystemClock& instance();
};

// A clock that only moves when told to; for tests and simulation. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_us_(start.time_since_epoch().count()) {}
  Timestamp now() const override { return Timestamp(Duration(now_us_.load())); }
  void advance(Duration d) { now_us_ += d.count(); }
  void set(Timestamp t) { now_us_ = t.time_since_epoch().count(); }

 private:
  std::atomic<std::int64_t> now_us_;
};

}  // namespace ojsync
