// Retention: the per-table policy of [retention] (config.h) turned into the store's cleanup.
// The daemon runs it at start and every cleanup_interval; `ojsync cleanup` runs it once.
#pragma once

#include <cstdint>

#include "ojsync/store.h"
#include "service/config.h"

namespace ojsync::service {

// The cutoffs at `now`: rows older than their table's days go; 0 days keeps the table.
RetentionCutoffs retention_cutoffs(const RetentionSettings& settings, Timestamp now);

struct RetentionPass {
  CleanupCounts removed;
  std::int64_t event_ids = 0;  // Accepted webhook event ids forgotten.
};

// One pass at `now` (the caller's clock): Store::cleanup with the cutoffs, then the webhook
// event ids older than `event_id_retention`. Errors are the store's.
Result<RetentionPass> apply_retention(Store& store, const RetentionSettings& settings,
                                      Duration event_id_retention, Timestamp now);

}  // namespace ojsync::service
