// What the API's handlers work on. Pointers are borrowed from the daemon (or a test) and must
// outlive the router.
#pragma once

#include <functional>

#include "ojsync/embedded_store.h"
#include "ojsync/store.h"
#include "ojsync/sync_manager.h"
#include "service/agent_settings.h"
#include "service/api_call.h"
#include "service/authenticator.h"
#include "service/event_intake.h"
#include "service/metrics.h"
#include "service/rate_limiter.h"

namespace ojsync::service {

struct ApiContext {
  SyncManager* manager = nullptr;
  Store* store = nullptr;
  EmbeddedDocumentStore* agents = nullptr;  // The agents' side.
  const EventIntake* events = nullptr;      // nullptr: no webhook secret configured (503).
  const AgentSettings* agent_settings = nullptr;
  Metrics* metrics = nullptr;      // nullptr: nothing recorded.
  // Checks the bearer token of every route that needs one; nullptr: every such route answers
  // 401 (fails closed).
  const Authenticator* authenticator = nullptr;
  // POST /v1/events needs an ojs-events (or admin) token besides its signature.
  bool events_require_token = false;
  // Per token (per client address without one) on /v1/ (events excepted); nullptr: none.
  RateLimiter* limiter = nullptr;
  const Clock* clock = nullptr;
  std::function<void()> on_enqueued;  // Told when jobs were queued (wakes the job runner).
  ApiLimits limits;
};

}  // namespace ojsync::service
