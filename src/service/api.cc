#include "service/api.h"

#include "service/audit_trail.h"
#include "service/http_status.h"
#include "service/json_log.h"
#include "service/views.h"

namespace ojsync::service {
namespace {

struct BatchRequest {
  std::string type;
  std::vector<std::string> ids;
  Direction direction = Direction::kBoth;
};

// {"type": "manuscript", "ids": ["1", 2, ...], "direction": "both"}; ids as strings or integers.
Result<BatchRequest> parse_batch(const Json& body, std::size_t max_ids) {
  BatchRequest batch;
  const Json* type = body.find("type");
  const Json* ids = body.find("ids");
  if (type == nullptr || !type->is_string())
    return InvalidArgument("\"type\" must name an entity type");
  if (ids == nullptr || !ids->is_array() || ids->as_array().empty()) {
    return InvalidArgument("\"ids\" must be a non-empty array");
  }
  if (ids->as_array().size() > max_ids) {
    return InvalidArgument("a batch holds at most " + std::to_string(max_ids) + " ids");
  }
  batch.type = type->as_string();
  // Every id is checked before any sync runs, so a malformed batch is refused whole; ids that
  // are well-formed but fail to sync are reported one by one.
  for (const Json& id : ids->as_array()) {
    if (id.is_string()) {
      batch.ids.push_back(id.as_string());
    } else if (id.is_int()) {
      batch.ids.push_back(std::to_string(id.as_int()));
    } else {
      return InvalidArgument("ids must be strings or integers");
    }
    if (!is_valid_identifier(batch.ids.back())) {
      return InvalidArgument("ids[" + std::to_string(batch.ids.size() - 1) + "] is not an id (" +
                             std::string(kIdentifierRule) + ")");
    }
  }
  if (const Json* direction = body.find("direction")) {
    if (!direction->is_string()) return InvalidArgument("\"direction\" must be a string");
    OJSYNC_ASSIGN_OR_RETURN(batch.direction, parse_direction(direction->as_string()));
  }
  return batch;
}

Result<std::optional<ConflictStatus>> conflict_filter(const HttpRequest& request) {
  const std::string* raw = request.query_param("status");
  if (raw == nullptr || *raw == "open") return std::optional<ConflictStatus>(ConflictStatus::kOpen);
  if (*raw == "resolved") return std::optional<ConflictStatus>(ConflictStatus::kResolved);
  if (*raw == "all") return std::optional<ConflictStatus>();
  return InvalidArgument("status must be open, resolved or all");
}

}  // namespace

ApiRouter::ApiRouter(const ApiContext* context) : ctx_(*context), agents_(context) {
  auto bind = [this](void (ApiRouter::*member)(const ApiCall&, HttpResponse&) const) {
    return [this, member](const ApiCall& call, HttpResponse& response) {
      (this->*member)(call, response);
    };
  };
  auto bind_agents = [this](void (AgentApi::*member)(const ApiCall&, HttpResponse&) const) {
    return [this, member](const ApiCall& call, HttpResponse& response) {
      (agents_.*member)(call, response);
    };
  };
  using P = RoutePolicy;
  const Role admin = Role::kAdmin, editor = Role::kEditor, agent = Role::kAgent,
             viewer = Role::kViewer, events = Role::kOjsEvents;
  add("GET", "/healthz", P::open(), bind(&ApiRouter::healthz));
  add("GET", "/readyz", P::open(), bind(&ApiRouter::readyz));
  add("GET", "/metrics", P::token({admin, editor, viewer}), bind(&ApiRouter::metrics));
  add("GET", "/v1/stats", P::token({admin, editor, viewer}), bind(&ApiRouter::stats));
  add("POST", "/v1/sync/batch", P::token({admin, editor}), bind(&ApiRouter::sync_batch));
  add("POST", "/v1/sync/{type}/{id}", P::token({admin, editor}), bind(&ApiRouter::sync_one));
  add("GET", "/v1/sync/{type}/{id}", P::token({admin, editor, viewer}),
      bind(&ApiRouter::sync_status));
  add("GET", "/v1/conflicts", P::token({admin, editor}), bind(&ApiRouter::list_conflicts));
  add("GET", "/v1/conflicts/{id}", P::token({admin, editor}), bind(&ApiRouter::get_conflict));
  add("POST", "/v1/conflicts/{id}/resolve", P::token({admin, editor}),
      bind(&ApiRouter::resolve_conflict));
  add("GET", "/v1/dlq", P::token({admin, editor}), bind(&ApiRouter::list_dead_jobs));
  add("POST", "/v1/dlq/{id}/replay", P::token({admin, editor}), bind(&ApiRouter::replay_dead_job));
  add("POST", "/v1/events", P::signed_event({admin, events}), bind(&ApiRouter::receive_event));
  const auto granted = RoutePolicy::AgentScope::kGrantedType;
  const auto own = RoutePolicy::AgentScope::kOwnName;
  add("GET", "/v1/entities/{type}/{id}", P::token({admin, editor, agent}, granted),
      bind_agents(&AgentApi::get_entity));
  add("PUT", "/v1/entities/{type}/{id}", P::token({admin, agent}, granted),
      bind_agents(&AgentApi::put_entity));
  add("DELETE", "/v1/entities/{type}/{id}", P::token({admin, agent}, granted),
      bind_agents(&AgentApi::delete_entity));
  add("GET", "/v1/agents/{agent}/auto-sync", P::token({admin, editor, agent}, own),
      bind_agents(&AgentApi::get_auto_sync));
  add("PUT", "/v1/agents/{agent}/auto-sync", P::token({admin, agent}, own),
      bind_agents(&AgentApi::put_auto_sync));
}

void ApiRouter::add(std::string method, std::string_view pattern, RoutePolicy policy,
                    Handler handler) {
  routes_.add(std::move(method), pattern);
  handlers_.push_back(std::move(handler));
  policies_.push_back(policy);
}

void ApiRouter::handle(const HttpRequest& request, HttpResponse& response) const {
  bool path_known = false;
  std::optional<RouteMatch> match = routes_.match(request.method, request.path, path_known);
  if (!match) {
    if (path_known) {
      response.set_error(405, "method_not_allowed",
                         request.method.substr(0, 16) + " is not allowed here");
      response.headers.emplace_back("Allow", routes_.allowed_methods(request.path));
    } else {
      response.set_error(404, "route_not_found", "no such route");
    }
    if (ctx_.metrics != nullptr) ctx_.metrics->record_http("unmatched", response.status);
    return;
  }
  const std::string& pattern = routes_.pattern(match->route);
  std::optional<Principal> principal;
  const Status admitted = admit(request, *match, principal);
  if (throttled(request, pattern, principal, response)) {
    if (ctx_.metrics != nullptr) ctx_.metrics->record_http("throttled", response.status);
    return;
  }
  if (!admitted.ok()) {
    set_status_error(response, admitted);
    if (admitted.code() == StatusCode::kUnauthenticated)
      response.headers.emplace_back("WWW-Authenticate", "Bearer");
  } else if (const Status params = check_path_params(match->params); !params.ok()) {
    set_status_error(response, params);
  } else {
    if (principal && ctx_.authenticator != nullptr) ctx_.authenticator->record_use(*principal);
    const ApiCall call{request, match->params, ctx_.limits, principal ? &*principal : nullptr};
    handlers_[match->route](call, response);
  }
  if (ctx_.metrics != nullptr) ctx_.metrics->record_http(pattern, response.status);
}

// Every path parameter (type, id, agent, conflict or job id) is an identifier; checked once here
// so no handler sees, stores or echoes anything else (invalid UTF-8, quotes, "..", NUL bytes).
Status ApiRouter::check_path_params(const PathParams& params) {
  for (const auto& [name, value] : params.all()) {
    if (!is_valid_identifier(value)) {
      return InvalidArgument("the path's " + name + " is not valid (" +
                             std::string(kIdentifierRule) + ")");
    }
  }
  return OkStatus();
}

Status ApiRouter::admit(const HttpRequest& request, const RouteMatch& match,
                        std::optional<Principal>& principal) const {
  const RoutePolicy& policy = policies_[match.route];
  if (policy.access == RoutePolicy::Access::kOpen) return OkStatus();
  const std::string* authorization = request.header("authorization");
  // A signed event stands on its signature; a token sent with it must still be good.
  if (policy.access == RoutePolicy::Access::kSignedEvent && authorization == nullptr &&
      !ctx_.events_require_token)
    return OkStatus();
  if (ctx_.authenticator == nullptr) return Unauthenticated("no token can be checked here");
  Result<Principal> who = ctx_.authenticator->authenticate(authorization);
  if (!who.ok()) return who.status();
  principal = std::move(who).value();
  return authorize(policy, *principal, match.params);
}

// The API's own routes are limited per token, or per client address for requests without a
// valid one (so a flood of bad tokens is limited too). Probes are not (an orchestrator polls
// them), nor are events: they are authenticated by their signature, come from OJS's few
// addresses at OJS's pace, and a forged one is refused before any work.
bool ApiRouter::throttled(const HttpRequest& request, std::string_view pattern,
                          const std::optional<Principal>& principal, HttpResponse& response) const {
  if (ctx_.limiter == nullptr || !pattern.starts_with("/v1/") || pattern == "/v1/events") {
    return false;
  }
  const std::optional<Duration> wait = ctx_.limiter->admit(
      principal ? "token:" + std::to_string(principal->token_id) : request.remote_address);
  if (!wait) return false;
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(*wait).count();
  set_status_error(response, ResourceExhausted("too many requests from this client; retry in " +
                                               std::to_string(seconds) + " s"));
  response.headers.emplace_back("Retry-After", std::to_string(seconds));
  return true;
}

void ApiRouter::healthz(const ApiCall&, HttpResponse& response) const {
  response.set_json(200, Json(Json::Object{{"status", Json("ok")}}));
}

void ApiRouter::readyz(const ApiCall&, HttpResponse& response) const {
  const HealthReport health = ctx_.manager->health();
  response.set_json(health.overall_status == HealthStatus::kUnhealthy ? 503 : 200,
                    readiness_view(health, ctx_.manager->circuit_breakers()));
}

void ApiRouter::metrics(const ApiCall&, HttpResponse& response) const {
  if (ctx_.metrics == nullptr)
    return set_status_error(response, Unavailable("metrics are not collected"));
  // Gauges are read at scrape time, so they are never staler than the scrape.
  if (auto stats = ctx_.manager->statistics(); stats.ok()) {
    ctx_.metrics->set_queue(stats->store.queue_depth, stats->store.dead_jobs);
    ctx_.metrics->set_pending_conflicts(stats->store.pending_conflicts);
  }
  for (const CircuitBreakerStatus& breaker : ctx_.manager->circuit_breakers()) {
    ctx_.metrics->set_breaker(breaker);
  }
  response.status = 200;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = ctx_.metrics->render();
}

void ApiRouter::stats(const ApiCall&, HttpResponse& response) const {
  auto stats = ctx_.manager->statistics();
  if (!stats.ok()) return set_status_error(response, stats.status());
  response.set_json(200, to_json(*stats));
}

void ApiRouter::sync_one(const ApiCall& call, HttpResponse& response) const {
  auto direction = call.direction();
  if (!direction.ok()) return set_status_error(response, direction.status());
  auto report =
      ctx_.manager->sync(call.params.get("type"), call.params.get("id"), *direction, "api");
  if (!report.ok()) return set_status_error(response, report.status());
  response.set_json(200, to_json(*report));
}

void ApiRouter::sync_batch(const ApiCall& call, HttpResponse& response) const {
  auto body = call.json_object_body();
  if (!body.ok()) return set_status_error(response, body.status());
  auto batch = parse_batch(*body, call.limits.max_batch_ids);
  if (!batch.ok()) return set_status_error(response, batch.status());
  if (ctx_.manager->options().entity_types.find(batch->type) == nullptr) {
    return set_status_error(response, InvalidArgument("\"type\" is not a configured entity type"));
  }
  auto results = ctx_.manager->batch_sync(batch->type, batch->ids, batch->direction, "api");
  response.set_json(200, batch_view(batch->type, batch->direction, results));
}

void ApiRouter::sync_status(const ApiCall& call, HttpResponse& response) const {
  auto status = ctx_.manager->status(call.params.get("type"), call.params.get("id"));
  if (!status.ok()) return set_status_error(response, status.status());
  if (is_unknown(*status))
    return set_status_error(response, NotFound("nothing is known about this entity yet"));
  response.set_json(200,
                    entity_status_view(call.params.get("type"), call.params.get("id"), *status));
}

void ApiRouter::list_conflicts(const ApiCall& call, HttpResponse& response) const {
  auto filter = conflict_filter(call.request);
  if (!filter.ok()) return set_status_error(response, filter.status());
  auto limit = call.list_limit();
  if (!limit.ok()) return set_status_error(response, limit.status());
  auto conflicts = ctx_.store->list_conflicts(*filter, *limit);
  if (!conflicts.ok()) return set_status_error(response, conflicts.status());
  response.set_json(200, list_view("conflicts", *conflicts));
}

void ApiRouter::get_conflict(const ApiCall& call, HttpResponse& response) const {
  auto id = call.positive_id("id");
  if (!id.ok()) return set_status_error(response, id.status());
  auto conflict = ctx_.store->get_conflict(*id);
  if (!conflict.ok()) return set_status_error(response, conflict.status());
  if (!*conflict)
    return set_status_error(response,
                            NotFound("conflict " + std::to_string(*id) + " does not exist"));
  response.set_json(200, to_json(**conflict));
}

void ApiRouter::resolve_conflict(const ApiCall& call, HttpResponse& response) const {
  auto id = call.positive_id("id");
  if (!id.ok()) return set_status_error(response, id.status());
  auto body = call.json_object_body();
  if (!body.ok()) return set_status_error(response, body.status());
  const Json* resolution = body->find("resolution");
  const Json* resolved_by = body->find("resolved_by");
  if (resolution == nullptr ||
      (resolved_by != nullptr &&
       (!resolved_by->is_string() || resolved_by->as_string().size() > 200))) {
    return set_status_error(response,
                            InvalidArgument("the body is {\"resolution\": {...}, \"resolved_by\": "
                                            "\"who\"} (resolved_by optional, at most 200 bytes)"));
  }
  // The token is who resolved; resolved_by, when given, says on whose behalf (a shared
  // editorial token used by several people).
  std::string who = call.actor("api");
  if (resolved_by != nullptr && !resolved_by->as_string().empty())
    who += " for " + resolved_by->as_string();
  auto report = ctx_.manager->resolve_conflict(*id, *resolution, who);
  if (!report.ok()) return set_status_error(response, report.status());
  log_event(LogLevel::kInfo, "conflict_resolved",
            Json(Json::Object{{"conflict_id", Json(*id)},
                              {"type", Json(report->key.type)},
                              {"id", Json(report->key.id)}}));
  response.set_json(200, to_json(*report));
}

void ApiRouter::list_dead_jobs(const ApiCall& call, HttpResponse& response) const {
  auto limit = call.list_limit();
  if (!limit.ok()) return set_status_error(response, limit.status());
  auto jobs = ctx_.store->list_jobs(JobState::kDead, *limit);
  if (!jobs.ok()) return set_status_error(response, jobs.status());
  response.set_json(200, list_view("jobs", *jobs));
}

void ApiRouter::replay_dead_job(const ApiCall& call, HttpResponse& response) const {
  auto id = call.positive_id("id");
  if (!id.ok()) return set_status_error(response, id.status());
  const Timestamp now = ctx_.clock->now();
  Status replayed = ctx_.store->replay_dead_job(*id, now);
  if (!replayed.ok()) return set_status_error(response, replayed);
  AuditEntry entry;
  entry.at = now;
  entry.actor = call.actor("api");
  entry.action = "job_replayed";
  entry.key = EntityKey{"job", std::to_string(*id)};
  entry.reason = "dead-lettered job queued again";
  entry.details = Json::object();
  audit_or_log(*ctx_.store, entry);
  if (ctx_.on_enqueued) ctx_.on_enqueued();
  response.set_json(200, Json(Json::Object{{"replayed", Json(*id)}}));
}

void ApiRouter::receive_event(const ApiCall& call, HttpResponse& response) const {
  auto record = [&](std::string_view result) {
    if (ctx_.metrics != nullptr) ctx_.metrics->record_webhook(result);
  };
  if (ctx_.events == nullptr) {
    record("disabled");
    return response.set_error(503, "webhooks_disabled", "no webhook secret is configured");
  }
  auto header = [&](std::string_view name) -> std::string_view {
    const std::string* value = call.request.header(name);
    return value == nullptr ? std::string_view() : std::string_view(*value);
  };
  const WebhookHeaders headers{header("webhook-id"), header("webhook-timestamp"),
                               header("webhook-signature")};
  auto receipt = ctx_.events->receive(headers, call.request.body, ctx_.clock->now());
  if (!receipt.ok()) {
    const bool forged = receipt.status().code() == StatusCode::kUnauthenticated;
    record(forged ? "rejected" : "invalid");
    log_event(LogLevel::kWarn, forged ? "event_rejected" : "event_invalid",
              // No sender address: an IP address is personal data; the proxy's log has it.
              Json(Json::Object{{"reason", Json(receipt.status().message().substr(0, 200))}}));
    return set_status_error(response, receipt.status());
  }
  Json out = Json::object();
  out["event"] = receipt->event;
  switch (receipt->outcome) {
    case EventReceipt::Outcome::kQueued:
      record("accepted");
      if (ctx_.on_enqueued) ctx_.on_enqueued();
      out["accepted"] = true;
      out["queued"] = static_cast<std::int64_t>(receipt->queued);
      return response.set_json(202, out);
    case EventReceipt::Outcome::kDuplicate:
      record("duplicate");
      out["duplicate"] = true;
      return response.set_json(200, out);
    case EventReceipt::Outcome::kUnprocessable:
      record("unprocessable");
      return response.set_error(422, "unprocessable_event", receipt->problem);
  }
}

}  // namespace ojsync::service
