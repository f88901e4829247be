// Encryption at rest in the SQLite store's rows: the documents and field values of sync_state,
// sync_conflicts and audit_log go through a FieldCipher on their way to and from disk, and a
// re-encryption pass moves rows still under an older key (or holding plaintext at a sensitive
// path) to the current key. With no cipher (nullptr) every function here is the identity.
//
// Associated data (FieldPlace): the table, the entity's type and id, and the column, so a value
// copied to another entity or column does not open. Field values (a conflict's fields, an audit
// entry's decision) add the field's path and slot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ojsync/encryption.h"
#include "ojsync/store.h"
#include "store/field_cipher.h"
#include "store/sqlite_db.h"

namespace ojsync {

// --- writing: the stored text of each column.
Result<std::optional<std::string>> state_base_text(const FieldCipher* cipher,
                                                   const SyncState& state);

struct ConflictTexts {
  std::optional<std::string> base;
  std::optional<std::string> ojs;
  std::optional<std::string> agents;
  std::string fields;
};
Result<ConflictTexts> conflict_texts(const FieldCipher* cipher, const ConflictRecord& conflict);
// The resolved document of a conflict of `key`.
Result<std::optional<std::string>> resolved_document_text(const FieldCipher* cipher,
                                                          const EntityKey& key,
                                                          const std::optional<Json>& document);
// An audit entry's payload: the values of a field-level decision ({"path", "ojs", "agents" ...})
// are sealed where they are sensitive; other payloads are stored as they are.
Result<std::string> audit_details_text(const FieldCipher* cipher, const AuditEntry& entry);

// --- reading: opens what a row reader (sqlite_store_rows.h) returned.
Status open_state(const FieldCipher* cipher, SyncState& state);
Status open_conflict(const FieldCipher* cipher, ConflictRecord& conflict);
Status open_audit(const FieldCipher* cipher, AuditEntry& entry);

// --- the re-encryption pass (Store::reseal) and its survey (Store::key_usage).
// Where the pass stands: tables in order sync_state, sync_conflicts, audit_log.
struct ResealCursor {
  int table = 0;
  std::string type;  // sync_state's last (type, entity_id) done.
  std::string id;
  std::int64_t row_id = 0;  // sync_conflicts' or audit_log's last id done.
};

// Examines up to `max_rows` rows from `cursor` and rewrites the stale ones under the current
// key, in the caller's write transaction. At the end of the last table it finishes the pass
// (key_checks.h: finish_reseal) and resets the cursor. Already finished for this cipher:
// complete at once, nothing examined.
Result<ResealProgress> reseal_rows(SqliteDb& db, const FieldCipher& cipher, ResealCursor& cursor,
                                   std::size_t max_rows);

// Reads every row (the caller holds a read transaction).
Result<KeyUsage> survey_rows(SqliteDb& db, const FieldCipher& cipher);

}  // namespace ojsync
