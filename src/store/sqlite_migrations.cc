#include "store/sqlite_migrations.h"

#include <string>

namespace ojsync {

namespace {

Result<int> current_version(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(Query q,
                          db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  return row ? static_cast<int>(q.int64(0)) : 0;
}

// Applies `migration` unless another connection did so since we looked.
Status apply_one(SqliteDb& db, const Migration& migration) {
  OJSYNC_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db, Transaction::Mode::kWrite));
  OJSYNC_ASSIGN_OR_RETURN(const int version, current_version(db));
  if (version >= migration.version) return OkStatus();
  OJSYNC_RETURN_IF_ERROR(db.exec(migration.sql));
  if (migration.finish != nullptr) OJSYNC_RETURN_IF_ERROR(migration.finish(db));
  OJSYNC_ASSIGN_OR_RETURN(
      Query record,
      db.query("INSERT INTO schema_migrations(version, name, applied_at) "
               "VALUES (?, ?, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER))"));
  OJSYNC_RETURN_IF_ERROR(
      record.bind(static_cast<std::int64_t>(migration.version), migration.name).run());
  return tx.commit();
}

}  // namespace

Result<int> apply_migrations(SqliteDb& db, std::span<const Migration> migrations) {
  OJSYNC_RETURN_IF_ERROR(
      db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              " version INTEGER PRIMARY KEY,"
              " name TEXT NOT NULL,"
              " applied_at INTEGER NOT NULL) STRICT"));
  const int newest_known = migrations.empty() ? 0 : migrations.back().version;
  OJSYNC_ASSIGN_OR_RETURN(const int found, current_version(db));
  if (found > newest_known) {
    return FailedPrecondition("database schema version " + std::to_string(found) +
                              " is newer than this build knows (" + std::to_string(newest_known) +
                              ")");
  }
  for (const Migration& migration : migrations) {
    if (migration.version > found) OJSYNC_RETURN_IF_ERROR(apply_one(db, migration));
  }
  return current_version(db);
}

}  // namespace ojsync
