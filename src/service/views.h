// JSON views of engine and store values: the bodies of the HTTP API and the CLI's `--json`
// output, so both speak the same shapes.
#pragma once

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

}  // namespace ojsync::service
