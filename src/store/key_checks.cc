#include "store/key_checks.h"

#include <string>
#include <utility>
#include <vector>

namespace ojsync {
namespace {

constexpr std::string_view kCheckPrefix = "encryption.key_check.";
constexpr std::string_view kResealed = "encryption.resealed";

std::string check_name(std::string_view id) { return std::string(kCheckPrefix) + std::string(id); }

Result<bool> table_exists(SqliteDb& db, std::string_view table) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
  return q.bind(table).step();
}

// (key id, check) of every stored check.
Result<std::vector<std::pair<std::string, std::string>>> stored_checks(SqliteDb& db,
                                                                       std::string_view table) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT name, value FROM " + std::string(table) +
                                            " WHERE substr(name, 1, ?1) = ?2 ORDER BY name"));
  q.bind(static_cast<std::int64_t>(kCheckPrefix.size()), kCheckPrefix);
  std::vector<std::pair<std::string, std::string>> checks;
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) return checks;
    checks.emplace_back(q.text(0).substr(kCheckPrefix.size()), q.text(1));
  }
}

Result<std::optional<std::string>> read_value(SqliteDb& db, std::string_view table,
                                              std::string_view name) {
  OJSYNC_ASSIGN_OR_RETURN(Query q,
                          db.query("SELECT value FROM " + std::string(table) + " WHERE name = ?"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.bind(name).step());
  return row ? std::optional<std::string>(q.text(0)) : std::nullopt;
}

Status write_value(SqliteDb& db, std::string_view table, std::string_view name,
                   std::string_view value) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("INSERT INTO " + std::string(table) +
                                            " (name, value) VALUES (?1, ?2) "
                                            "ON CONFLICT (name) DO UPDATE SET value = ?2"));
  return q.bind(name, value).run();
}

}  // namespace

Status verify_key_checks(SqliteDb& db, std::string_view settings_table, const FieldCipher* cipher) {
  OJSYNC_ASSIGN_OR_RETURN(const bool exists, table_exists(db, settings_table));
  if (!exists) return OkStatus();
  OJSYNC_ASSIGN_OR_RETURN(auto checks, stored_checks(db, settings_table));
  for (const auto& [id, check] : checks) {
    if (cipher == nullptr) {
      return FailedPrecondition(
          "the store holds values encrypted under key '" + id +
          "' but encryption is not configured ([encryption] enabled, key_file "
          "or key_env)");
    }
    OJSYNC_RETURN_IF_ERROR(cipher->verify_key_check(id, check));
  }
  return OkStatus();
}

Status record_key_check(SqliteDb& db, std::string_view settings_table, const FieldCipher& cipher) {
  const std::string name = check_name(cipher.current_key_id());
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> stored, read_value(db, settings_table, name));
  if (stored) return OkStatus();
  OJSYNC_ASSIGN_OR_RETURN(std::string check, cipher.make_key_check());
  return write_value(db, settings_table, name, check);
}

Result<bool> reseal_finished(SqliteDb& db, std::string_view settings_table,
                             const FieldCipher& cipher) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                          read_value(db, settings_table, kResealed));
  return stored == cipher.fingerprint();
}

Status finish_reseal(SqliteDb& db, std::string_view settings_table, const FieldCipher& cipher) {
  OJSYNC_ASSIGN_OR_RETURN(auto checks, stored_checks(db, settings_table));
  for (const auto& [id, check] : checks) {
    if (id == cipher.current_key_id()) continue;
    OJSYNC_ASSIGN_OR_RETURN(
        Query q, db.query("DELETE FROM " + std::string(settings_table) + " WHERE name = ?"));
    OJSYNC_RETURN_IF_ERROR(q.bind(check_name(id)).run());
  }
  return write_value(db, settings_table, kResealed, cipher.fingerprint());
}

}  // namespace ojsync
