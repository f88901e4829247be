// TimeZone: converts OJS's zoneless "Y-m-d H:i:s" wall-clock times to UTC and back.
//
// GCC 12's libstdc++ has no std::chrono::locate_zone, and setting TZ for localtime_r/mktime is
// process-global (racy with other threads). So this reads the system tz database directly:
// the TZif file (RFC 8536, versions 1–4) for the recorded transitions, and its POSIX TZ footer
// rule ("CET-1CEST,M3.5.0,M10.5.0/3") for instants after the last recorded one.
//
// Wall-clock ("local") times are counted as seconds since 1970-01-01 00:00:00 read on the
// zone's wall clock, i.e. what a naive timestamp means without its zone.
//
// Thread safety: immutable after construction; all methods are const and safe to share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/status.h"

namespace ojsync {

using LocalSeconds = std::int64_t;  // Wall-clock seconds since the epoch, zone implied.
using UtcSeconds = std::int64_t;    // Real seconds since the epoch.

class TimeZone {
 public:
  static TimeZone utc();
  // Loads the IANA zone `name` ("Asia/Tokyo", "UTC") from `zoneinfo_dir`. The name must be a
  // relative path of [A-Za-z0-9_+-] segments (no "..", no leading '/'); errors are
  // kInvalidArgument (bad name) or kNotFound (no such zone / unreadable / not TZif).
  static Result<TimeZone> load(std::string_view name, const std::string& zoneinfo_dir);
  // A zone made of a POSIX TZ rule only, e.g. "JST-9" or "EST5EDT,M3.2.0,M11.1.0".
  static Result<TimeZone> from_posix_rule(std::string_view rule);

  const std::string& name() const { return name_; }

  // Seconds east of UTC in effect at `utc`.
  int offset_at(UtcSeconds utc) const;
  LocalSeconds to_local(UtcSeconds utc) const { return utc + offset_at(utc); }
  // The instant a wall-clock time denotes. A repeated wall time (clocks set back) gives the
  // earlier instant; a skipped one (clocks set forward) is read with the offset in effect
  // before the gap, which lands after it — PHP's reading of the same wall time.
  UtcSeconds to_utc(LocalSeconds local) const;
  // The smallest wall-clock time shown at any instant of [from, to]. Equals to_local(from)
  // unless the clock was set back in between. Windows longer than ~50 years are clipped.
  LocalSeconds min_local_between(UtcSeconds from, UtcSeconds to) const;

  // A POSIX TZ rule: a standard offset and, optionally, yearly daylight-saving switches.
  struct RuleDate {
    char kind = 'M';  // 'J': day 1..365 ignoring Feb 29; 'n': day 0..365; 'M': month.week.weekday
    int day = 0;      // For 'J' and 'n'.
    int month = 0, week = 0, weekday = 0;  // For 'M' (week 5 = last).
  };
  struct PosixRule {
    int std_offset = 0;  // Seconds east of UTC.
    bool has_dst = false;
    int dst_offset = 0;
    RuleDate start, end;
    int start_time = 7200,
        end_time = 7200;  // Wall-clock seconds after midnight (may be < 0 or > 24 h).
  };

 private:
  struct Transition {
    UtcSeconds at;
    int offset;  // In effect from `at` on.
  };
  // Transitions within [from, to], in order (recorded ones and those the rule generates).
  std::vector<Transition> transitions_between(UtcSeconds from, UtcSeconds to) const;

  std::string name_;
  int initial_offset_ = 0;  // Before the first recorded transition.
  std::vector<Transition> transitions_;
  bool has_rule_ = false;  // Without a rule the last transition's offset holds forever.
  PosixRule rule_;
};

}  // namespace ojsync
