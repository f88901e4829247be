// The SQLite store's API tokens (api_tokens). Every function runs inside the caller's
// transaction; creating and revoking append their audit entry there too.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ojsync/store.h"
#include "store/sqlite_db.h"

namespace ojsync {

// Store::create_token, find_token, list_tokens, revoke_token, touch_token.
Result<ApiToken> insert_token(SqliteDb& db, const ApiToken& token, std::string_view actor);
Result<std::optional<ApiToken>> select_token_by_hash(SqliteDb& db, std::string_view token_hash);
Result<std::vector<ApiToken>> select_tokens(SqliteDb& db);
Result<ApiToken> revoke_token_named(SqliteDb& db, std::string_view name_or_id, Timestamp at,
                                    std::string_view actor);
Status touch_token_used(SqliteDb& db, std::int64_t id, Timestamp at);

}  // namespace ojsync
