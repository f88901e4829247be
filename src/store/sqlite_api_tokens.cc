#include "store/sqlite_api_tokens.h"

#include <charconv>

#include "ojsync/canonical.h"
#include "store/sqlite_audit_log.h"
#include "store/sqlite_store_rows.h"

namespace ojsync {
namespace {

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status check_new_token(const ApiToken& token) {
  OJSYNC_RETURN_IF_ERROR(check_token_name(token.name));
  if (!is_sha256_hex(token.token_hash))
    return InvalidArgument("a token hash is 64 lower-case hex digits");
  if (token.role != Role::kAgent && !token.entity_types.empty())
    return InvalidArgument("only agent tokens are granted entity types");
  for (const std::string& type : token.entity_types) {
    if (type.empty() || type.find(',') != std::string::npos)
      return InvalidArgument("an entity type name is not empty and has no comma");
  }
  return OkStatus();
}

// What the audit log hashes for a token: its public record, never its hash.
Json token_record(const ApiToken& token) {
  Json::Array types;
  for (const std::string& type : token.entity_types) types.emplace_back(type);
  Json record = Json::object();
  record["id"] = token.id;
  record["name"] = token.name;
  record["role"] = role_name(token.role);
  record["entity_types"] = Json(std::move(types));
  record["revoked"] = token.revoked();
  return record;
}

Status audit_token_change(SqliteDb& db, const ApiToken& before, const ApiToken& after,
                          std::string_view action, std::string_view actor, Timestamp at) {
  AuditEntry entry;
  entry.at = at;
  entry.actor = std::string(actor);
  entry.action = std::string(action);
  entry.key = EntityKey{"api_token", after.name};
  entry.before_hash = action == "token_created" ? "" : content_hash(token_record(before));
  entry.after_hash = content_hash(token_record(after));
  entry.reason = action == "token_created" ? "token created" : "token revoked";
  entry.details = token_record(after);
  // A token's entry holds its name and role, no personal data: nothing to encrypt.
  return append_audit_entry(db, entry, nullptr).status();
}

}  // namespace

Result<ApiToken> insert_token(SqliteDb& db, const ApiToken& token, std::string_view actor) {
  OJSYNC_RETURN_IF_ERROR(check_new_token(token));
  {
    OJSYNC_ASSIGN_OR_RETURN(
        Query taken, db.query("SELECT 1 FROM api_tokens WHERE name = ? AND revoked_at IS NULL"));
    OJSYNC_ASSIGN_OR_RETURN(const bool exists, taken.bind(token.name).step());
    if (exists) return AlreadyExists("a token named '" + token.name + "' exists; revoke it first");
  }
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("INSERT INTO api_tokens (name, role, entity_types, token_hash, created_at, "
                        "last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL, NULL)"));
  q.bind(token.name, role_name(token.role), entity_types_text(token.entity_types), token.token_hash,
         token.created_at);
  OJSYNC_RETURN_IF_ERROR(q.run());
  ApiToken stored = token;
  stored.id = db.last_insert_id();
  stored.last_used_at.reset();
  stored.revoked_at.reset();
  OJSYNC_RETURN_IF_ERROR(
      audit_token_change(db, stored, stored, "token_created", actor, token.created_at));
  return stored;
}

Result<std::optional<ApiToken>> select_token_by_hash(SqliteDb& db, std::string_view token_hash) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("SELECT " OJSYNC_TOKEN_COLUMNS " FROM api_tokens WHERE token_hash = ?"));
  q.bind(token_hash);
  return read_optional(q, read_token);
}

Result<std::vector<ApiToken>> select_tokens(SqliteDb& db) {
  OJSYNC_ASSIGN_OR_RETURN(Query q,
                          db.query("SELECT " OJSYNC_TOKEN_COLUMNS " FROM api_tokens ORDER BY id"));
  return read_all(q, read_token);
}

// A name starts with a letter, so an all-digit argument is an id.
Result<ApiToken> revoke_token_named(SqliteDb& db, std::string_view name_or_id, Timestamp at,
                                    std::string_view actor) {
  std::int64_t id = 0;
  const auto [end, ec] =
      std::from_chars(name_or_id.data(), name_or_id.data() + name_or_id.size(), id);
  const bool by_id = ec == std::errc() && end == name_or_id.data() + name_or_id.size();
  std::optional<ApiToken> token;
  if (by_id) {
    OJSYNC_ASSIGN_OR_RETURN(
        Query q, db.query("SELECT " OJSYNC_TOKEN_COLUMNS " FROM api_tokens WHERE id = ?"));
    q.bind(id);
    OJSYNC_ASSIGN_OR_RETURN(token, read_optional(q, read_token));
  } else {
    OJSYNC_ASSIGN_OR_RETURN(
        Query q, db.query("SELECT " OJSYNC_TOKEN_COLUMNS " FROM api_tokens WHERE name = ? "
                          "AND revoked_at IS NULL"));
    q.bind(name_or_id);
    OJSYNC_ASSIGN_OR_RETURN(token, read_optional(q, read_token));
  }
  const std::string shown(name_or_id.substr(0, 64));
  if (!token) return NotFound("no token named '" + shown + "' is active");
  if (token->revoked()) return FailedPrecondition("token " + shown + " is revoked already");
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("UPDATE api_tokens SET revoked_at = ? WHERE id = ?"));
  OJSYNC_RETURN_IF_ERROR(q.bind(at, token->id).run());
  ApiToken revoked = *token;
  revoked.revoked_at = at;
  OJSYNC_RETURN_IF_ERROR(audit_token_change(db, *token, revoked, "token_revoked", actor, at));
  return revoked;
}

Status touch_token_used(SqliteDb& db, std::int64_t id, Timestamp at) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"));
  OJSYNC_RETURN_IF_ERROR(q.bind(at, id).run());
  if (db.changes() == 0) return NotFound("token " + std::to_string(id) + " does not exist");
  return OkStatus();
}

}  // namespace ojsync
