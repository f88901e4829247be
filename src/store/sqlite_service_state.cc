#include "store/sqlite_service_state.h"

#include "store/sqlite_job_queue.h"

namespace ojsync {

Result<std::optional<std::string>> read_setting(SqliteDb& db, std::string_view name) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT value FROM service_settings WHERE name = ?"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.bind(name).step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(q.text(0));
}

Status write_setting(SqliteDb& db, std::string_view name, std::string_view value) {
  OJSYNC_ASSIGN_OR_RETURN(Query q,
                          db.query("INSERT INTO service_settings (name, value) VALUES (?, ?) "
                                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value"));
  return q.bind(name, value).run();
}

Result<bool> accept_event_and_enqueue(SqliteDb& db, std::string_view event_id,
                                      Timestamp received_at, std::span<const QueuedSync> syncs) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("INSERT INTO received_events (event_id, received_at) VALUES (?, ?) "
                        "ON CONFLICT (event_id) DO NOTHING"));
  OJSYNC_RETURN_IF_ERROR(q.bind(event_id, received_at).run());
  if (db.changes() == 0) return false;
  for (const QueuedSync& sync : syncs) {
    OJSYNC_RETURN_IF_ERROR(
        enqueue_job(db, sync.key, sync.direction, sync.trigger, received_at).status());
  }
  return true;
}

Result<std::int64_t> forget_events_before(SqliteDb& db, Timestamp cutoff) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("DELETE FROM received_events WHERE received_at < ?"));
  OJSYNC_RETURN_IF_ERROR(q.bind(cutoff).run());
  return db.changes();
}

}  // namespace ojsync
