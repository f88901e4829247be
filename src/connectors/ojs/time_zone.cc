#include "connectors/ojs/time_zone.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>

namespace ojsync {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::size_t kMaxZoneFileBytes = 1u << 20;
constexpr std::int64_t kMaxWindowSeconds = 50 * 366 * kDay;

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Seconds of 00:00:00 on y-m-d (proleptic Gregorian), as a count from the epoch.
std::int64_t midnight(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days(year_month_day{year(y), month(m), day(d)}).time_since_epoch().count() * kDay;
}

int year_of(std::int64_t seconds) {
  using namespace std::chrono;
  const auto days_since =
      sys_days(days(seconds >= 0 ? seconds / kDay : (seconds - kDay + 1) / kDay));
  return static_cast<int>(year_month_day(days_since).year());
}

std::int64_t rule_date(const TimeZone::RuleDate& d, int y) {
  const std::int64_t jan1 = midnight(y, 1, 1);
  if (d.kind == 'J') return jan1 + (d.day - 1 + (is_leap(y) && d.day >= 60 ? 1 : 0)) * kDay;
  if (d.kind == 'n') return jan1 + d.day * kDay;
  using namespace std::chrono;
  const sys_days first = year_month_day{year(y), month(static_cast<unsigned>(d.month)), day(1)};
  const int first_weekday = static_cast<int>(weekday(first).c_encoding());
  int dom = 1 + (d.weekday - first_weekday + 7) % 7 + (d.week - 1) * 7;
  const int month_days = static_cast<int>(static_cast<unsigned>(
      year_month_day_last(year(y), month_day_last(month(static_cast<unsigned>(d.month)))).day()));
  while (dom > month_days) dom -= 7;
  return midnight(y, static_cast<unsigned>(d.month), static_cast<unsigned>(dom));
}

// Daylight saving switches of year `y` as UTC instants: {start of DST, end of DST}.
std::pair<std::int64_t, std::int64_t> dst_switches(const TimeZone::PosixRule& r, int y) {
  return {rule_date(r.start, y) + r.start_time - r.std_offset,
          rule_date(r.end, y) + r.end_time - r.dst_offset};
}

int rule_offset(const TimeZone::PosixRule& r, UtcSeconds utc) {
  if (!r.has_dst) return r.std_offset;
  const auto [start, end] = dst_switches(r, year_of(utc + r.std_offset));
  const bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
  return dst ? r.dst_offset : r.std_offset;
}

// --- POSIX TZ string parsing (POSIX.1-2017 §8.3 with the RFC 8536 §3.3.1 extensions).
class RuleParser {
 public:
  explicit RuleParser(std::string_view s) : s_(s) {}

  std::optional<TimeZone::PosixRule> parse() {
    TimeZone::PosixRule r;
    if (!name()) return std::nullopt;
    auto std_off = hms(24);
    if (!std_off) return std::nullopt;
    r.std_offset = -*std_off;
    if (done()) return r;
    if (!name()) return std::nullopt;
    r.has_dst = true;
    r.dst_offset = r.std_offset + 3600;
    if (!done() && peek() != ',') {
      auto dst_off = hms(24);
      if (!dst_off) return std::nullopt;
      r.dst_offset = -*dst_off;
    }
    if (done()) {  // POSIX default rule (US, since 2007).
      r.start = {'M', 0, 3, 2, 0};
      r.end = {'M', 0, 11, 1, 0};
      return r;
    }
    if (!eat(',') || !date(r.start, r.start_time) || !eat(',') || !date(r.end, r.end_time) ||
        !done()) {
      return std::nullopt;
    }
    return r;
  }

 private:
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  static bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool name() {
    if (eat('<')) {
      const auto close = s_.find('>', pos_);
      if (close == std::string_view::npos || close - pos_ < 3) return false;
      pos_ = close + 1;
      return true;
    }
    const std::size_t begin = pos_;
    while (alpha(peek())) ++pos_;
    return pos_ - begin >= 3;
  }

