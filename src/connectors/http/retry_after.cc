#include "connectors/http/retry_after.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <vector>

namespace ojsync {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// Delta-seconds beyond this are clamped: a server asking for more than a day is misbehaving,
// and the value must not overflow the microsecond Duration.
constexpr std::int64_t kMaxDeltaSeconds = 86400;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<int> number(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<unsigned> month_index(std::string_view s) {
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == s) return i + 1;
  }
  return std::nullopt;
}

// "08:49:37" → seconds of the day.
std::optional<int> time_of_day(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = number(s.substr(0, 2)), m = number(s.substr(3, 2)), sec = number(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *sec;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    s = trim(s);
    auto end = s.find(' ');
    parts.push_back(s.substr(0, end));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end);
  }
  return parts;
}

std::optional<Timestamp> make_time(int year, unsigned month, int day, int seconds_of_day) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                           std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return Timestamp(
      duration_cast<Duration>((sys_days(ymd) + seconds(seconds_of_day)).time_since_epoch()));
}

std::optional<Timestamp> parse_http_date(std::string_view s) {
  const auto parts = split_spaces(s);
  if (parts.size() == 6 && parts[0].size() == 4 && parts[0][3] == ',' && parts[5] == "GMT") {
    // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    auto day = number(parts[1]);
    auto month = month_index(parts[2]);
    auto year = number(parts[3]);
    auto tod = time_of_day(parts[4]);
    if (day && month && year && tod) return make_time(*year, *month, *day, *tod);
    return std::nullopt;
  }
  if (parts.size() == 4 && !parts[0].empty() && parts[0].back() == ',' && parts[3] == "GMT") {
    // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years: 70–99 → 19xx, else 20xx).
    const auto date = parts[1];
    if (date.size() != 9 || date[2] != '-' || date[6] != '-') return std::nullopt;
    auto day = number(date.substr(0, 2));
    auto month = month_index(date.substr(3, 3));
    auto yy = number(date.substr(7, 2));
    auto tod = time_of_day(parts[2]);
    if (day && month && yy && tod)
      return make_time(*yy >= 70 ? 1900 + *yy : 2000 + *yy, *month, *day, *tod);
    return std::nullopt;
  }
  if (parts.size() == 5) {
    // asctime: Sun Nov  6 08:49:37 1994
    auto month = month_index(parts[1]);
    auto day = number(parts[2]);
    auto tod = time_of_day(parts[3]);
    auto year = number(parts[4]);
    if (day && month && year && tod) return make_time(*year, *month, *day, *tod);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Duration> parse_retry_after(std::string_view value, Timestamp now) {
  value = trim(value);
  if (all_digits(value)) {
    std::int64_t seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds > kMaxDeltaSeconds) {
        seconds = kMaxDeltaSeconds;
        break;
      }
    }
    return std::chrono::seconds(seconds);
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return Duration::zero();
  return std::min<Duration>(*when - now, std::chrono::seconds(kMaxDeltaSeconds));
}

}  // namespace ojsync
