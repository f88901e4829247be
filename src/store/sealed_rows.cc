#include "store/sealed_rows.h"

#include <array>
#include <string_view>
#include <vector>

#include "store/key_checks.h"
#include "store/sqlite_store_rows.h"

namespace ojsync {
namespace {

constexpr std::array<std::string_view, 3> kSlots = {"base", "ojs", "agents"};

FieldPlace place_of(std::string_view table, const EntityKey& key, std::string_view column) {
  return FieldPlace{table, key.type, key.id, column};
}

// The member of `slot` in a field-level payload ({"path", "base"?, "ojs"?, "agents"?}).
Json* slot_value(Json& payload, std::string_view slot) { return payload.find(slot); }

const std::string* field_path_of(const Json& payload) {
  const Json* path = payload.is_object() ? payload.find("path") : nullptr;
  return path != nullptr && path->is_string() ? &path->as_string() : nullptr;
}

// --- surveys: count envelopes per key and plaintext left at sensitive paths; true = stale.
bool survey_document_column(const FieldCipher& cipher, const std::optional<Json>& stored,
                            const EntityKey& key, KeyUsage& usage) {
  return stored && cipher.survey_document(*stored, place_of("", key, ""), usage);
}

bool survey_state(const FieldCipher& cipher, const SyncState& state, KeyUsage& usage) {
  return survey_document_column(cipher, state.base, state.key, usage);
}

bool survey_conflict(const FieldCipher& cipher, const ConflictRecord& c, KeyUsage& usage) {
  bool stale = false;
  for (const auto* document : {&c.base, &c.ojs, &c.agents, &c.resolved_document}) {
    stale = survey_document_column(cipher, *document, c.key, usage) || stale;
  }
  for (const FieldConflict& f : c.fields) {
    for (const auto* value : {&f.base, &f.ojs, &f.agents}) {
      if (*value) stale = cipher.survey_field_value(**value, f.path, c.key.type, usage) || stale;
    }
  }
  return stale;
}

bool survey_audit(const FieldCipher& cipher, const AuditEntry& entry, KeyUsage& usage) {
  const std::string* path = field_path_of(entry.details);
  if (path == nullptr) return cipher.survey_document(entry.details, FieldPlace{}, usage);
  bool stale = false;
  for (std::string_view slot : kSlots) {
    if (const Json* value = entry.details.find(slot)) {
      stale = cipher.survey_field_value(*value, *path, entry.key.type, usage) || stale;
    }
  }
  return stale;
}

Status seal_fields(const FieldCipher& cipher, std::vector<FieldConflict>& fields,
                   const FieldPlace& place) {
  for (FieldConflict& f : fields) {
    for (auto [slot, value] : {std::pair{kSlots[0], &f.base}, std::pair{kSlots[1], &f.ojs},
                               std::pair{kSlots[2], &f.agents}}) {
      if (*value) OJSYNC_RETURN_IF_ERROR(cipher.seal_field_value(**value, f.path, slot, place));
    }
  }
  return OkStatus();
}

// --- one table's slice of a pass. Rows are read first, then rewritten: a statement is not
// reused while its own rows are being stepped (sqlite_db.h).
Result<std::size_t> reseal_states(SqliteDb& db, const FieldCipher& cipher, ResealCursor& cursor,
                                  std::size_t limit, ResealProgress& progress) {
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, db.query("SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state "
                        "WHERE (type, entity_id) > (?, ?) ORDER BY type, entity_id LIMIT ?"));
  q.bind(cursor.type, cursor.id, sql_limit(limit));
  OJSYNC_ASSIGN_OR_RETURN(std::vector<SyncState> states, read_all(q, read_state));
  for (SyncState& state : states) {
    KeyUsage ignored;
    if (survey_state(cipher, state, ignored)) {
      OJSYNC_RETURN_IF_ERROR(open_state(&cipher, state));
      OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> base, state_base_text(&cipher, state));
      OJSYNC_ASSIGN_OR_RETURN(
          Query u, db.query("UPDATE sync_state SET base = ? WHERE type = ? AND entity_id = ?"));
      OJSYNC_RETURN_IF_ERROR(u.bind(base, state.key.type, state.key.id).run());
      ++progress.rows_rewritten;
    }
    cursor.type = state.key.type;
    cursor.id = state.key.id;
  }
  return states.size();
}

