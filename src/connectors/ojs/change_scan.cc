#include "connectors/ojs/change_scan.h"

#include <algorithm>

namespace ojsync {
namespace {

constexpr std::int64_t kDaySeconds = 86400;

std::optional<std::int64_t> opt_int(const Json& j, std::string_view key) {
  const Json* v = j.find(key);
  if (v == nullptr || !v->is_int()) return std::nullopt;
  return v->as_int();
}

void put_opt(Json& j, std::string_view key, const std::optional<std::int64_t>& v) {
  if (v) j[key] = *v;
}

class Scan {
 public:
  Scan(ScanCursor cursor, std::size_t limit, const ScanSettings& s) : limit_(limit), s_(s) {
    step_.next = std::move(cursor);
  }

  Result<ScanStep> run(const TimeZone& zone, UtcSeconds now, const PageFetcher& fetch) {
    ScanCursor& c = step_.next;
    if (!c.scanning) start(zone, now);
    while (step_.changes.size() < limit_ && step_.requests < s_.max_requests) {
      const std::int64_t offset = next_offset();
      auto page = fetch(offset, s_.page_size);
      ++step_.requests;
      if (!page.ok()) return page.status();
      if (!window_trusted(offset, *page)) {
        step_back(offset);
        continue;
      }
      if (consume(offset, *page)) return std::move(step_);
      if (step_.changes.size() >= limit_) break;
      if (static_cast<int>(page->size()) < s_.page_size) {
        complete();
        return std::move(step_);
      }
      if (c.boundary && page->back().key == *c.boundary && next_offset() <= offset)
        read_group_by_position(offset, *page);
      // One window per call once it has yielded changes: with the overlap, a window holds
      // fewer new entries than a page, and topping a call up to `limit` would cost a second
      // request for the last few (every page of a full scan read twice).
      if (!step_.changes.empty()) break;
    }
    step_.has_more = true;
    return std::move(step_);
  }

 private:
  void start(const TimeZone& zone, UtcSeconds now) {
    ScanCursor& c = step_.next;
    const auto since = c.since;
    c = ScanCursor{};
    c.scanning = true;
    c.since = since;
    if (since && s_.incremental) {
      // Anything changed after the last scan began shows at least this wall-clock time, even if
      // the zone's clocks were set back in between.
      c.threshold =
          zone.min_local_between(zone.to_utc(*since) - s_.margin_seconds, now + kDaySeconds);
    }
  }

  std::int64_t next_offset() const {
    const ScanCursor& c = step_.next;
    return std::max<std::int64_t>(0, c.newer + c.deep - s_.overlap_items);
  }

  // A window is trusted when it provably starts at or before the boundary group: its first
  // entry is newer than the boundary (or, inside an oversized group, not older).
  bool window_trusted(std::int64_t offset, const std::vector<ListedItem>& page) const {
    const ScanCursor& c = step_.next;
    if (offset == 0 || !c.boundary) return true;
    if (page.empty()) return false;  // The list shrank under us: look further back.
    return c.deep == 0 ? page.front().key > *c.boundary : page.front().key >= *c.boundary;
  }

  void step_back(std::int64_t offset) {
    ScanCursor& c = step_.next;
    const std::int64_t target =
        std::max<std::int64_t>(0, offset - std::max(1, s_.page_size - s_.overlap_items));
    c.deep = 0;
    c.newer = target + s_.overlap_items;
  }

  // Processes a trusted page; true when the scan completed.
  bool consume(std::int64_t offset, const std::vector<ListedItem>& page) {
    ScanCursor& c = step_.next;
    for (std::size_t i = 0; i < page.size(); ++i) {
      const ListedItem& item = page[i];
      const std::int64_t pos = offset + static_cast<std::int64_t>(i);
      if (!c.high_water) c.high_water = item.key;  // First entry of the scan: the newest.
      if (c.threshold && item.key < *c.threshold) {
        complete();
        return true;
      }
      if (c.boundary && item.key > *c.boundary) {
        c.newer = pos + 1;  // Passed already, or changed during this scan (the next one sees it).
        continue;
      }
      if (!c.boundary || item.key < *c.boundary) {
        c.boundary = item.key;
        c.seen.clear();
        c.newer = pos;
        c.deep = 0;
      } else if (std::find(c.seen.begin(), c.seen.end(), item.id) != c.seen.end()) {
        continue;
      }
      c.seen.push_back(item.id);
      if (c.seen.size() > kMaxSeenIds) c.seen.erase(c.seen.begin());
      step_.changes.push_back(item);
      if (step_.changes.size() >= limit_) return false;
    }
    return false;
  }

  // The boundary group runs past a full page that began at or after the group's start, so
  // re-reading from its start cannot get further: continue by position inside the group.
  void read_group_by_position(std::int64_t offset, const std::vector<ListedItem>& page) {
    ScanCursor& c = step_.next;
    c.deep = offset + static_cast<std::int64_t>(page.size()) - c.newer;
    step_.positional = true;
  }

  void complete() {
    ScanCursor& c = step_.next;
    const auto since = c.high_water ? c.high_water : c.since;
    c = ScanCursor{};
    c.since = since;
    step_.has_more = false;
  }

  const std::size_t limit_;
  const ScanSettings& s_;
  ScanStep step_;
};

}  // namespace

Json ScanCursor::to_json() const {
  Json j = Json::object();
  j["scanning"] = scanning;
  put_opt(j, "since", since);
  put_opt(j, "threshold", threshold);
  put_opt(j, "highWater", high_water);
  put_opt(j, "boundary", boundary);
  Json ids = Json::array();
  for (auto id : seen) ids.as_array().push_back(id);
  j["seen"] = std::move(ids);
  j["newer"] = newer;
  j["deep"] = deep;
  return j;
}

Result<ScanCursor> ScanCursor::from_json(const Json& j) {
  auto bad = [] { return InvalidArgument("malformed change-scan cursor"); };
  ScanCursor c;
  const Json* scanning = j.find("scanning");
  const Json* seen = j.find("seen");
  auto newer = opt_int(j, "newer");
  auto deep = opt_int(j, "deep");
  if (scanning == nullptr || !scanning->is_bool() || seen == nullptr || !seen->is_array() ||
      !newer || !deep || *newer < 0 || *deep < 0 || seen->as_array().size() > kMaxSeenIds) {
    return bad();
  }
  c.scanning = scanning->as_bool();
  c.since = opt_int(j, "since");
  c.threshold = opt_int(j, "threshold");
  c.high_water = opt_int(j, "highWater");
  c.boundary = opt_int(j, "boundary");
  c.newer = *newer;
  c.deep = *deep;
  for (const auto& id : seen->as_array()) {
    if (!id.is_int()) return bad();
    c.seen.push_back(id.as_int());
  }
  return c;
}

Result<ScanStep> advance_change_scan(ScanCursor cursor, std::size_t limit,
                                     const ScanSettings& settings, const TimeZone& zone,
                                     UtcSeconds now, const PageFetcher& fetch) {
  if (limit == 0) return InvalidArgument("list_changed limit must be at least 1");
  return Scan(std::move(cursor), limit, settings).run(zone, now, fetch);
}

}  // namespace ojsync
