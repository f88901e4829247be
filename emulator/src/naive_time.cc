#include "naive_time.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace ojsemu {
namespace {

// Howard Hinnant's civil-date algorithms (public domain), valid for the proleptic Gregorian
// calendar; used instead of timegm()/gmtime_r() so that no global state is involved.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

unsigned days_in_month(int year, int month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<NaiveTime> parse_date_part(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (!read_digits(s, 0, 4, y) || s[4] != '-' || !read_digits(s, 5, 2, m) || s[7] != '-' ||
      !read_digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, m)) return std::nullopt;
  return naive_from_civil(y, m, d, 0, 0, 0);
}

// Parses "+09:00", "-0330", "+9" style offsets into seconds east of UTC.
std::optional<std::int64_t> parse_offset(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : s.substr(1)) {
    if (c == ':') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  int hours = 0, minutes = 0;
  if (digits.size() == 1 || digits.size() == 2) {
    hours = std::atoi(digits.c_str());
  } else if (digits.size() == 4) {
    hours = std::atoi(digits.substr(0, 2).c_str());
    minutes = std::atoi(digits.substr(2).c_str());
  } else {
    return std::nullopt;
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  const std::string path = "/usr/share/zoneinfo/" + std::string(name);
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// localtime_r() reads the zone from the TZ environment variable; the emulator normally uses one
// zone per process, but tests create several, so switching is serialised here.
std::mutex tz_mutex;
std::string active_tz;

std::int64_t system_offset(const std::string& name, std::int64_t unix_seconds) {
  std::lock_guard<std::mutex> lock(tz_mutex);
  if (active_tz != name) {
    ::setenv("TZ", name.c_str(), 1);
    ::tzset();
    active_tz = name;
  }
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return tm.tm_gmtoff;
}

}  // namespace

NaiveTime naive_from_civil(int year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         hour * 3600 + minute * 60 + second;
}

std::string format_datetime(NaiveTime t) {
  const std::int64_t days = floor_div(t, 86400);
  const std::int64_t secs = t - days * 86400;
  const Civil c = civil_from_days(days);
  const auto secs_of_day = static_cast<unsigned>(secs);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02u:%02u:%02u", static_cast<long long>(c.year),
                c.month, c.day, secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
  return buf;
}

std::string format_date(NaiveTime t) { return format_datetime(t).substr(0, 10); }

std::optional<NaiveTime> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return parse_date_part(text);
}

std::optional<NaiveTime> parse_datetime(std::string_view text) {
  if (text.size() != 19 || text[10] != ' ' || text[13] != ':' || text[16] != ':') return std::nullopt;
  const auto day = parse_date_part(text.substr(0, 10));
  int h = 0, mi = 0, s = 0;
  if (!day || !read_digits(text, 11, 2, h) || !read_digits(text, 14, 2, mi) ||
      !read_digits(text, 17, 2, s) || h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  return *day + h * 3600 + mi * 60 + s;
}

std::optional<TimeZone> TimeZone::parse(std::string_view spec) {
  if (spec == "UTC" || spec == "Z" || spec == "Etc/UTC") return utc();
  if (const auto offset = parse_offset(spec)) return TimeZone(std::string(spec), true, *offset);
  if (valid_zone_name(spec)) return TimeZone(std::string(spec), false, 0);
  return std::nullopt;
}

NaiveTime TimeZone::to_naive(std::int64_t unix_seconds) const {
  return unix_seconds + (fixed_ ? offset_ : system_offset(name_, unix_seconds));
}

}  // namespace ojsemu
