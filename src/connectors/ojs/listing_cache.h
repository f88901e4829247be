// Submissions as the activity listing just returned them, so that fetching each listed
// submission right afterwards (an import, a sweep's syncs) costs one request (its publication)
// instead of two. A listed submission object carries every submission-level member the
// manuscript projection reads (they are all `apiSummary` in 3.3, 3.4 and 3.5); the publication,
// which the listing only summarises, is always read fresh.
//
// An entry is taken at most once and only while younger than `max_age`, so a fetch never answers
// from data older than that; an edit in between bumps the submission's activity and is listed
// again by the next scan. Bounded: the oldest entries are dropped first. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "ojsync/json.h"
#include "ojsync/time.h"

namespace ojsync {

class ListingCache {
 public:
  ListingCache(Duration max_age, std::size_t capacity) : max_age_(max_age), capacity_(capacity) {}

  // Keeps `submission` (a listed item) as seen at `now`; replaces an older entry of the same id.
  // No-op when max_age is zero.
  void put(std::int64_t id, Json submission, Timestamp now);
  // The entry for `id` if it is younger than max_age at `now`, removed from the cache.
  std::optional<Json> take(std::int64_t id, Timestamp now);

 private:
  struct Entry {
    Json submission;
    Timestamp listed_at;
  };
  const Duration max_age_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::map<std::int64_t, Entry> entries_;                 // GUARDED_BY(mu_)
  std::deque<std::pair<std::int64_t, Timestamp>> order_;  // GUARDED_BY(mu_), oldest first
};

}  // namespace ojsync
