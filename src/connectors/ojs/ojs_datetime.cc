#include "connectors/ojs/ojs_datetime.h"

#include <chrono>

namespace ojsync {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<LocalSeconds> parse_ojs_datetime(std::string_view s) {
  using namespace std::chrono;
  if (s.size() != 10 && s.size() != 19) return std::nullopt;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (s.size() == 19 && (s[10] != ' ' || !digits(s, 11, 2, h) || s[13] != ':' ||
                         !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))) {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return sys_days(ymd).time_since_epoch().count() * 86400LL + h * 3600 + mi * 60 + sec;
}

std::string format_ojs_datetime(LocalSeconds local) { return format_date_time(local, ' '); }

std::optional<std::string> ojs_datetime_to_iso_utc(std::string_view text, const TimeZone& zone) {
  auto local = parse_ojs_datetime(text);
  if (!local) return std::nullopt;
  return format_timestamp(timestamp_from_utc(zone.to_utc(*local)));
}

}  // namespace ojsync
