// The binary encoding of sync records packed into one row of the sync log
// (sqlite_sync_log.h): records appended together are stored as one value, so a group commit
// of N records costs SQLite one row instead of N rows and their index entries.
//
// A block is a format byte followed by its records, each:
//   varint  id - first_id         (the block names its first id; ids ascend, gaps allowed)
//   string  type, entity_id
//   byte    direction, outcome, flags (bit 0 wrote_ojs, bit 1 wrote_agents)
//   string  trigger
//   hash    base_hash_before, base_hash_after, ojs_hash, agents_hash
//   varint  duration_us, retry_count, started_at (zigzag: any int64)
//   string  error
// where a string is a varint length and its bytes, and a hash is one tag byte: 0 and a string,
// 1 and the 32 bytes of a lower-case hex SHA-256 digest, or 2 + k for "the same as hash k of
// this record" (a no-op's four hashes are one digest: 35 bytes instead of 256).
//
// Decoding checks every length and value against the block: a block that does not decode is
// a damaged or hand-edited file, kDataLoss.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ojsync/status.h"
#include "ojsync/store.h"

namespace ojsync {

inline constexpr std::uint8_t kSyncRecordBlockFormat = 1;

// Starts a block in `block` (its format byte); encode_sync_record appends one record with id
// `id` (>= first_id, ascending within the block). record.id is not read.
void start_record_block(std::string& block);
void encode_sync_record(const SyncRecord& record, std::int64_t id, std::int64_t first_id, std::string& block);

// Reads a block's records in order. next() fills `record` (reusing its strings' storage) and
// returns false at the end.
class SyncRecordReader {
 public:
  // The block must outlive the reader.
  static Result<SyncRecordReader> open(std::string_view block, std::int64_t first_id);
  Result<bool> next(SyncRecord& record);

 private:
  SyncRecordReader(std::string_view rest, std::int64_t first_id) : rest_(rest), first_id_(first_id) {}

  std::string_view rest_;
  std::int64_t first_id_;
};

// A stable 64-bit hash of an entity key (FNV-1a over type, NUL, id), the sync log's entity
// index key. Stored on disk: never change it without a migration.
std::int64_t entity_key_hash(const EntityKey& key);

}  // namespace ojsync
