// JSON views of engine results, for `--json` output and (later) the HTTP API.
#pragma once

#include "ojsync/json.h"
#include "ojsync/sync_manager.h"

namespace ojsync::cli {

Json to_json(const SyncReport& report);
Json to_json(const SyncStatistics& stats);
Json to_json(const HealthReport& health);
Json to_json(const ConflictRecord& conflict);

}  // namespace ojsync::cli
