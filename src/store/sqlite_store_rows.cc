#include "store/sqlite_store_rows.h"

namespace ojsync {

namespace {

Status corrupt(std::string_view what, std::string_view value) {
  return DataLoss("store row has an invalid " + std::string(what) + ": '" + std::string(value) + "'");
}

Result<std::optional<Json>> read_document(const Query& q, int column) {
  std::optional<std::string> text = q.optional_text(column);
  if (!text) return std::optional<Json>();
  OJSYNC_ASSIGN_OR_RETURN(Json document, parse_stored_json(*text));
  return std::optional<Json>(std::move(document));
}

Result<Direction> read_direction(const Query& q, int column) {
  const std::string text = q.text(column);
  Result<Direction> direction = parse_direction(text);
  if (!direction.ok()) return corrupt("direction", text);
  return direction;
}

std::optional<Json> optional_member(const Json& object, std::string_view name) {
  const Json* member = object.find(name);
  return member != nullptr ? std::optional<Json>(*member) : std::nullopt;
}

Result<std::vector<FieldConflict>> parse_field_conflicts(std::string_view text) {
  OJSYNC_ASSIGN_OR_RETURN(Json parsed, parse_stored_json(text));
  if (!parsed.is_array()) return corrupt("field conflict list", text);
  std::vector<FieldConflict> fields;
  fields.reserve(parsed.as_array().size());
  for (const Json& item : parsed.as_array()) {
    const Json* path = item.find("path");
    if (path == nullptr || !path->is_string()) return corrupt("field conflict", item.dump());
    fields.push_back(FieldConflict{path->as_string(), optional_member(item, "base"),
                                   optional_member(item, "ojs"), optional_member(item, "agents")});
  }
  return fields;
}

}  // namespace

std::optional<std::string> document_text(const std::optional<Json>& document) {
  return document ? std::optional<std::string>(document->dump()) : std::nullopt;
}

std::string field_conflicts_text(const std::vector<FieldConflict>& fields) {
  Json::Array items;
  items.reserve(fields.size());
  for (const FieldConflict& field : fields) {
    Json item = Json::object();
    item["path"] = field.path;
    if (field.base) item["base"] = *field.base;
    if (field.ojs) item["ojs"] = *field.ojs;
    if (field.agents) item["agents"] = *field.agents;
    items.push_back(std::move(item));
  }
  return Json(std::move(items)).dump();
}

std::string write_intent_text(const WriteIntent& intent) {
  Json text = Json::object();
  text["hash"] = intent.target_hash;
  text["ojs"] = intent.writes_ojs;
  text["agents"] = intent.writes_agents;
  return text.dump();
}

Result<WriteIntent> parse_write_intent(std::string_view text) {
  OJSYNC_ASSIGN_OR_RETURN(Json parsed, parse_stored_json(text));
  const Json* hash = parsed.find("hash");
  const Json* ojs = parsed.find("ojs");
  const Json* agents = parsed.find("agents");
  if (hash == nullptr || !hash->is_string() || ojs == nullptr || !ojs->is_bool() ||
      agents == nullptr || !agents->is_bool()) {
    return corrupt("write intent", text);
  }
  return WriteIntent{hash->as_string(), ojs->as_bool(), agents->as_bool()};
}

Result<JobState> parse_job_state(std::string_view name) {
  for (JobState state : {JobState::kPending, JobState::kLeased, JobState::kDead}) {
    if (job_state_name(state) == name) return state;
  }
  return corrupt("job state", name);
}

Result<SyncState> read_state(const Query& q) {
  SyncState state;
  state.key = EntityKey{q.text(0), q.text(1)};
  state.ojs_id = q.text(2);
  state.agents_id = q.text(3);
  OJSYNC_ASSIGN_OR_RETURN(state.base, read_document(q, 4));
  state.base_hash = q.text(5);
  state.ojs_hash = q.text(6);
  state.agents_hash = q.text(7);
  state.tombstone = q.boolean(8);
  state.updated_at = q.timestamp(9);
  state.version = q.int64(10);
  if (std::optional<std::string> intent = q.optional_text(11)) {
    OJSYNC_ASSIGN_OR_RETURN(state.write_intent, parse_write_intent(*intent));
  }
  return state;
}

Result<SyncRecord> read_record(const Query& q) {
  SyncRecord record;
  record.id = q.int64(0);
  record.key = EntityKey{q.text(1), q.text(2)};
  OJSYNC_ASSIGN_OR_RETURN(record.direction, read_direction(q, 3));
  const std::string outcome = q.text(4);
  Result<SyncOutcome> parsed = parse_outcome(outcome);
  if (!parsed.ok()) return corrupt("outcome", outcome);
  record.outcome = *parsed;
  record.trigger = q.text(5);
  record.base_hash_before = q.text(6);
  record.base_hash_after = q.text(7);
  record.ojs_hash = q.text(8);
  record.agents_hash = q.text(9);
  record.wrote_ojs = q.boolean(10);
  record.wrote_agents = q.boolean(11);
  record.duration = Duration(q.int64(12));
  record.retry_count = static_cast<std::int32_t>(q.int64(13));
  record.error = q.text(14);
  record.started_at = q.timestamp(15);
  return record;
}

Result<ConflictRecord> read_conflict(const Query& q) {
  ConflictRecord conflict;
  conflict.id = q.int64(0);
  conflict.key = EntityKey{q.text(1), q.text(2)};
  const std::string status = q.text(3);
  if (status != "open" && status != "resolved") return corrupt("conflict status", status);
  conflict.status = status == "open" ? ConflictStatus::kOpen : ConflictStatus::kResolved;
  conflict.strategy = q.text(4);
  OJSYNC_ASSIGN_OR_RETURN(conflict.base, read_document(q, 5));
  OJSYNC_ASSIGN_OR_RETURN(conflict.ojs, read_document(q, 6));
  OJSYNC_ASSIGN_OR_RETURN(conflict.agents, read_document(q, 7));
  OJSYNC_ASSIGN_OR_RETURN(conflict.fields, parse_field_conflicts(q.text(8)));
  conflict.created_at = q.timestamp(9);
  conflict.updated_at = q.timestamp(10);
  if (!q.is_null(11)) conflict.resolved_at = q.timestamp(11);
  conflict.resolved_by = q.text(12);
  conflict.resolution = q.text(13);
  OJSYNC_ASSIGN_OR_RETURN(conflict.resolved_document, read_document(q, 14));
  return conflict;
}

Result<Job> read_job(const Query& q) {
  Job job;
  job.id = q.int64(0);
  job.key = EntityKey{q.text(1), q.text(2)};
  OJSYNC_ASSIGN_OR_RETURN(job.direction, read_direction(q, 3));
  job.trigger = q.text(4);
  OJSYNC_ASSIGN_OR_RETURN(job.state, parse_job_state(q.text(5)));
  job.attempts = static_cast<std::int32_t>(q.int64(6));
  job.run_at = q.timestamp(7);
  if (!q.is_null(8)) job.lease_until = q.timestamp(8);
  job.leased_by = q.text(9);
  job.last_error = q.text(10);
  job.created_at = q.timestamp(11);
  return job;
}

Result<AuditEntry> read_audit(const Query& q) {
  AuditEntry entry;
  entry.id = q.int64(0);
  entry.at = q.timestamp(1);
  entry.actor = q.text(2);
  entry.action = q.text(3);
  entry.key = EntityKey{q.text(4), q.text(5)};
  entry.before_hash = q.text(6);
  entry.after_hash = q.text(7);
  entry.reason = q.text(8);
  OJSYNC_ASSIGN_OR_RETURN(entry.details, parse_stored_json(q.text(9)));
  return entry;
}

Result<ChainedAuditEntry> read_chained_audit(const Query& q) {
  ChainedAuditEntry chained;
  OJSYNC_ASSIGN_OR_RETURN(chained.entry, read_audit(q));
  chained.prev_hash = q.text(10);
  chained.payload_hash = q.text(11);
  chained.entry_hash = q.text(12);
  chained.redacted = q.boolean(13);
  return chained;
}

std::string entity_types_text(const std::vector<std::string>& types) {
  std::string text;
  for (const std::string& type : types) text += (text.empty() ? "" : ",") + type;
  return text;
}

Result<ApiToken> read_token(const Query& q) {
  ApiToken token;
  token.id = q.int64(0);
  token.name = q.text(1);
  const std::string role = q.text(2);
  Result<Role> parsed = parse_role(role);
  if (!parsed.ok()) return corrupt("role", role);
  token.role = *parsed;
  const std::string stored_types = q.text(3);
  std::string_view types = stored_types;
  while (!types.empty()) {
    const std::size_t comma = types.find(',');
    token.entity_types.emplace_back(types.substr(0, comma));
    types = comma == std::string_view::npos ? std::string_view() : types.substr(comma + 1);
  }
  token.token_hash = q.text(4);
  token.created_at = q.timestamp(5);
  if (!q.is_null(6)) token.last_used_at = q.timestamp(6);
  if (!q.is_null(7)) token.revoked_at = q.timestamp(7);
  return token;
}

}  // namespace ojsync
