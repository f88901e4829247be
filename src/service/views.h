// JSON views of engine and store values: the bodies of the HTTP API and the CLI's `--json`
// output, so both speak the same shapes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ojsync/json.h"
#include "ojsync/sync_manager.h"

namespace ojsync::service {

Json to_json(const SyncReport& report);
Json to_json(const SyncStatistics& stats);
Json to_json(const HealthReport& health);
Json to_json(const ConflictRecord& conflict);
Json to_json(const SyncRecord& record);
Json to_json(const SyncState& state);  // Without the base document.
Json to_json(const EntityStatus& status);
Json to_json(const Job& job);
Json to_json(const CleanupCounts& counts);

// True when the store knows nothing of the entity (no archive entry, no record): a status
// request for it is NOT_FOUND.
bool is_unknown(const EntityStatus& status);
// GET /v1/sync/{type}/{id}: to_json(status) with the key.
Json entity_status_view(std::string_view type, std::string_view id, const EntityStatus& status);
// POST /v1/sync/batch: {"type", "direction", "succeeded", "failed", "results": [{"id", "ok",
// "report" | "error"}]}.
Json batch_view(std::string_view type, Direction direction,
                const std::vector<std::pair<std::string, Result<SyncReport>>>& results);
// GET /readyz: to_json(health) plus "status" (ok | degraded | unhealthy), "reasons" (the
// checks that are not healthy, as "name: detail") and "circuit_breakers" (every endpoint's).
Json readiness_view(const HealthReport& health, const std::vector<CircuitBreakerStatus>& breakers);
// {"count": n, member: [to_json(item)...]}.
template <typename T>
Json list_view(std::string_view member, const std::vector<T>& items) {
  Json::Array array;
  for (const T& item : items) array.push_back(to_json(item));
  Json out = Json::object();
  out["count"] = static_cast<std::int64_t>(array.size());
  out[member] = Json(std::move(array));
  return out;
}

}  // namespace ojsync::service
