// The SQLite store's tables for the daemon's own state (service_settings, received_events).
// Every function runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ojsync/store.h"
#include "store/sqlite_db.h"

namespace ojsync {

// Store::get_setting / put_setting.
Result<std::optional<std::string>> read_setting(SqliteDb& db, std::string_view name);
Status write_setting(SqliteDb& db, std::string_view name, std::string_view value);

// Store::accept_event: the caller holds a write transaction, so the id check, the id's row
// and the jobs commit together.
Result<bool> accept_event_and_enqueue(SqliteDb& db, std::string_view event_id,
                                      Timestamp received_at, std::span<const QueuedSync> syncs);

// Store::forget_events.
Result<std::int64_t> forget_events_before(SqliteDb& db, Timestamp cutoff);

}  // namespace ojsync
