// Key checks: how a store encrypted at rest finds a missing or wrong key when it opens, not on
// the first read of an encrypted value.
//
// A store's settings table (name TEXT PRIMARY KEY, value TEXT) holds, for every key that may
// protect a stored value, "encryption.key_check.<id>": a constant sealed under that key
// (FieldCipher::make_key_check). The current key's check is written before anything is sealed
// with it; a finished re-encryption pass removes the others (no value is under them any more)
// and records the cipher's fingerprint in "encryption.resealed", so later passes know there is
// nothing to do until the keyring or the sensitive paths change.
//
// Every function runs inside the caller's transaction; `settings_table` is one of the stores'
// own table names, never input.
#pragma once

#include <string_view>

#include "ojsync/status.h"
#include "store/field_cipher.h"
#include "store/sqlite_db.h"

namespace ojsync {

// Reads only. kFailedPrecondition, naming the key, when the table holds a check and `cipher` is
// null (encryption not configured), lacks that key id, or holds another key under that id. OK
// when the table does not exist yet.
Status verify_key_checks(SqliteDb& db, std::string_view settings_table, const FieldCipher* cipher);

// Stores the current key's check unless there is one.
Status record_key_check(SqliteDb& db, std::string_view settings_table, const FieldCipher& cipher);

// Whether a re-encryption pass under this cipher's fingerprint has finished.
Result<bool> reseal_finished(SqliteDb& db, std::string_view settings_table,
                             const FieldCipher& cipher);

// Records a finished pass: drops every other key's check and stores the fingerprint.
Status finish_reseal(SqliteDb& db, std::string_view settings_table, const FieldCipher& cipher);

}  // namespace ojsync
