// Versioned schema migrations for ojsync's SQLite databases.
//
// Applied migrations are recorded in `schema_migrations` (version, name, applied_at; the
// newest version is the schema's). Each migration runs in its own immediate transaction
// together with its bookkeeping row, so a crash leaves the schema at a whole version and
// concurrent processes do not apply one twice.
#pragma once

#include <span>

#include "ojsync/status.h"
#include "store/sqlite_db.h"

namespace ojsync {

struct Migration {
  int version;       // 1, 2, 3 ... in order, never reused or edited once released.
  const char* name;  // A short description for the bookkeeping row.
  const char* sql;   // One or more statements, without parameters.
  // Runs after `sql` in the same transaction, for what SQL alone cannot do (e.g. hashing
  // existing rows). nullptr = nothing.
  Status (*finish)(SqliteDb& db) = nullptr;
};

// Applies the migrations newer than the database's version and returns the resulting
// version. Idempotent. Fails with kFailedPrecondition when the database was written by a
// newer build (its version is above every known migration).
Result<int> apply_migrations(SqliteDb& db, std::span<const Migration> migrations);

}  // namespace ojsync
