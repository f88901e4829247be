#include "connectors/ojs/change_scan.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "connectors/ojs/cursor_codec.h"
#include "connectors/ojs/ojs_datetime.h"

namespace ojsync {
namespace {

// A journal's submission list as OJS serves it: sorted by key, newest first, entries sharing a
// key in a fresh random order on every request, and an optional hook that edits the journal
// before each request (edits, deletions, new submissions while a scan runs).
struct ListModel {
  std::map<std::int64_t, LocalSeconds> items;
  std::mt19937 rng{7};
  bool shuffle_ties = true;
  bool reverse_ties_every_other = false;
  int fetches = 0;
  std::function<void(ListModel&)> before_fetch;

  Result<std::vector<ListedItem>> fetch(std::int64_t offset, int count) {
    if (before_fetch) before_fetch(*this);
    ++fetches;
    std::vector<ListedItem> all;
    for (const auto& [id, key] : items) all.push_back({id, key});
    if (shuffle_ties) std::shuffle(all.begin(), all.end(), rng);
    if (reverse_ties_every_other && fetches % 2 == 0) std::reverse(all.begin(), all.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const ListedItem& a, const ListedItem& b) { return a.key > b.key; });
    std::vector<ListedItem> page;
    for (std::int64_t i = offset; i < static_cast<std::int64_t>(all.size()) && i < offset + count;
         ++i) {
      page.push_back(all[static_cast<std::size_t>(i)]);
    }
    return page;
  }
};

struct ScanRun {
  std::vector<ListedItem> emitted;
  ScanCursor cursor;
  bool positional = false;
  int calls = 0;
};

// Drives one scan to its end (has_more false), with call limits drawn from `limits`.
ScanRun run_scan(ListModel& model, ScanCursor start, const ScanSettings& settings,
                 std::vector<std::size_t> limits, const TimeZone& zone = TimeZone::utc(),
                 UtcSeconds now = 1'900'000'000) {
  ScanRun run;
  run.cursor = std::move(start);
  for (int guard = 0; guard < 100000; ++guard) {
    const std::size_t limit = limits[static_cast<std::size_t>(guard) % limits.size()];
    auto step = advance_change_scan(run.cursor, limit, settings, zone, now,
                                    [&](std::int64_t o, int c) { return model.fetch(o, c); });
    EXPECT_TRUE(step.ok()) << step.status().to_string();
    if (!step.ok()) break;
    EXPECT_LE(step->changes.size(), limit);
    run.emitted.insert(run.emitted.end(), step->changes.begin(), step->changes.end());
    run.positional = run.positional || step->positional;
    ++run.calls;
    // The cursor travels as text between calls, as the engine stores it.
    auto decoded = decode_cursor(encode_cursor(step->next.to_json()));
    EXPECT_TRUE(decoded.ok());
    run.cursor = ScanCursor::from_json(*decoded).value();
    if (!step->has_more) break;
  }
  return run;
}

std::map<std::int64_t, int> counts(const std::vector<ListedItem>& emitted) {
  std::map<std::int64_t, int> c;
  for (const auto& i : emitted) ++c[i.id];
  return c;
}

ScanSettings settings(int page, int overlap, std::int64_t margin = 5) {
  ScanSettings s;
  s.page_size = page;
  s.overlap_items = overlap;
  s.margin_seconds = margin;
  return s;
}

TEST(ChangeScanTest, FullScanWithHeavyTiesEmitsEveryEntryExactlyOnceInOrder) {
  ListModel model;
  std::int64_t id = 1;
  for (int second = 0; second < 40; ++second) {
    for (int k = 0; k < 19; ++k) model.items[id++] = 1000 + second;  // Just under page - overlap.
  }
  const auto run = run_scan(model, {}, settings(25, 5), {7, 1, 30, 3, 100});
  const auto c = counts(run.emitted);
  EXPECT_EQ(c.size(), model.items.size());
  for (const auto& [i, n] : c) EXPECT_EQ(n, 1) << "id " << i;
  for (std::size_t i = 1; i < run.emitted.size(); ++i)
    EXPECT_LE(run.emitted[i].key, run.emitted[i - 1].key);
  EXPECT_FALSE(run.positional);
}

TEST(ChangeScanTest, AFullScanReadsEachWindowOnce) {
  ListModel model;
  for (std::int64_t id = 1; id <= 1000; ++id) model.items[id] = 1'800'000'000 + id / 3;
  const auto run = run_scan(model, {}, settings(100, 10), {100});
  EXPECT_EQ(counts(run.emitted).size(), 1000u);
  // A window of 100 re-reads 10 positions, so it yields 90 new entries; a call returns those
  // rather than asking OJS again for the last 10 of its limit.
  EXPECT_LE(model.fetches, 1000 / 90 + 2);
  EXPECT_EQ(model.fetches, run.calls);
}

TEST(ChangeScanTest, TiesReorderedAdversariallyAtEveryPageBoundary) {
  for (std::size_t limit : {1u, 2u, 3u, 5u}) {
    ListModel model;
    model.shuffle_ties = false;
    model.reverse_ties_every_other = true;  // Each request sees a tie group in the opposite order.
    std::int64_t id = 1;
    for (int second = 0; second < 30; ++second) {
      for (int k = 0; k < 3; ++k) model.items[id++] = 500 + second;
    }
    const auto run = run_scan(model, {}, settings(4, 1), {limit});
    const auto c = counts(run.emitted);
    EXPECT_EQ(c.size(), model.items.size()) << "limit " << limit;
    for (const auto& [i, n] : c) EXPECT_EQ(n, 1) << "id " << i << " limit " << limit;
  }
}

TEST(ChangeScanTest, EditsDeletionsAndInsertionsDuringAScanSkipNothing) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    ListModel model;
    model.rng.seed(seed);
    std::mt19937 chaos(seed * 7919);
    std::int64_t id = 1;
    for (int second = 0; second < 60; ++second) {
      const int n = 1 + static_cast<int>(chaos() % 12);
      for (int k = 0; k < n; ++k) model.items[id++] = 10'000 + second;
    }
    const std::set<std::int64_t> initial = [&] {
      std::set<std::int64_t> s;
      for (const auto& [i, _] : model.items) s.insert(i);
      return s;
    }();
    std::set<std::int64_t> deleted, edited, added;
    LocalSeconds now = 20'000;
    model.before_fetch = [&](ListModel& m) {
      const int deletions =
          static_cast<int>(chaos() % 9);  // Up to 8 per request: beyond the overlap.
      for (int k = 0; k < deletions && !m.items.empty(); ++k) {
        auto it = std::next(m.items.begin(), static_cast<long>(chaos() % m.items.size()));
        deleted.insert(it->first);
        m.items.erase(it);
      }
      for (int k = 0; k < static_cast<int>(chaos() % 3) && !m.items.empty(); ++k) {
        auto it = std::next(m.items.begin(), static_cast<long>(chaos() % m.items.size()));
        it->second = ++now;  // Edited: jumps to the top.
        edited.insert(it->first);
      }
      if (chaos() % 2 == 0) {
        m.items[id] = ++now;
        added.insert(id++);
      }
    };
    const auto first = run_scan(model, {}, settings(20, 4), {5, 13, 1, 40});
    const auto seen_first = counts(first.emitted);
    for (std::int64_t i : initial) {
      if (deleted.count(i) || edited.count(i)) continue;
      EXPECT_EQ(seen_first.count(i), 1u) << "seed " << seed << ": untouched id " << i << " skipped";
    }
    for (const auto& [i, n] : seen_first)
      EXPECT_EQ(n, 1) << "seed " << seed << ": id " << i << " repeated";

