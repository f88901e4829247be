#include "store/sqlite_statistics.h"

#include <string>

namespace ojsync {

namespace {

constexpr std::int64_t kMicrosPerHour = 3'600'000'000;

// Floors to the hour, also before 1970 (integer division truncates toward zero).
std::int64_t hour_of(Timestamp t) {
  const std::int64_t us = to_micros(t);
  const std::int64_t hours = us / kMicrosPerHour - (us % kMicrosPerHour < 0 ? 1 : 0);
  return hours * kMicrosPerHour;
}

Status add_count(OutcomeCounts& counts, const std::string& outcome_text, std::int64_t n) {
  Result<SyncOutcome> outcome = parse_outcome(outcome_text);
  if (!outcome.ok()) return DataLoss("store row has an invalid outcome: '" + outcome_text + "'");
  counts.total += n;
  switch (*outcome) {
    case SyncOutcome::kNoop: counts.noop += n; break;
    case SyncOutcome::kApplied: counts.applied += n; break;
    case SyncOutcome::kConflict: counts.conflict += n; break;
    case SyncOutcome::kFailed: counts.failed += n; break;
  }
  return OkStatus();
}

// Reads (outcome, count) rows into `counts`.
Status read_outcome_counts(Query& q, OutcomeCounts& counts) {
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) return OkStatus();
    OJSYNC_RETURN_IF_ERROR(add_count(counts, q.text(0), q.int64(1)));
  }
}

// The duration at 1-based `rank` in the window sorted ascending.
Result<Duration> duration_at_rank(SqliteDb& db, Timestamp from, Timestamp to, std::int64_t rank) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT duration_us FROM sync_records WHERE started_at > ? "
                                            "AND started_at <= ? ORDER BY duration_us LIMIT 1 OFFSET ?"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.bind(from, to, rank - 1).step());
  return row ? Duration(q.int64(0)) : Duration(0);
}

// ceil(percent / 100 × n) for n > 0.
std::int64_t nearest_rank(std::int64_t percent, std::int64_t n) { return (percent * n + 99) / 100; }

Result<std::int64_t> count_of(SqliteDb& db, std::string_view sql) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query(sql));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  return row ? q.int64(0) : 0;
}

Status read_last_24h(SqliteDb& db, Timestamp now, StoreStatistics& stats) {
  const Timestamp from = now - std::chrono::hours(24);
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT outcome, COUNT(*) FROM sync_records "
                                            "WHERE started_at > ? AND started_at <= ? GROUP BY outcome"));
  q.bind(from, now);
  OJSYNC_RETURN_IF_ERROR(read_outcome_counts(q, stats.last_24h));
  const std::int64_t n = stats.last_24h.total;
  if (n == 0) return OkStatus();
  OJSYNC_ASSIGN_OR_RETURN(stats.p50_duration_24h, duration_at_rank(db, from, now, nearest_rank(50, n)));
  OJSYNC_ASSIGN_OR_RETURN(stats.p99_duration_24h, duration_at_rank(db, from, now, nearest_rank(99, n)));
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

Status add_to_statistics(SqliteDb& db, const SyncRecord& record) {
  return upsert_bucket(db, hour_of(record.started_at), record.key.type, record.outcome, 1, record.duration,
                       record.started_at);
}

void StatisticsBatch::add(const SyncRecord& record) {
  Bucket& b = buckets_[{hour_of(record.started_at), record.key.type, record.outcome}];
  ++b.count;
  b.total_duration += record.duration;
  b.last_started_at = std::max(b.last_started_at, record.started_at);
}

Status StatisticsBatch::flush(SqliteDb& db) const {
  for (const auto& [key, b] : buckets_) {
    const auto& [hour, type, outcome] = key;
    OJSYNC_RETURN_IF_ERROR(upsert_bucket(db, hour, type, outcome, b.count, b.total_duration, b.last_started_at));
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
