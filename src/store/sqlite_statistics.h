// Sync statistics of the SQLite store: the hourly rollup (sync_statistics) kept with every
// commit, and the figures Store::statistics reports.
#pragma once

#include <string>
#include <vector>

#include "ojsync/store.h"
#include "store/sqlite_db.h"

namespace ojsync {

// Rollup increments gathered over a group commit and written once per bucket, so a batch of
// N records costs one upsert per bucket instead of N. A batch spans few buckets (hours × types
// × outcomes), so they are kept in a vector searched from the most recent one. Not
// thread-safe (one per commit).
class StatisticsBatch {
 public:
  void add(const SyncRecord& record);
  // Writes every gathered bucket; runs inside the group commit's transaction.
  Status flush(SqliteDb& db) const;

 private:
  struct Bucket {
    std::int64_t hour;
    std::string type;
    SyncOutcome outcome;
    std::int64_t count = 0;
    Duration total_duration{0};
    Timestamp last_started_at{};
  };
  std::vector<Bucket> buckets_;
};

// Store::statistics. The 24-hour window is (now - 24 h, now] over the records' started_at.
// Percentiles use the nearest-rank method over every record in the window, whatever its
// outcome: the p-th percentile of N sorted durations is the one at rank ceil(p/100 × N)
// (1-based), so it is always a duration that occurred; with no records both are zero.
// last_sync_at is the newest started_at ever counted (it survives retention).
// Runs inside the caller's (read) transaction, so the figures are one consistent snapshot.
Result<StoreStatistics> read_statistics(SqliteDb& db, Timestamp now);

}  // namespace ojsync