    model.before_fetch = nullptr;
    const auto second = run_scan(model, first.cursor, settings(20, 4), {50});
    const auto seen_second = counts(second.emitted);
    for (std::int64_t i : edited) {
      if (deleted.count(i)) continue;
      EXPECT_TRUE(seen_first.count(i) || seen_second.count(i))
          << "seed " << seed << ": edited id " << i << " missed";
    }
    for (std::int64_t i : added) {
      if (deleted.count(i)) continue;
      EXPECT_TRUE(seen_first.count(i) || seen_second.count(i))
          << "seed " << seed << ": new id " << i << " missed";
    }
    EXPECT_LT(seen_second.size(), initial.size() / 2) << "the second scan should be incremental";
  }
}

TEST(ChangeScanTest, IncrementalScanStopsAtThePreviousHighWaterMarkMinusTheMargin) {
  ListModel model;
  for (std::int64_t i = 1; i <= 1000; ++i)
    model.items[i] = 100'000 + i * 10;  // Distinct, 10 s apart.
  const auto full = run_scan(model, {}, settings(100, 10, 5), {100});
  EXPECT_EQ(full.emitted.size(), 1000u);
  model.items[17] = 200'000;
  model.items[400] = 200'100;
  model.items[999] = 200'200;
  model.fetches = 0;
  const auto next = run_scan(model, full.cursor, settings(100, 10, 5), {100});
  std::set<std::int64_t> ids;
  for (const auto& i : next.emitted) ids.insert(i.id);
  // The three edits, plus the entry inside the 5 s margin of the old high-water mark (1000).
  EXPECT_EQ(ids, (std::set<std::int64_t>{17, 400, 999, 1000}));
  EXPECT_EQ(model.fetches, 1);
  // Nothing changed: one request, only the margin re-read.
  model.fetches = 0;
  const auto quiet = run_scan(model, next.cursor, settings(100, 10, 5), {100});
  EXPECT_EQ(model.fetches, 1);
  EXPECT_EQ(quiet.emitted.size(), 1u);
}

