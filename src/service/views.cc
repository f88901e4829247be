#include "service/views.h"

#include "service/http_status.h"

namespace ojsync::service {
namespace {

Json optional_json(const std::optional<Json>& v) { return v ? *v : Json(); }

Json counts(const OutcomeCounts& c) {
  Json out = Json::object();
  out["total"] = c.total;
  out["successful"] = c.successful();
  out["noop"] = c.noop;
  out["applied"] = c.applied;
  out["conflict"] = c.conflict;
  out["failed"] = c.failed;
  return out;
}

double millis(Duration d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

Json to_json(const SyncReport& r) {
  Json out = Json::object();
  out["type"] = r.key.type;
  out["id"] = r.key.id;
  out["direction"] = std::string(direction_name(r.direction));
  out["outcome"] = std::string(outcome_name(r.outcome));
  out["wrote_ojs"] = r.wrote_ojs;
  out["wrote_agents"] = r.wrote_agents;
  out["record_id"] = r.record_id;
  if (r.conflict_id != 0) out["conflict_id"] = r.conflict_id;
  out["retries"] = static_cast<std::int64_t>(r.retries);
  out["duration_ms"] = millis(r.duration);
  Json::Array rejected;
  for (const auto& f : r.rejected_fields) rejected.emplace_back(f);
  out["rejected_fields"] = Json(std::move(rejected));
  return out;
}

Json to_json(const SyncStatistics& s) {
  Json out = Json::object();
  // The seed's names first: total_syncs, successful_syncs.
  out["total_syncs"] = s.store.all_time.total;
  out["successful_syncs"] = s.store.all_time.successful();
  out["failed_syncs"] = s.store.all_time.failed;
  out["success_rate"] = s.success_rate;
  out["all_time"] = counts(s.store.all_time);
  out["last_24h"] = counts(s.store.last_24h);
  out["success_rate_24h"] = s.success_rate_24h;
  out["p50_duration_ms_24h"] = millis(s.store.p50_duration_24h);
  out["p99_duration_ms_24h"] = millis(s.store.p99_duration_24h);
  out["pending_conflicts"] = s.store.pending_conflicts;
  out["queue_depth"] = s.store.queue_depth;
  out["dead_jobs"] = s.store.dead_jobs;
  out["last_sync_at"] =
      s.store.last_sync_at ? Json(format_timestamp(*s.store.last_sync_at)) : Json();
  return out;
}

Json to_json(const HealthReport& h) {
  Json out = Json::object();
  out["overall_status"] = std::string(health_status_name(h.overall_status));
  Json checks = Json::object();
  for (const auto& c : h.checks) {
    Json check = Json::object();
    check["status"] = std::string(health_status_name(c.status));
    check["detail"] = c.detail;
    checks[c.name] = std::move(check);
  }
  out["checks"] = std::move(checks);
  return out;
}

Json to_json(const ConflictRecord& c) {
  Json out = Json::object();
  out["id"] = c.id;
  out["type"] = c.key.type;
  out["entity_id"] = c.key.id;
  out["status"] = c.status == ConflictStatus::kOpen ? "open" : "resolved";
  out["strategy"] = c.strategy;
  out["base"] = optional_json(c.base);
  out["ojs"] = optional_json(c.ojs);
  out["agents"] = optional_json(c.agents);
  Json::Array fields;
  for (const auto& f : c.fields) {
    Json field = Json::object();
    field["path"] = f.path;
    field["base"] = optional_json(f.base);
    field["ojs"] = optional_json(f.ojs);
    field["agents"] = optional_json(f.agents);
    fields.push_back(std::move(field));
  }
  out["fields"] = Json(std::move(fields));
  out["created_at"] = format_timestamp(c.created_at);
  if (c.resolved_at) {
    out["resolved_at"] = format_timestamp(*c.resolved_at);
    out["resolved_by"] = c.resolved_by;
    out["resolution"] = c.resolution;
  }
  return out;
}

Json to_json(const SyncRecord& r) {
  Json out = Json::object();
  out["id"] = r.id;
  out["direction"] = std::string(direction_name(r.direction));
  out["outcome"] = std::string(outcome_name(r.outcome));
  out["trigger"] = r.trigger;
  out["wrote_ojs"] = r.wrote_ojs;
  out["wrote_agents"] = r.wrote_agents;
  out["duration_ms"] = millis(r.duration);
  out["retries"] = static_cast<std::int64_t>(r.retry_count);
  out["started_at"] = format_timestamp(r.started_at);
  if (!r.error.empty()) out["error"] = r.error;
  return out;
}

Json to_json(const SyncState& s) {
  Json out = Json::object();
  out["ojs_id"] = s.ojs_id;
  out["agents_id"] = s.agents_id;
  out["base_hash"] = s.base_hash;
  out["ojs_hash"] = s.ojs_hash;
  out["agents_hash"] = s.agents_hash;
  out["in_sync"] =
      !s.base_hash.empty() && s.ojs_hash == s.base_hash && s.agents_hash == s.base_hash;
  out["tombstone"] = s.tombstone;
  out["updated_at"] = format_timestamp(s.updated_at);
  out["version"] = s.version;
  return out;
}

Json to_json(const EntityStatus& s) {
  Json out = Json::object();
  out["state"] = s.state ? to_json(*s.state) : Json();
  Json::Array records;
  for (const auto& r : s.recent_records) records.push_back(to_json(r));
  out["recent_records"] = Json(std::move(records));
  out["last_sync_at"] = s.recent_records.empty()
                            ? Json()
                            : Json(format_timestamp(s.recent_records.front().started_at));
  out["open_conflict"] = s.open_conflict ? to_json(*s.open_conflict) : Json();
  return out;
}

Json to_json(const Job& j) {
  Json out = Json::object();
  out["id"] = j.id;
  out["type"] = j.key.type;
  out["entity_id"] = j.key.id;
  out["direction"] = std::string(direction_name(j.direction));
  out["trigger"] = j.trigger;
  out["state"] = std::string(job_state_name(j.state));
  out["attempts"] = static_cast<std::int64_t>(j.attempts);
  out["run_at"] = format_timestamp(j.run_at);
  out["last_error"] = j.last_error;
  out["created_at"] = format_timestamp(j.created_at);
  return out;
}

bool is_unknown(const EntityStatus& s) { return !s.state && s.recent_records.empty(); }

Json entity_status_view(std::string_view type, std::string_view id, const EntityStatus& status) {
  Json out = to_json(status);
  out["type"] = type;
  out["id"] = id;
  return out;
}

Json batch_view(std::string_view type, Direction direction,
                const std::vector<std::pair<std::string, Result<SyncReport>>>& results) {
  Json::Array items;
  std::int64_t succeeded = 0;
  for (const auto& [id, result] : results) {
    Json item = Json::object();
    item["id"] = id;
    item["ok"] = result.ok();
    if (result.ok()) {
      ++succeeded;
      item["report"] = to_json(*result);
    } else {
      item["error"] = status_error_body(result.status());
    }
    items.push_back(std::move(item));
  }
  Json out = Json::object();
  out["type"] = type;
  out["direction"] = direction_name(direction);
  out["succeeded"] = succeeded;
  out["failed"] = static_cast<std::int64_t>(results.size()) - succeeded;
  out["results"] = Json(std::move(items));
  return out;
}

Json readiness_view(const HealthReport& health, const std::vector<CircuitBreakerStatus>& breakers) {
  Json out = to_json(health);
  Json::Array breaker_views;
  for (const CircuitBreakerStatus& b : breakers) {
    Json view = Json::object();
    view["endpoint"] = b.endpoint;
    view["state"] = breaker_state_name(b.state);
    view["consecutive_failures"] = b.consecutive_failures;
    view["times_opened"] = b.times_opened;
    view["open_until"] =
        b.state == BreakerState::kClosed ? Json() : Json(format_timestamp(b.open_until));
    breaker_views.push_back(std::move(view));
  }
  out["circuit_breakers"] = Json(std::move(breaker_views));
  out["status"] = health.overall_status == HealthStatus::kHealthy
                      ? "ok"
                      : health_status_name(health.overall_status);
  Json::Array reasons;
  for (const HealthCheck& check : health.checks) {
    if (check.status != HealthStatus::kHealthy)
      reasons.emplace_back(check.name + ": " + check.detail);
  }
  out["reasons"] = Json(std::move(reasons));
  return out;
}

Json to_json(const CleanupCounts& c) {
  Json out = Json::object();
  out["records"] = c.records;
  out["conflicts"] = c.conflicts;
  out["tombstones"] = c.tombstones;
  out["audit_payloads"] = c.audit_payloads;
  out["dead_jobs"] = c.dead_jobs;
  return out;
}

}  // namespace ojsync::service
