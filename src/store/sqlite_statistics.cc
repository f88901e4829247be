#include "store/sqlite_statistics.h"

#include <algorithm>
#include <string>
#include <vector>

#include "store/sqlite_sync_log.h"

namespace ojsync {

namespace {

constexpr std::int64_t kMicrosPerHour = 3'600'000'000;

// Floors to the hour, also before 1970 (integer division truncates toward zero).
std::int64_t hour_of(Timestamp t) {
  const std::int64_t us = to_micros(t);
  const std::int64_t hours = us / kMicrosPerHour - (us % kMicrosPerHour < 0 ? 1 : 0);
  return hours * kMicrosPerHour;
}

void add_count(OutcomeCounts& counts, SyncOutcome outcome, std::int64_t n) {
  counts.total += n;
  switch (outcome) {
    case SyncOutcome::kNoop: counts.noop += n; break;
    case SyncOutcome::kApplied: counts.applied += n; break;
    case SyncOutcome::kConflict: counts.conflict += n; break;
    case SyncOutcome::kFailed: counts.failed += n; break;
  }
}

// Reads (outcome, count) rows into `counts`.
Status read_outcome_counts(Query& q, OutcomeCounts& counts) {
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) return OkStatus();
    const std::string outcome_text = q.text(0);
    Result<SyncOutcome> outcome = parse_outcome(outcome_text);
    if (!outcome.ok()) return DataLoss("store row has an invalid outcome: '" + outcome_text + "'");
    add_count(counts, *outcome, q.int64(1));
  }
}

// ceil(percent / 100 × n) for n > 0.
std::int64_t nearest_rank(std::int64_t percent, std::int64_t n) { return (percent * n + 99) / 100; }

Result<std::int64_t> count_of(SqliteDb& db, std::string_view sql) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query(sql));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  return row ? q.int64(0) : 0;
}

// The duration at 1-based `rank` in ascending order (reorders `durations`).
Duration duration_at_rank(std::vector<Duration>& durations, std::int64_t rank) {
  const auto nth = durations.begin() + (rank - 1);
  std::nth_element(durations.begin(), nth, durations.end());
  return *nth;
}

Status read_last_24h(SqliteDb& db, Timestamp now, StoreStatistics& stats) {
  std::vector<Duration> durations;
  OJSYNC_RETURN_IF_ERROR(
      visit_records_in_window(db, now - std::chrono::hours(24), now, [&](const SyncRecord& r) {
        add_count(stats.last_24h, r.outcome, 1);
        durations.push_back(r.duration);
      }));
  const auto n = static_cast<std::int64_t>(durations.size());
  if (n == 0) return OkStatus();
  stats.p50_duration_24h = duration_at_rank(durations, nearest_rank(50, n));
  stats.p99_duration_24h = duration_at_rank(durations, nearest_rank(99, n));
  return OkStatus();
}

Status read_all_time(SqliteDb& db, StoreStatistics& stats) {
  OJSYNC_ASSIGN_OR_RETURN(Query counts,
                          db.query("SELECT outcome, SUM(count) FROM sync_statistics GROUP BY outcome"));
  OJSYNC_RETURN_IF_ERROR(read_outcome_counts(counts, stats.all_time));
  OJSYNC_ASSIGN_OR_RETURN(Query last, db.query("SELECT MAX(last_started_at) FROM sync_statistics"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, last.step());
  if (row && !last.is_null(0)) stats.last_sync_at = last.timestamp(0);
  return OkStatus();
}

Status read_queue(SqliteDb& db, StoreStatistics& stats) {
  OJSYNC_ASSIGN_OR_RETURN(stats.pending_conflicts,
                          count_of(db, "SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open'"));
  OJSYNC_ASSIGN_OR_RETURN(stats.queue_depth,
                          count_of(db, "SELECT COUNT(*) FROM sync_jobs WHERE state IN ('pending', 'leased')"));
  OJSYNC_ASSIGN_OR_RETURN(stats.dead_jobs, count_of(db, "SELECT COUNT(*) FROM sync_jobs WHERE state = 'dead'"));
  return OkStatus();
}

}  // namespace

namespace {

Status upsert_bucket(SqliteDb& db, std::int64_t hour, std::string_view type, SyncOutcome outcome,
                     std::int64_t count, Duration total_duration, Timestamp last_started_at) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("INSERT INTO sync_statistics (hour, type, outcome, count, total_duration_us, "
                        "last_started_at) VALUES (?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (hour, type, outcome) DO UPDATE SET count = count + excluded.count, "
                        "total_duration_us = total_duration_us + excluded.total_duration_us, "
                        "last_started_at = MAX(last_started_at, excluded.last_started_at)"));
  return q.bind(hour, type, outcome_name(outcome), count, total_duration, last_started_at).run();
}

}  // namespace

void StatisticsBatch::add(const SyncRecord& record) {
  const std::int64_t hour = hour_of(record.started_at);
  auto same = [&](const Bucket& b) { return b.hour == hour && b.outcome == record.outcome && b.type == record.key.type; };
  auto found = std::find_if(buckets_.rbegin(), buckets_.rend(), same);
  Bucket& b = found != buckets_.rend() ? *found : buckets_.emplace_back(Bucket{hour, record.key.type, record.outcome});
  ++b.count;
  b.total_duration += record.duration;
  b.last_started_at = std::max(b.last_started_at, record.started_at);
}

Status StatisticsBatch::flush(SqliteDb& db) const {
  for (const Bucket& b : buckets_) {
    OJSYNC_RETURN_IF_ERROR(upsert_bucket(db, b.hour, b.type, b.outcome, b.count, b.total_duration, b.last_started_at));
  }
  return OkStatus();
}

Result<StoreStatistics> read_statistics(SqliteDb& db, Timestamp now) {
  StoreStatistics stats;
  OJSYNC_RETURN_IF_ERROR(read_all_time(db, stats));
  OJSYNC_RETURN_IF_ERROR(read_last_24h(db, now, stats));
  OJSYNC_RETURN_IF_ERROR(read_queue(db, stats));
  return stats;
}

}  // namespace ojsync
