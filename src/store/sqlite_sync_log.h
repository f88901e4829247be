// The sync log of the SQLite store (Store's sync records), packed: the records of one commit
// are encoded together (sync_record_codec.h) into rows of `sync_record_blocks`, at most
// kRecordsPerBlock each, and indexed by entity in `sync_record_entities`.
//
// Why packed: a row per record with its secondary indexes cost SQLite 7-10 µs of CPU per
// record (bench/RESULTS.md); most of it was the per-row work and the index pages a batch
// dirties at random places. A block is one row, and the entity index is partitioned by record
// id (`bucket` = id >> kEntityBucketBits), so a batch's entries land in the newest partition's
// few pages instead of all over one large index.
//
// Record ids ascend in commit order and are never reused: a block's row id is its last
// record's id, under AUTOINCREMENT, so sqlite_sequence holds the highest id ever given.
// Everything here runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ojsync/store.h"
#include "store/sqlite_db.h"

namespace ojsync {

inline constexpr std::size_t kRecordsPerBlock = 256;
inline constexpr int kEntityBucketBits = 12;

// Gathers the records of one transaction and writes them when it is about to commit.
// add() gives each its id at once (the commit result names it); a commit rolled back to its
// savepoint before add() leaves no trace. Not thread-safe (one per transaction).
class SyncLogAppender {
 public:
  // Assigns the record's id (reading the sequence on first use). `record` is not copied: it
  // must stay alive, unchanged, until flush().
  Result<std::int64_t> add(SqliteDb& db, const SyncRecord& record);
  // Writes the gathered records as blocks and their entity index entries.
  Status flush(SqliteDb& db);

 private:
  std::int64_t next_id_ = 0;  // 0 until the sequence was read.
  std::vector<const SyncRecord*> pending_;
};

// The entity's records, newest (highest id) first, at most `limit`.
Result<std::vector<SyncRecord>> read_entity_records(SqliteDb& db, const EntityKey& key, std::size_t limit);

// Every record with id > after_id, in id order, at most `limit`.
Result<std::vector<SyncRecord>> read_records_after(SqliteDb& db, std::int64_t after_id, std::size_t limit);

// Calls `visit(record)` for every record with started_at in (from, to].
Status visit_records_in_window(SqliteDb& db, Timestamp from, Timestamp to,
                               const std::function<void(const SyncRecord&)>& visit);

// Deletes the records with started_at before `cutoff`; returns how many.
Result<std::int64_t> delete_records_before(SqliteDb& db, Timestamp cutoff);

// Replaces the error text of the records named (ids gone meanwhile are skipped).
Status replace_record_errors(SqliteDb& db, std::span<const std::pair<std::int64_t, std::string>> errors);

// Migration 7: moves the rows of the former `sync_records` table into blocks, keeping ids.
Status pack_former_sync_records(SqliteDb& db);

}  // namespace ojsync