Result<std::size_t> reseal_conflicts(SqliteDb& db, const FieldCipher& cipher, ResealCursor& cursor,
                                     std::size_t limit, ResealProgress& progress) {
  OJSYNC_ASSIGN_OR_RETURN(Query q,
                          db.query("SELECT " OJSYNC_CONFLICT_COLUMNS
                                   " FROM sync_conflicts WHERE id > ? ORDER BY id LIMIT ?"));
  q.bind(cursor.row_id, sql_limit(limit));
  OJSYNC_ASSIGN_OR_RETURN(std::vector<ConflictRecord> conflicts, read_all(q, read_conflict));
  for (ConflictRecord& c : conflicts) {
    KeyUsage ignored;
    if (survey_conflict(cipher, c, ignored)) {
      OJSYNC_RETURN_IF_ERROR(open_conflict(&cipher, c));
      OJSYNC_ASSIGN_OR_RETURN(ConflictTexts texts, conflict_texts(&cipher, c));
      OJSYNC_ASSIGN_OR_RETURN(std::optional<std::string> resolved,
                              resolved_document_text(&cipher, c.key, c.resolved_document));
      OJSYNC_ASSIGN_OR_RETURN(Query u,
                              db.query("UPDATE sync_conflicts SET base = ?, ojs = ?, agents = ?, "
                                       "fields = ?, resolved_document = ? WHERE id = ?"));
      OJSYNC_RETURN_IF_ERROR(
          u.bind(texts.base, texts.ojs, texts.agents, texts.fields, resolved, c.id).run());
      ++progress.rows_rewritten;
    }
    cursor.row_id = c.id;
  }
  return conflicts.size();
}

Result<std::size_t> reseal_audit(SqliteDb& db, const FieldCipher& cipher, ResealCursor& cursor,
                                 std::size_t limit, ResealProgress& progress) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_AUDIT_COLUMNS
                                            " FROM audit_log WHERE id > ? ORDER BY id LIMIT ?"));
  q.bind(cursor.row_id, sql_limit(limit));
  OJSYNC_ASSIGN_OR_RETURN(std::vector<AuditEntry> entries, read_all(q, read_audit));
  for (AuditEntry& entry : entries) {
    KeyUsage ignored;
    if (survey_audit(cipher, entry, ignored)) {
      OJSYNC_RETURN_IF_ERROR(open_audit(&cipher, entry));
      OJSYNC_ASSIGN_OR_RETURN(std::string details, audit_details_text(&cipher, entry));
      // Allowed by the append-only trigger (migration 5): only the payload's encoding changes;
      // its hash, kept in payload_hash, is of the plaintext and still verifies.
      OJSYNC_ASSIGN_OR_RETURN(Query u, db.query("UPDATE audit_log SET details = ? WHERE id = ?"));
      OJSYNC_RETURN_IF_ERROR(u.bind(details, entry.id).run());
      ++progress.rows_rewritten;
    }
    cursor.row_id = entry.id;
  }
  return entries.size();
}

}  // namespace

Result<std::optional<std::string>> state_base_text(const FieldCipher* cipher,
                                                   const SyncState& state) {
  return sealed_text(cipher, state.base, place_of("sync_state", state.key, "base"),
                     state.base_text);
}

Result<ConflictTexts> conflict_texts(const FieldCipher* cipher, const ConflictRecord& c) {
  ConflictTexts texts;
  if (cipher == nullptr) {
    return ConflictTexts{document_text(c.base), document_text(c.ojs), document_text(c.agents),
                         field_conflicts_text(c.fields)};
  }
  OJSYNC_ASSIGN_OR_RETURN(texts.base,
                          sealed_text(cipher, c.base, place_of("sync_conflicts", c.key, "base")));
  OJSYNC_ASSIGN_OR_RETURN(texts.ojs,
                          sealed_text(cipher, c.ojs, place_of("sync_conflicts", c.key, "ojs")));
  OJSYNC_ASSIGN_OR_RETURN(
      texts.agents, sealed_text(cipher, c.agents, place_of("sync_conflicts", c.key, "agents")));
  std::vector<FieldConflict> fields = c.fields;
  OJSYNC_RETURN_IF_ERROR(seal_fields(*cipher, fields, place_of("sync_conflicts", c.key, "fields")));
  texts.fields = field_conflicts_text(fields);
  return texts;
}

Result<std::optional<std::string>> resolved_document_text(const FieldCipher* cipher,
                                                          const EntityKey& key,
                                                          const std::optional<Json>& document) {
  return sealed_text(cipher, document, place_of("sync_conflicts", key, "resolved_document"));
}

Result<std::string> audit_details_text(const FieldCipher* cipher, const AuditEntry& entry) {
  const std::string* path = cipher != nullptr ? field_path_of(entry.details) : nullptr;
  if (path == nullptr) return entry.details.dump();
  Json sealed = entry.details;
  const FieldPlace place = place_of("audit_log", entry.key, "details");
  for (std::string_view slot : kSlots) {
    if (Json* value = slot_value(sealed, slot)) {
      OJSYNC_RETURN_IF_ERROR(cipher->seal_field_value(*value, *path, slot, place));
    }
  }
  return sealed.dump();
}

