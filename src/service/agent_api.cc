#include "service/agent_api.h"

#include "ojsync/entity_type.h"
#include "service/audit_trail.h"
#include "service/http_status.h"
#include "service/json_log.h"

namespace ojsync::service {
namespace {

constexpr std::size_t kMaxEntityTagBytes = 128;

std::string quoted(std::string_view etag) { return "\"" + std::string(etag) + "\""; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The entity tag an If-Match value requires. "*" requires the document to exist (any
// version). Weak tags never match (RFC 9110 compares If-Match strongly).
Result<std::string> required_etag(std::string_view if_match,
                                  const std::optional<EmbeddedDocument>& current) {
  if_match = trim(if_match);
  if (if_match == "*") {
    if (!current) return FailedPrecondition("the document does not exist");
    return current->etag;
  }
  if (if_match.starts_with("W/"))
    return FailedPrecondition("a weak entity tag cannot guard a write");
  if (if_match.find(',') != std::string_view::npos)
    return InvalidArgument("If-Match must name one entity tag");
  if (if_match.size() >= 2 && if_match.front() == '"' && if_match.back() == '"') {
    if_match = if_match.substr(1, if_match.size() - 2);
  }
  if (if_match.empty()) return InvalidArgument("If-Match is empty");
  // The API's tags are SHA-256 hex; anything far longer is not one of ours, and is not echoed.
  if (if_match.size() > kMaxEntityTagBytes) return InvalidArgument("If-Match is not an entity tag");
  return std::string(if_match);
}

void require_if_match(HttpResponse& response) {
  response.set_error(428, "precondition_required",
                     "the document exists: send If-Match with the ETag of the version you edited");
}

}  // namespace

Result<EntityKey> AgentApi::entity_of(const ApiCall& call) const {
  EntityKey key{std::string(call.params.get("type")), std::string(call.params.get("id"))};
  if (ctx_.manager->options().entity_types.find(key.type) == nullptr) {
    return NotFound("unknown entity type '" + key.type.substr(0, 64) + "'");
  }
  return key;  // The router checked the id (ApiRouter::check_path_params).
}

Result<std::string> AgentApi::agent_of(const ApiCall& call) {
  const std::string* agent = call.request.header("x-agent");
  if (call.principal != nullptr && call.principal->role == Role::kAgent) {
    if (agent != nullptr && *agent != call.principal->name)
      return PermissionDenied("an agent token writes only as its own agent");
    return call.principal->name;
  }
  if (agent == nullptr || !is_valid_identifier(*agent)) {
    return InvalidArgument("writes need an X-Agent header naming the agent (" +
                           std::string(kIdentifierRule) + ")");
  }
  return *agent;
}

Result<std::int64_t> AgentApi::after_write(const ApiCall& call, const EntityKey& agents_key,
                                           const std::string& agent, std::string_view action,
                                           const std::string& before,
                                           const std::string& after) const {
  OJSYNC_ASSIGN_OR_RETURN(
      std::optional<SyncState> state,
      ctx_.store->find_state_by_side_id(agents_key.type, Side::kAgents, agents_key.id));
  const EntityKey key = state ? state->key : agents_key;
  AuditEntry entry;
  entry.at = ctx_.clock->now();
  entry.actor = "agent:" + agent;
  entry.action = std::string(action);
  entry.key = key;
  entry.before_hash = before;
  entry.after_hash = after;
  entry.reason = "agent API";
  entry.details = Json(Json::Object{{"token", Json(call.actor(""))}});
  OJSYNC_RETURN_IF_ERROR(ctx_.store->append_audit(entry).status());
  OJSYNC_ASSIGN_OR_RETURN(const bool auto_sync, ctx_.agent_settings->auto_sync(agent));
  if (!auto_sync) return 0;
  OJSYNC_ASSIGN_OR_RETURN(const std::int64_t job,
                          ctx_.manager->enqueue(key.type, key.id, Direction::kBoth, "agent"));
  if (ctx_.on_enqueued) ctx_.on_enqueued();
  return job;
}

void AgentApi::get_entity(const ApiCall& call, HttpResponse& response) const {
  auto key = entity_of(call);
  if (!key.ok()) return set_status_error(response, key.status());
  auto doc = ctx_.agents->get(key->type, key->id);
  if (!doc.ok()) return set_status_error(response, doc.status());
  if (!*doc)
    return set_status_error(response, NotFound(key->to_string() + " is not on the agents' side"));
  response.set_json(200, (*doc)->snapshot.document);
  response.headers.emplace_back("ETag", quoted((*doc)->etag));
}

void AgentApi::put_entity(const ApiCall& call, HttpResponse& response) const {
  auto key = entity_of(call);
  if (!key.ok()) return set_status_error(response, key.status());
  auto agent = agent_of(call);
  if (!agent.ok()) return set_status_error(response, agent.status());
  auto body = call.json_object_body();
  if (!body.ok()) return set_status_error(response, body.status());
  auto current = ctx_.agents->get(key->type, key->id);
  if (!current.ok()) return set_status_error(response, current.status());
  const std::string* if_match = call.request.header("if-match");
  if (*current && if_match == nullptr) return require_if_match(response);
  if (!*current) {
    const Status admitted = ctx_.manager->check_new_agents_entity(key->type, key->id);
    if (!admitted.ok()) return set_status_error(response, admitted);
  }
  std::string expected;
  if (if_match != nullptr) {
    auto required = required_etag(*if_match, *current);
    if (!required.ok()) return set_status_error(response, required.status(), true);
    expected = *required;
  }
  auto stored = ctx_.agents->put(key->type, key->id, *body, expected);
  if (!stored.ok()) return set_status_error(response, stored.status(), if_match != nullptr);
  const std::string before = *current ? (*current)->etag : "";
  auto job =
      after_write(call, *key, *agent, *current ? "agent_update" : "agent_create", before,
                  stored->etag);
  Json out = Json::object();
  out["type"] = key->type;
  out["id"] = key->id;
  out["etag"] = stored->etag;
  out["sync_job"] = job.ok() && *job != 0 ? Json(*job) : Json();
  if (!job.ok()) {
    // The write stands; the sweep of the agents' store will still pick it up.
    log_event(LogLevel::kWarn, "agent_write_not_queued",
              Json(Json::Object{{"type", Json(key->type)},
                                {"id", Json(key->id)},
                                {"code", Json(error_code_for(job.status().code()))}}));
  }
  response.set_json(*current ? 200 : 201, out);
  response.headers.emplace_back("ETag", quoted(stored->etag));
}

void AgentApi::delete_entity(const ApiCall& call, HttpResponse& response) const {
  auto key = entity_of(call);
  if (!key.ok()) return set_status_error(response, key.status());
  auto agent = agent_of(call);
  if (!agent.ok()) return set_status_error(response, agent.status());
  auto current = ctx_.agents->get(key->type, key->id);
  if (!current.ok()) return set_status_error(response, current.status());
  if (!*current)
    return set_status_error(response, NotFound(key->to_string() + " is not on the agents' side"));
  const std::string* if_match = call.request.header("if-match");
  if (if_match == nullptr) return require_if_match(response);
  auto required = required_etag(*if_match, *current);
  if (!required.ok()) return set_status_error(response, required.status(), true);
  Status erased = ctx_.agents->erase(key->type, key->id, *required);
  if (!erased.ok()) return set_status_error(response, erased, true);
  auto job = after_write(call, *key, *agent, "agent_delete", (*current)->etag, "");
  Json out = Json::object();
  out["type"] = key->type;
  out["id"] = key->id;
  out["deleted"] = true;
  out["sync_job"] = job.ok() && *job != 0 ? Json(*job) : Json();
  response.set_json(200, out);
}

void AgentApi::get_auto_sync(const ApiCall& call, HttpResponse& response) const {
  const std::string agent(call.params.get("agent"));
  auto enabled = ctx_.agent_settings->auto_sync(agent);
  if (!enabled.ok()) return set_status_error(response, enabled.status());
  response.set_json(200, Json(Json::Object{{"agent", Json(agent)}, {"auto_sync", Json(*enabled)}}));
}

void AgentApi::put_auto_sync(const ApiCall& call, HttpResponse& response) const {
  const std::string agent(call.params.get("agent"));
  auto body = call.json_object_body();
  if (!body.ok()) return set_status_error(response, body.status());
  const Json* enabled = body->find("enabled");
  if (enabled == nullptr || !enabled->is_bool()) {
    return set_status_error(response, InvalidArgument("the body is {\"enabled\": true|false}"));
  }
  Status set = ctx_.agent_settings->set_auto_sync(agent, enabled->as_bool());
  if (!set.ok()) return set_status_error(response, set);
  AuditEntry entry;
  entry.at = ctx_.clock->now();
  entry.actor = call.actor("api");
  entry.action = "auto_sync_set";
  entry.key = EntityKey{"agent", agent};
  entry.reason = enabled->as_bool() ? "auto-sync on" : "auto-sync off";
  entry.details = Json(Json::Object{{"enabled", *enabled}});
  audit_or_log(*ctx_.store, entry);
  log_event(LogLevel::kInfo, "auto_sync_set",
            Json(Json::Object{{"agent", Json(agent)}, {"auto_sync", Json(enabled->as_bool())}}));
  response.set_json(200, Json(Json::Object{{"agent", Json(agent)}, {"auto_sync", *enabled}}));
}

}  // namespace ojsync::service
