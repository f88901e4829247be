// The change scan behind list_changed: pages through a list OJS sorts by one key, newest first
// (submissions by last activity; users by id), and emits every entry at or above a threshold
// without ever skipping one, although
//   - OJS pages by offset only, with no "changed since" filter;
//   - its activity times have one-second precision and no tie-breaker, so entries sharing a
//     second come back in any order and may trade places between two requests;
//   - entries move while a scan runs: an edited submission jumps to the top (pushing the rest
//     down) and a deleted one pulls everything after it up.
//
// How (see docs/ojs-connector.md for the argument):
//   * The cursor remembers the boundary second B (the activity of the last entry passed), the
//     ids already emitted at B, and where the group of entries at B started in the list.
//   * The next request re-reads from `overlap_items` positions before that group, and is only
//     trusted if its first entry is newer than B (proof that nothing after B slid above the
//     window); otherwise the window steps back. Entries newer than B are skipped (passed, or
//     edited during the scan and due to the next scan), entries at B are de-duplicated by id,
//     entries older than B move the boundary.
//   * A scan records the newest activity on its first page (its high-water mark). The next
//     scan stops below that mark minus `margin_seconds` (and minus any clock set-back of the
//     zone in between), so edits made during a scan, or committed late, are caught by the next.
//   * A tie group of page_size - overlap_items entries or more cannot be re-read whole; the scan
//   then
//     pages through it by position, which is exact only while OJS keeps that group's order.
// Memory is bounded: one page at a time and at most kMaxSeenIds ids in the cursor.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "connectors/ojs/time_zone.h"
#include "ojsync/json.h"
#include "ojsync/status.h"

namespace ojsync {

constexpr std::size_t kMaxSeenIds = 1000;

struct ListedItem {
  std::int64_t id = 0;
  LocalSeconds key = 0;  // The sort key: wall-clock activity second (or the id itself).
  bool operator==(const ListedItem&) const = default;
};

struct ScanCursor {
  bool scanning = false;
  std::optional<LocalSeconds> since;       // High-water mark of the last completed scan.
  std::optional<LocalSeconds> threshold;   // The running scan stops below this; none = full scan.
  std::optional<LocalSeconds> high_water;  // Newest key on the running scan's first page.
  std::optional<LocalSeconds> boundary;    // Key of the last entry passed.
  std::vector<std::int64_t> seen;          // Ids emitted with key == boundary (oldest first).
  std::int64_t newer = 0;                  // List positions holding entries newer than boundary.
  std::int64_t deep = 0;  // Positions of an oversized boundary group passed by position.

  Json to_json() const;
  static Result<ScanCursor> from_json(const Json& j);
};

struct ScanSettings {
  int page_size = 100;
  int overlap_items = 3;  // As OjsConnectorOptions::overlap_items.
  std::int64_t margin_seconds = 5;
  int max_requests = 8;     // Per call; a call that runs out returns has_more with its progress.
  bool incremental = true;  // false: every scan is a full pass (lists without a change key).
};

struct ScanStep {
  std::vector<ListedItem> changes;
  ScanCursor next;
  bool has_more = false;
  int requests = 0;
  bool positional = false;  // An oversized tie group was paged by position.
};

// Entries [offset, offset + count) of the list, newest first.
using PageFetcher = std::function<Result<std::vector<ListedItem>>(std::int64_t offset, int count)>;

// Advances `cursor` by up to `limit` changes (limit ≥ 1). `zone` and `now` turn the previous
// high-water mark into this scan's threshold. A fetch error is returned as is; the caller keeps
// the old cursor (so nothing is lost, some entries may come again).
Result<ScanStep> advance_change_scan(ScanCursor cursor, std::size_t limit,
                                     const ScanSettings& settings, const TimeZone& zone,
                                     UtcSeconds now, const PageFetcher& fetch);

}  // namespace ojsync