  std::optional<int> number(int max) {
    if (!digit(peek())) return std::nullopt;
    int v = 0;
    while (digit(peek())) {
      v = v * 10 + (s_[pos_++] - '0');
      if (v > max) return std::nullopt;
    }
    return v;
  }

  // [+-]hh[:mm[:ss]] → seconds (sign as written).
  std::optional<int> hms(int max_hours) {
    int sign = 1;
    if (eat('-')) {
      sign = -1;
    } else {
      eat('+');
    }
    auto h = number(max_hours);
    if (!h) return std::nullopt;
    int total = *h * 3600;
    if (eat(':')) {
      auto m = number(59);
      if (!m) return std::nullopt;
      total += *m * 60;
      if (eat(':')) {
        auto sec = number(59);
        if (!sec) return std::nullopt;
        total += *sec;
      }
    }
    return sign * total;
  }

  bool date(TimeZone::RuleDate& d, int& time) {
    if (eat('J')) {
      auto n = number(365);
      if (!n || *n < 1) return false;
      d = {'J', *n, 0, 0, 0};
    } else if (eat('M')) {
      auto m = number(12);
      if (!m || *m < 1 || !eat('.')) return false;
      auto w = number(5);
      if (!w || *w < 1 || !eat('.')) return false;
      auto wd = number(6);
      if (!wd) return false;
      d = {'M', 0, *m, *w, *wd};
    } else {
      auto n = number(365);
      if (!n) return false;
      d = {'n', *n, 0, 0, 0};
    }
    if (eat('/')) {
      auto t = hms(167);
      if (!t) return false;
      time = *t;
    }
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/') return false;
  std::size_t segment_start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      const auto segment = name.substr(segment_start, i - segment_start);
      if (segment.empty() || segment == "." || segment == "..") return false;
      segment_start = i + 1;
      continue;
    }
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::int64_t read_be(const std::string& data, std::size_t pos, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
  if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

struct TzifCounts {
  std::size_t isut, isstd, leap, time, type, chars;
  std::size_t block_size(std::size_t time_width) const {
    return time * time_width + time + type * 6 + chars + leap * (time_width + 4) + isstd + isut;
  }
};

std::optional<TzifCounts> read_header(const std::string& data, std::size_t pos) {
  if (data.size() < pos + 44 || data.compare(pos, 4, "TZif") != 0) return std::nullopt;
  auto count = [&](int i) { return static_cast<std::size_t>(read_be(data, pos + 20 + 4 * i, 4)); };
  TzifCounts c{count(0), count(1), count(2), count(3), count(4), count(5)};
  if (c.type == 0 || c.type > 256 || c.time > 100000 || c.chars > 10000 || c.leap > 10000)
    return std::nullopt;
  return c;
}

}  // namespace

TimeZone TimeZone::utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

Result<TimeZone> TimeZone::from_posix_rule(std::string_view rule) {
  auto parsed = RuleParser(rule).parse();
  if (!parsed) return InvalidArgument("not a POSIX TZ rule: '" + std::string(rule) + "'");
  TimeZone z;
  z.name_ = std::string(rule);
  z.initial_offset_ = parsed->std_offset;
  z.has_rule_ = true;
  z.rule_ = *parsed;
  return z;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::string& zoneinfo_dir) {
  if (!valid_zone_name(name))
    return InvalidArgument("invalid time zone name '" + std::string(name) + "'");
  const std::string path = zoneinfo_dir + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("time zone '" + std::string(name) + "' not found in " + zoneinfo_dir);
  std::string data;
  data.resize(kMaxZoneFileBytes + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  const auto not_tzif = [&] {
    return NotFound("time zone file for '" + std::string(name) + "' is not valid TZif");
  };
  if (data.size() > kMaxZoneFileBytes) return not_tzif();

  auto v1 = read_header(data, 0);
  if (!v1) return not_tzif();
  std::size_t pos = 44;
  std::size_t width = 4;
  TzifCounts counts = *v1;
  if (data[4] >= '2') {
    pos += v1->block_size(4);
    auto v2 = read_header(data, pos);
    if (!v2) return not_tzif();
    counts = *v2;
    pos += 44;
    width = 8;
  }
  if (data.size() < pos + counts.block_size(width)) return not_tzif();

  TimeZone z;
  z.name_ = std::string(name);
  const std::size_t times_at = pos, indexes_at = pos + counts.time * width,
                    types_at = indexes_at + counts.time;
  std::vector<int> type_offsets;
  for (std::size_t i = 0; i < counts.type; ++i) {
    type_offsets.push_back(static_cast<int>(read_be(data, types_at + 6 * i, 4)));
  }
  z.initial_offset_ = type_offsets[0];
  for (std::size_t i = 0; i < counts.time; ++i) {
    const auto type = static_cast<unsigned char>(data[indexes_at + i]);
    if (type >= counts.type) return not_tzif();
    const std::int64_t at = read_be(data, times_at + i * width, width);
    if (!z.transitions_.empty() && at <= z.transitions_.back().at) return not_tzif();
    z.transitions_.push_back({at, type_offsets[type]});
  }
  if (width == 8) {  // Footer: "\n<POSIX TZ rule>\n"; an empty rule means none.
    std::size_t footer = pos + counts.block_size(width);
    if (footer < data.size() && data[footer] == '\n') {
      const auto end = data.find('\n', footer + 1);
      const std::string_view rule(data.data() + footer + 1,
                                  (end == std::string::npos ? data.size() : end) - footer - 1);
      if (!rule.empty()) {
        auto parsed = RuleParser(rule).parse();
        if (!parsed) return not_tzif();
        z.has_rule_ = true;
        z.rule_ = *parsed;
      }
    }
  }
  return z;
}

int TimeZone::offset_at(UtcSeconds utc) const {
  if (transitions_.empty() || utc < transitions_.front().at) {
    return transitions_.empty() && has_rule_ ? rule_offset(rule_, utc) : initial_offset_;
  }
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc,
                             [](UtcSeconds t, const Transition& tr) { return t < tr.at; });
  --it;
  if (std::next(it) == transitions_.end() && has_rule_) return rule_offset(rule_, utc);
  return it->offset;
}

UtcSeconds TimeZone::to_utc(LocalSeconds local) const {
  const int before = offset_at(local - kDay);
  const int after = offset_at(local + kDay);
  const bool before_fits = offset_at(local - before) == before;
  const bool after_fits = offset_at(local - after) == after;
  if (before_fits && after_fits) return std::min(local - before, local - after);
  if (after_fits) return local - after;
  return local - before;  // Fits, or falls in a gap: read with the offset before it.
}

std::vector<TimeZone::Transition> TimeZone::transitions_between(UtcSeconds from,
                                                                UtcSeconds to) const {
  std::vector<Transition> out;
  to = std::min(to, from + kMaxWindowSeconds);
  for (const auto& tr : transitions_) {
    if (tr.at > from && tr.at <= to) out.push_back(tr);
  }
  if (!has_rule_ || !rule_.has_dst) return out;
  const UtcSeconds rule_from = transitions_.empty() ? from : std::max(from, transitions_.back().at);
  for (int y = year_of(rule_from) - 1; y <= year_of(to) + 1; ++y) {
    const auto [start, end] = dst_switches(rule_, y);
    if (start > rule_from && start <= to) out.push_back({start, rule_.dst_offset});
    if (end > rule_from && end <= to) out.push_back({end, rule_.std_offset});
  }
  std::sort(out.begin(), out.end(),
            [](const Transition& a, const Transition& b) { return a.at < b.at; });
  return out;
}

LocalSeconds TimeZone::min_local_between(UtcSeconds from, UtcSeconds to) const {
  LocalSeconds lowest = to_local(from);
  for (const auto& tr : transitions_between(from, to)) lowest = std::min(lowest, tr.at + tr.offset);
  return lowest;
}

}  // namespace ojsync