TEST(ChangeScanTest, OversizedTieGroupIsPagedByPositionAndFlagged) {
  ListModel model;
  model.shuffle_ties = false;  // The regime in which positional paging is exact.
  for (std::int64_t i = 1; i <= 35; ++i) model.items[i] = 50;  // A bulk import in one second.
  for (std::int64_t i = 36; i <= 45; ++i) model.items[i] = 40 + i;
  const auto run = run_scan(model, {}, settings(10, 2), {4, 9});
  const auto c = counts(run.emitted);
  EXPECT_EQ(c.size(), 45u);
  for (const auto& [i, n] : c) EXPECT_EQ(n, 1) << i;
  EXPECT_TRUE(run.positional);
}

TEST(ChangeScanTest, ClockSetBackByDaylightSavingIsCovered) {
  const auto berlin = TimeZone::load("Europe/Berlin", "/usr/share/zoneinfo").value();
  auto local = [](std::string_view s) { return parse_ojs_datetime(s).value(); };
  auto utc = [](std::string_view s) { return utc_from_timestamp(parse_timestamp(s).value()); };
  ListModel model;
  model.items[1] = local("2026-10-25 02:40:00");  // CEST (first 02:40)
  model.items[2] = local("2026-10-25 02:50:00");  // CEST
  const auto first =
      run_scan(model, {}, settings(10, 2), {10}, berlin, utc("2026-10-25T00:55:00Z"));
  EXPECT_EQ(first.emitted.size(), 2u);
  // 20 minutes after the clocks went back, submission 3 is edited: its wall time is lower than
  // the previous scan's high-water mark (02:50), yet it changed later.
  model.items[3] = local("2026-10-25 02:10:00");  // CET, 01:10 UTC
  const auto second =
      run_scan(model, first.cursor, settings(10, 2), {10}, berlin, utc("2026-10-25T01:20:00Z"));
  std::set<std::int64_t> ids;
  for (const auto& i : second.emitted) ids.insert(i.id);
  EXPECT_TRUE(ids.count(3)) << "an edit made after the clocks went back was skipped";
}

TEST(ChangeScanTest, FullPassModeListsEverythingEveryScan) {
  ListModel model;
  for (std::int64_t i = 1; i <= 30; ++i) model.items[i] = i;  // Users by id.
  ScanSettings s = settings(7, 2);
  s.incremental = false;
  const auto first = run_scan(model, {}, s, {4});
  const auto second = run_scan(model, first.cursor, s, {100});
  EXPECT_EQ(counts(first.emitted).size(), 30u);
  EXPECT_EQ(counts(second.emitted).size(), 30u);
}

TEST(ChangeScanTest, FetchErrorsPropagateAndLimitZeroIsRefused) {
  auto failing = [](std::int64_t, int) -> Result<std::vector<ListedItem>> {
    return Unavailable("down");
  };
  auto step = advance_change_scan({}, 10, settings(10, 2), TimeZone::utc(), 0, failing);
  EXPECT_EQ(step.status().code(), StatusCode::kUnavailable);
  step = advance_change_scan({}, 0, settings(10, 2), TimeZone::utc(), 0, failing);
  EXPECT_EQ(step.status().code(), StatusCode::kInvalidArgument);
}

TEST(ChangeScanTest, CursorRoundTripAndTamperedCursorsAreRefused) {
  ScanCursor c;
  c.scanning = true;
  c.since = 5;
  c.boundary = 9;
  c.seen = {3, 4};
  c.newer = 12;
  auto back = ScanCursor::from_json(decode_cursor(encode_cursor(c.to_json())).value());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->to_json(), c.to_json());
  EXPECT_FALSE(decode_cursor("c1.!!!").ok());
  EXPECT_FALSE(decode_cursor("12").ok());
  EXPECT_FALSE(decode_cursor(std::string(kMaxCursorBytes + 10, 'A')).ok());
  Json bad = c.to_json();
  bad["newer"] = -1;
  EXPECT_FALSE(ScanCursor::from_json(bad).ok());
  bad = c.to_json();
  bad["seen"] = "x";
  EXPECT_FALSE(ScanCursor::from_json(bad).ok());
}

}  // namespace
}  // namespace ojsync