Status open_state(const FieldCipher* cipher, SyncState& state) {
  return open_stored(cipher, state.base, place_of("sync_state", state.key, "base"));
}

Status open_conflict(const FieldCipher* cipher, ConflictRecord& c) {
  if (cipher == nullptr) return OkStatus();
  OJSYNC_RETURN_IF_ERROR(open_stored(cipher, c.base, place_of("sync_conflicts", c.key, "base")));
  OJSYNC_RETURN_IF_ERROR(open_stored(cipher, c.ojs, place_of("sync_conflicts", c.key, "ojs")));
  OJSYNC_RETURN_IF_ERROR(
      open_stored(cipher, c.agents, place_of("sync_conflicts", c.key, "agents")));
  OJSYNC_RETURN_IF_ERROR(open_stored(cipher, c.resolved_document,
                                     place_of("sync_conflicts", c.key, "resolved_document")));
  const FieldPlace place = place_of("sync_conflicts", c.key, "fields");
  for (FieldConflict& f : c.fields) {
    for (auto [slot, value] : {std::pair{kSlots[0], &f.base}, std::pair{kSlots[1], &f.ojs},
                               std::pair{kSlots[2], &f.agents}}) {
      if (*value) OJSYNC_RETURN_IF_ERROR(cipher->open_field_value(**value, f.path, slot, place));
    }
  }
  return OkStatus();
}

Status open_audit(const FieldCipher* cipher, AuditEntry& entry) {
  const std::string* found = cipher != nullptr ? field_path_of(entry.details) : nullptr;
  if (found == nullptr) return OkStatus();
  const std::string path = *found;
  const FieldPlace place = place_of("audit_log", entry.key, "details");
  for (std::string_view slot : kSlots) {
    if (Json* value = slot_value(entry.details, slot)) {
      OJSYNC_RETURN_IF_ERROR(cipher->open_field_value(*value, path, slot, place));
    }
  }
  return OkStatus();
}

Result<ResealProgress> reseal_rows(SqliteDb& db, const FieldCipher& cipher, ResealCursor& cursor,
                                   std::size_t max_rows) {
  ResealProgress progress;
  OJSYNC_ASSIGN_OR_RETURN(const bool finished, reseal_finished(db, "service_settings", cipher));
  if (finished) {
    progress.complete = true;
    return progress;
  }
  while (static_cast<std::size_t>(progress.rows_examined) < max_rows && cursor.table < 3) {
    const std::size_t limit = max_rows - static_cast<std::size_t>(progress.rows_examined);
    Result<std::size_t> examined =
        cursor.table == 0   ? reseal_states(db, cipher, cursor, limit, progress)
        : cursor.table == 1 ? reseal_conflicts(db, cipher, cursor, limit, progress)
                            : reseal_audit(db, cipher, cursor, limit, progress);
    OJSYNC_RETURN_IF_ERROR(examined.status());
    progress.rows_examined += static_cast<std::int64_t>(*examined);
    if (*examined < limit) {
      ++cursor.table;
      cursor.row_id = 0;
    }
  }
  if (cursor.table == 3) {
    OJSYNC_RETURN_IF_ERROR(finish_reseal(db, "service_settings", cipher));
    cursor = ResealCursor{};
    progress.complete = true;
  }
  return progress;
}

Result<KeyUsage> survey_rows(SqliteDb& db, const FieldCipher& cipher) {
  KeyUsage usage;
  usage.current_key = cipher.current_key_id();
  {
    OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_STATE_COLUMNS " FROM sync_state"));
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
      if (!row) break;
      OJSYNC_ASSIGN_OR_RETURN(SyncState state, read_state(q));
      survey_state(cipher, state, usage);
    }
  }
  {
    OJSYNC_ASSIGN_OR_RETURN(Query q,
                            db.query("SELECT " OJSYNC_CONFLICT_COLUMNS " FROM sync_conflicts"));
    while (true) {
      OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
      if (!row) break;
      OJSYNC_ASSIGN_OR_RETURN(ConflictRecord conflict, read_conflict(q));
      survey_conflict(cipher, conflict, usage);
    }
  }
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT " OJSYNC_AUDIT_COLUMNS " FROM audit_log"));
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) break;
    OJSYNC_ASSIGN_OR_RETURN(AuditEntry entry, read_audit(q));
    survey_audit(cipher, entry, usage);
  }
  return usage;
}

}  // namespace ojsync
