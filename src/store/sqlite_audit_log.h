// The SQLite store's hash-chained audit log (audit_log; ojsync/audit_chain.h). Its head is
// the highest id ever given, which SQLite keeps in sqlite_sequence (audit_log is AUTOINCREMENT).
// Every function runs inside the caller's transaction: an append reads the newest entry and
// inserts the next one, so the two must happen under one write lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ojsync/store.h"
#include "store/field_cipher.h"
#include "store/sqlite_db.h"

namespace ojsync {

// Appends `entry` (its id and hashes are assigned here) and returns the id. With a cipher, the
// sensitive values of its payload are stored encrypted (sealed_rows.h); the payload hash is of
// the plaintext.
Result<std::int64_t> append_audit_entry(SqliteDb& db, const AuditEntry& entry,
                                        const FieldCipher* cipher);

// append_audit_entry for several entries of one write transaction: the chain's head is read at
// the first, and each next entry follows the one appended before it (a commit of 50 syncs reads
// the head once instead of 50 times). After a rollback to a savepoint, which may have removed
// entries appended since, forget() makes the next append read the head again.
class AuditAppender {
 public:
  Result<std::int64_t> append(SqliteDb& db, const AuditEntry& entry, const FieldCipher* cipher);
  void forget() { head_.reset(); }

 private:
  // What the next entry follows: the highest id given, and the hash of the newest entry
  // present, which it links to.
  struct Link {
    std::int64_t after_id = 0;
    std::string prev_hash;
  };
  std::optional<Link> head_;
};

// Store::read_audit_chain and Store::audit_head.
Result<std::vector<ChainedAuditEntry>> read_audit_entries(SqliteDb& db, std::int64_t after_id,
                                                          std::size_t limit);
Result<AuditHead> read_audit_head(SqliteDb& db);

// Redacts the payload of the entries appended before `cutoff`, walking by id from where the
// last pass stopped (kept in service_settings) to the first entry at or after `cutoff`, so a
// pass reads only entries it has not seen. An entry whose time is out of order (earlier than
// an entry before it) is redacted by the pass that gets past it. Returns how many.
Result<std::int64_t> redact_audit_before(SqliteDb& db, Timestamp cutoff);

// Redacts the payload of entry `id` (privacy erasure); an entry already redacted, or absent,
// is left alone.
Status redact_audit_entry(SqliteDb& db, std::int64_t id);

// Migration 3's finish step: chains the entries written before the log had hashes, in id
// order, and records the head.
Status seal_unchained_audit_entries(SqliteDb& db);

}  // namespace ojsync
