// OJS stores timestamps as naive "Y-m-d H:i:s" wall-clock values of the server's
// [general] time_zone, with one-second precision and no offset: rows written under another zone
// are returned unchanged. The emulator keeps exactly that model: a NaiveTime is the count of
// seconds since 1970-01-01 00:00:00 *of the naive calendar* (not UTC), so comparisons, sorting
// and "days inactive" arithmetic behave like SQL on the stored strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ojsemu {

using NaiveTime = std::int64_t;

std::string format_datetime(NaiveTime t);  // "Y-m-d H:i:s"
std::string format_date(NaiveTime t);      // "Y-m-d"

// Strict parsers for the two formats above (PHP date_format semantics: exact width, valid day).
std::optional<NaiveTime> parse_datetime(std::string_view text);
std::optional<NaiveTime> parse_date(std::string_view text);

NaiveTime naive_from_civil(int year, int month, int day, int hour, int minute, int second);

// A server time zone: a fixed offset ("+09:00", "-0330", "UTC") or an IANA name resolved through
// the system tz database (/usr/share/zoneinfo).
class TimeZone {
 public:
  static std::optional<TimeZone> parse(std::string_view spec);
  static TimeZone utc() { return TimeZone("UTC", true, 0); }

  const std::string& name() const { return name_; }
  // Wall-clock time in this zone at the given Unix time.
  NaiveTime to_naive(std::int64_t unix_seconds) const;

 private:
  TimeZone(std::string name, bool fixed, std::int64_t offset)
      : name_(std::move(name)), fixed_(fixed), offset_(offset) {}
  std::string name_;
  bool fixed_;
  std::int64_t offset_;
};

}  // namespace ojsemu
