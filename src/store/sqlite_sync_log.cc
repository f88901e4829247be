#include "store/sqlite_sync_log.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <tuple>

#include "store/sqlite_store_rows.h"
#include "store/sync_record_codec.h"

namespace ojsync {

namespace {

struct Pending {
  std::int64_t id;
  const SyncRecord* record;
};

// About what a no-op record of a short id takes (one digest, no error): enough to build most
// blocks without reallocating.
constexpr std::size_t kTypicalRecordBytes = 72;

std::int64_t bucket_of(std::int64_t record_id) { return record_id >> kEntityBucketBits; }

// The id the next record gets: one above the highest ever given.
Result<std::int64_t> read_next_id(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT seq FROM sqlite_sequence WHERE name = 'sync_record_blocks'"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  return (row ? q.int64(0) : 0) + 1;
}

Status insert_block(SqliteDb& db, std::span<const Pending> records, const std::string& block) {
  Timestamp oldest = records.front().record->started_at;
  Timestamp newest = oldest;
  for (const Pending& p : records) {
    oldest = std::min(oldest, p.record->started_at);
    newest = std::max(newest, p.record->started_at);
  }
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("INSERT INTO sync_record_blocks (last_id, first_id, count, "
                                            "min_started_at, max_started_at, records) VALUES (?, ?, ?, ?, ?, ?)"));
  q.bind(records.back().id, records.front().id, static_cast<std::int64_t>(records.size()), oldest, newest,
         Blob{block});
  return q.run();
}

// Writes `records` (ascending ids) as blocks of at most kRecordsPerBlock, then their entity
// index entries in key order, so that neighbouring entries share pages.
Status write_records(SqliteDb& db, std::span<const Pending> records) {
  std::string block;
  for (std::size_t begin = 0; begin < records.size(); begin += kRecordsPerBlock) {
    const std::span<const Pending> part = records.subspan(begin, std::min(kRecordsPerBlock, records.size() - begin));
    start_record_block(block);
    block.reserve(part.size() * kTypicalRecordBytes);
    for (const Pending& p : part) encode_sync_record(*p.record, p.id, part.front().id, block);
    OJSYNC_RETURN_IF_ERROR(insert_block(db, part, block));
  }
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> entries;
  entries.reserve(records.size());
  for (const Pending& p : records) entries.emplace_back(bucket_of(p.id), entity_key_hash(p.record->key), p.id);
  std::sort(entries.begin(), entries.end());
  for (const auto& [bucket, key_hash, id] : entries) {
    OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("INSERT INTO sync_record_entities (bucket, key_hash, record_id) "
                                              "VALUES (?, ?, ?)"));
    OJSYNC_RETURN_IF_ERROR(q.bind(bucket, key_hash, id).run());
  }
  return OkStatus();
}

Status decode_block(std::string_view block, std::int64_t first_id,
                    const std::function<Status(const SyncRecord&)>& visit) {
  OJSYNC_ASSIGN_OR_RETURN(SyncRecordReader reader, SyncRecordReader::open(block, first_id));
  SyncRecord record;
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool more, reader.next(record));
    if (!more) return OkStatus();
    OJSYNC_RETURN_IF_ERROR(visit(record));
  }
}

struct StoredBlock {
  std::int64_t last_id;
  std::int64_t first_id;
  std::string records;
};

Result<std::vector<SyncRecord>> decode_all(const StoredBlock& b) {
  std::vector<SyncRecord> records;
  OJSYNC_RETURN_IF_ERROR(decode_block(b.records, b.first_id, [&](const SyncRecord& r) {
    records.push_back(r);
    return OkStatus();
  }));
  return records;
}

// The block that holds record `id`, if any still does (the record itself may be gone).
Result<std::optional<StoredBlock>> block_holding(SqliteDb& db, std::int64_t id) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT last_id, first_id, records FROM sync_record_blocks "
                                            "WHERE last_id >= ? ORDER BY last_id LIMIT 1"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.bind(id).step());
  if (!row || q.int64(1) > id) return std::optional<StoredBlock>();
  return std::optional(StoredBlock{q.int64(0), q.int64(1), std::string(q.blob(2))});
}

// The record with `id`, if a block still holds it.
Result<std::optional<SyncRecord>> find_record(SqliteDb& db, std::int64_t id) {
  std::optional<SyncRecord> found;
  OJSYNC_ASSIGN_OR_RETURN(std::optional<StoredBlock> block, block_holding(db, id));
  if (!block) return found;
  OJSYNC_RETURN_IF_ERROR(decode_block(block->records, block->first_id, [&](const SyncRecord& r) {
    if (r.id == id) found = r;
    return OkStatus();
  }));
  return found;
}

