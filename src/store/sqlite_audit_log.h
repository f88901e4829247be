// The SQLite store's hash-chained audit log (audit_log, audit_head; ojsync/audit_chain.h).
// Every function runs inside the caller's transaction: an append reads the head, inserts the
// entry with the next id and moves the head, so the three must commit together.
#pragma once

#include <cstdint>
#include <vector>

#include "ojsync/store.h"
#include "store/sqlite_db.h"

namespace ojsync {

// Appends `entry` (its id and hashes are assigned here) and returns the id.
Result<std::int64_t> append_audit_entry(SqliteDb& db, const AuditEntry& entry);

// Store::read_audit_chain and Store::audit_head.
Result<std::vector<ChainedAuditEntry>> read_audit_entries(SqliteDb& db, std::int64_t after_id,
                                                          std::size_t limit);
Result<AuditHead> read_audit_head(SqliteDb& db);

// Redacts the payload of entries appended before `cutoff`; returns how many.
Result<std::int64_t> redact_audit_before(SqliteDb& db, Timestamp cutoff);

// Migration 3's finish step: chains the entries written before the log had hashes, in id
// order, and records the head.
Status seal_unchained_audit_entries(SqliteDb& db);

}  // namespace ojsync
