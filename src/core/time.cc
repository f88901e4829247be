#include "ojsync/time.h"

#include <cstdio>

namespace ojsync {
namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Writes `value` as `width` decimal digits, zero-padded, ending at `end`.
void put_digits(char* end, unsigned value, int width) {
  for (int i = 0; i < width; ++i, value /= 10) *--end = static_cast<char>('0' + value % 10);
}

}  // namespace

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

// By hand rather than with snprintf, which took 3,400 instructions a call (an imported
// manuscript has three dates).
std::string format_date_time(std::int64_t since_epoch, char separator) {
  using namespace std::chrono;
  const sys_seconds t{seconds(since_epoch)};
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss tod(t - day);
  const int year = static_cast<int>(ymd.year());
  const auto hours = static_cast<unsigned>(tod.hours().count());
  const auto minutes = static_cast<unsigned>(tod.minutes().count());
  const auto secs = static_cast<unsigned>(tod.seconds().count());
  if (year < 0 || year > 9999) {
    char buf[48];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u%c%02u:%02u:%02u", year,
                                static_cast<unsigned>(ymd.month()),
                                static_cast<unsigned>(ymd.day()), separator, hours, minutes, secs);
    return std::string(buf, static_cast<std::size_t>(n));
  }
  std::string out = "0000-00-00 00:00:00";
  put_digits(out.data() + 4, static_cast<unsigned>(year), 4);
  put_digits(out.data() + 7, static_cast<unsigned>(ymd.month()), 2);
  put_digits(out.data() + 10, static_cast<unsigned>(ymd.day()), 2);
  out[10] = separator;
  put_digits(out.data() + 13, hours, 2);
  put_digits(out.data() + 16, minutes, 2);
  put_digits(out.data() + 19, secs, 2);
  return out;
}

std::string format_timestamp(Timestamp t) {
  using namespace std::chrono;
  const auto second = floor<seconds>(t);
  std::string out = format_date_time(second.time_since_epoch().count(), 'T');
  if (const auto us = static_cast<unsigned>((t - second).count()); us != 0) {
    out.append(".000000");
    put_digits(out.data() + out.size(), us, 6);
  }
  out += 'Z';
  return out;
}

Result<Timestamp> parse_timestamp(std::string_view s) {
  using namespace std::chrono;
  auto bad = [&] { return InvalidArgument("not an ISO 8601 date-time with a zone: '" + std::string(s) + "'"); };
  int y, mo, d, h, mi, sec;
  if (!read_digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !read_digits(s, 5, 2, mo) ||
      s[7] != '-' || !read_digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' ||
      !read_digits(s, 17, 2, sec)) {
    return bad();
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad();
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  if (pos >= s.size()) return bad();
  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    const bool colon = pos + 3 < s.size() && s[pos + 3] == ':';
    if (!read_digits(s, pos + 1, 2, oh) || !read_digits(s, pos + (colon ? 4 : 3), 2, om) ||
        oh > 23 || om > 59) {
      return bad();
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += colon ? 6 : 5;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  auto t = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + microseconds(micros) -
           minutes(offset_minutes);
  return Timestamp(duration_cast<Duration>(t.time_since_epoch()));
}

}  // namespace ojsync