// The lowest and highest record ids still stored; nullopt when the log is empty.
Result<std::optional<std::pair<std::int64_t, std::int64_t>>> live_id_range(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(Query first, db.query("SELECT first_id FROM sync_record_blocks ORDER BY last_id LIMIT 1"));
  OJSYNC_ASSIGN_OR_RETURN(const bool any, first.step());
  if (!any) return std::optional<std::pair<std::int64_t, std::int64_t>>();
  OJSYNC_ASSIGN_OR_RETURN(Query last, db.query("SELECT MAX(last_id) FROM sync_record_blocks"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, last.step());
  if (!row) return Internal("MAX(last_id) returned no row");
  return std::optional(std::pair(first.int64(0), last.int64(0)));
}

// Record ids of the entity hash in one bucket, highest first.
Result<std::vector<std::int64_t>> ids_in_bucket(SqliteDb& db, std::int64_t bucket, std::int64_t key_hash) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT record_id FROM sync_record_entities "
                                            "WHERE bucket = ? AND key_hash = ? ORDER BY record_id DESC"));
  q.bind(bucket, key_hash);
  std::vector<std::int64_t> ids;
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) return ids;
    ids.push_back(q.int64(0));
  }
}

// Rewrites block `last_id` with `records` (not empty, ascending ids, all within the block).
Status rewrite_block(SqliteDb& db, std::int64_t last_id, std::int64_t first_id,
                     const std::vector<SyncRecord>& records) {
  std::string block;
  start_record_block(block);
  Timestamp oldest = records.front().started_at;
  for (const SyncRecord& r : records) {
    encode_sync_record(r, r.id, first_id, block);
    oldest = std::min(oldest, r.started_at);
  }
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("UPDATE sync_record_blocks SET count = ?, min_started_at = ?, "
                                            "records = ? WHERE last_id = ?"));
  return q.bind(static_cast<std::int64_t>(records.size()), oldest, Blob{block}, last_id).run();
}

}  // namespace

Result<std::int64_t> SyncLogAppender::add(SqliteDb& db, const SyncRecord& record) {
  if (next_id_ == 0) {
    OJSYNC_ASSIGN_OR_RETURN(next_id_, read_next_id(db));
  }
  pending_.push_back(&record);
  return next_id_++;
}

Status SyncLogAppender::flush(SqliteDb& db) {
  if (pending_.empty()) return OkStatus();
  std::vector<Pending> records;
  records.reserve(pending_.size());
  const std::int64_t first = next_id_ - static_cast<std::int64_t>(pending_.size());
  for (std::size_t i = 0; i < pending_.size(); ++i) records.push_back({first + static_cast<std::int64_t>(i), pending_[i]});
  OJSYNC_RETURN_IF_ERROR(write_records(db, records));
  pending_.clear();
  return OkStatus();
}

Result<std::vector<SyncRecord>> read_entity_records(SqliteDb& db, const EntityKey& key, std::size_t limit) {
  std::vector<SyncRecord> out;
  OJSYNC_ASSIGN_OR_RETURN(auto range, live_id_range(db));
  if (!range || limit == 0) return out;
  const std::int64_t key_hash = entity_key_hash(key);
  for (std::int64_t bucket = bucket_of(range->second); bucket >= bucket_of(range->first); --bucket) {
    OJSYNC_ASSIGN_OR_RETURN(const std::vector<std::int64_t> ids, ids_in_bucket(db, bucket, key_hash));
    for (const std::int64_t id : ids) {
      OJSYNC_ASSIGN_OR_RETURN(std::optional<SyncRecord> record, find_record(db, id));
      // Another key with the same hash, or a record retention removed from its block.
      if (!record || record->key != key) continue;
      out.push_back(std::move(*record));
      if (out.size() == limit) return out;
    }
  }
  return out;
}

Result<std::vector<SyncRecord>> read_records_after(SqliteDb& db, std::int64_t after_id, std::size_t limit) {
  std::vector<SyncRecord> out;
  if (limit == 0) return out;
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT first_id, records FROM sync_record_blocks "
                                            "WHERE last_id > ? ORDER BY last_id"));
  q.bind(after_id);
  while (out.size() < limit) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) break;
    OJSYNC_RETURN_IF_ERROR(decode_block(q.blob(1), q.int64(0), [&](const SyncRecord& r) {
      if (r.id > after_id && out.size() < limit) out.push_back(r);
      return OkStatus();
    }));
  }
  return out;
}

Status visit_records_in_window(SqliteDb& db, Timestamp from, Timestamp to,
                               const std::function<void(const SyncRecord&)>& visit) {
  // INDEXED BY: the window is at the recent end of max_started_at; min_started_at <= to holds
  // for nearly every block.
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT first_id, records FROM sync_record_blocks "
                                            "INDEXED BY sync_record_blocks_by_newest "
                                            "WHERE max_started_at > ? AND min_started_at <= ?"));
  q.bind(from, to);
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) return OkStatus();
    OJSYNC_RETURN_IF_ERROR(decode_block(q.blob(1), q.int64(0), [&](const SyncRecord& r) {
      if (r.started_at > from && r.started_at <= to) visit(r);
      return OkStatus();
    }));
  }
}

