// SyncOptions: every tunable of the engine, named as the seed names them where it does.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "ojsync/circuit_breaker.h"
#include "ojsync/entity.h"
#include "ojsync/entity_type.h"
#include "ojsync/time.h"

namespace ojsync {

struct SyncOptions {
  // Entities per batch: jobs claimed per run, ids synced per batch_sync chunk.
  std::size_t batch_size = 20;
  // Attempts of one sync before it is given up (inline) or dead-lettered (queued jobs).
  std::int32_t retry_limit = 5;
  // Period of the background sweep of OJS (used by the service).
  Duration sync_interval = std::chrono::seconds(60);
  // Strategy for fields both sides changed: "latest_wins", "merge", "manual", or the name of
  // a registered custom resolver applied to every conflict.
  std::string conflict_resolution = "latest_wins";
  // What `merge` does for a conflicting field with no policy: "latest_wins" or "manual".
  std::string merge_fallback = "latest_wins";
  // Field policies for every type (each type's own policies take precedence).
  std::map<std::string, std::string, std::less<>> field_policies;
  // latest_wins: modification times closer than this are a tie, won by `tie_winner`.
  Duration clock_skew_tolerance = std::chrono::seconds(2);
  Side tie_winner = Side::kOjs;
  // Records and resolved conflicts older than this are removed by cleanup().
  std::int32_t retention_days = 30;
  // Threads syncing in parallel (batch_sync, job runs).
  std::size_t workers = 4;
  // How long a claimed job is reserved before another worker may take it over.
  Duration job_lease = std::chrono::minutes(5);
  // Exponential backoff with full jitter: attempt n waits uniform[0, min(max, base * 2^n)].
  Duration retry_backoff_base = std::chrono::milliseconds(200);
  Duration retry_backoff_max = std::chrono::minutes(5);
  // Per remote endpoint (side × entity type): outages in a row that stop calls to it, and for
  // how long. Jobs refused by an open breaker wait without spending attempts.
  CircuitBreakerOptions breaker;

  EntityTypeRegistry entity_types = EntityTypeRegistry::with_defaults();
};

}  // namespace ojsync