Result<std::int64_t> delete_records_before(SqliteDb& db, Timestamp cutoff) {
  // Blocks wholly before the cutoff go at once.
  OJSYNC_ASSIGN_OR_RETURN(Query count, db.query("SELECT COALESCE(SUM(count), 0) FROM sync_record_blocks "
                                                "INDEXED BY sync_record_blocks_by_newest WHERE max_started_at < ?"));
  OJSYNC_ASSIGN_OR_RETURN(const bool counted, count.bind(cutoff).step());
  std::int64_t deleted = counted ? count.int64(0) : 0;
  OJSYNC_ASSIGN_OR_RETURN(Query whole, db.query("DELETE FROM sync_record_blocks WHERE max_started_at < ?"));
  OJSYNC_RETURN_IF_ERROR(whole.bind(cutoff).run());

  // Blocks straddling it are rewritten with their newer records.
  std::vector<StoredBlock> straddling;
  {
    OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT last_id, first_id, records FROM sync_record_blocks "
                                              "INDEXED BY sync_record_blocks_by_oldest WHERE min_started_at < ?"));
    q.bind(cutoff);
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
      if (!row) break;
      straddling.push_back({q.int64(0), q.int64(1), std::string(q.blob(2))});
    }
  }
  for (const StoredBlock& b : straddling) {
    OJSYNC_ASSIGN_OR_RETURN(std::vector<SyncRecord> records, decode_all(b));
    deleted += static_cast<std::int64_t>(
        std::erase_if(records, [&](const SyncRecord& r) { return r.started_at < cutoff; }));
    OJSYNC_RETURN_IF_ERROR(rewrite_block(db, b.last_id, b.first_id, records));
  }

  // Entity index entries go with their bucket once no record of it is left; until then a
  // lookup skips the ones whose record is gone.
  OJSYNC_ASSIGN_OR_RETURN(auto range, live_id_range(db));
  OJSYNC_ASSIGN_OR_RETURN(Query entries, db.query("DELETE FROM sync_record_entities WHERE bucket < ?"));
  OJSYNC_RETURN_IF_ERROR(
      entries.bind(range ? bucket_of(range->first) : std::numeric_limits<std::int64_t>::max()).run());
  return deleted;
}

Status replace_record_errors(SqliteDb& db, std::span<const std::pair<std::int64_t, std::string>> errors) {
  for (const auto& replacement : errors) {
    const std::int64_t id = replacement.first;  // Not a structured binding: a lambda uses it.
    OJSYNC_ASSIGN_OR_RETURN(std::optional<StoredBlock> block, block_holding(db, id));
    if (!block) continue;
    OJSYNC_ASSIGN_OR_RETURN(std::vector<SyncRecord> records, decode_all(*block));
    auto it = std::find_if(records.begin(), records.end(), [&](const SyncRecord& r) { return r.id == id; });
    if (it == records.end()) continue;
    it->error = replacement.second;
    OJSYNC_RETURN_IF_ERROR(rewrite_block(db, block->last_id, block->first_id, records));
  }
  return OkStatus();
}

Status pack_former_sync_records(SqliteDb& db) {
  std::vector<SyncRecord> chunk;
  auto write_chunk = [&]() -> Status {
    std::vector<Pending> pending;
    pending.reserve(chunk.size());
    for (const SyncRecord& r : chunk) pending.push_back({r.id, &r});
    OJSYNC_RETURN_IF_ERROR(write_records(db, pending));
    chunk.clear();
    return OkStatus();
  };
  {
    OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_RECORD_COLUMNS " FROM sync_records ORDER BY id"));
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
      if (!row) break;
      OJSYNC_ASSIGN_OR_RETURN(SyncRecord record, read_record(q));
      chunk.push_back(std::move(record));
      if (chunk.size() == kRecordsPerBlock) OJSYNC_RETURN_IF_ERROR(write_chunk());
    }
  }
  if (!chunk.empty()) OJSYNC_RETURN_IF_ERROR(write_chunk());
  // Ids continue above the highest the former table ever gave (sqlite_sequence has no key on
  // name, so its row is replaced by hand).
  std::int64_t seq = 0;
  {
    OJSYNC_ASSIGN_OR_RETURN(Query former, db.query("SELECT seq FROM sqlite_sequence WHERE name = 'sync_records'"));
    OJSYNC_ASSIGN_OR_RETURN(const bool had_sequence, former.step());
    OJSYNC_ASSIGN_OR_RETURN(const std::int64_t next_id, read_next_id(db));
    seq = std::max(had_sequence ? former.int64(0) : 0, next_id - 1);
  }
  OJSYNC_RETURN_IF_ERROR(db.exec("DELETE FROM sqlite_sequence WHERE name IN ('sync_records', 'sync_record_blocks');"
                                 "DROP TABLE sync_records;"));
  OJSYNC_ASSIGN_OR_RETURN(Query insert, db.query("INSERT INTO sqlite_sequence (name, seq) VALUES ('sync_record_blocks', ?)"));
  return insert.bind(seq).run();
}

}  // namespace ojsync
