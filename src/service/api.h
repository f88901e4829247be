// ApiRouter: the daemon's HTTP API (v1). Maps each request to its handler; every error
// answers {"error": code, "message": text} (see http_status.h for the one Status mapping).
//
//   GET  /healthz                      liveness: 200 while the process serves
//   GET  /readyz                       ok | degraded | unhealthy with reasons (503 when unhealthy)
//   GET  /metrics                      Prometheus text
//   GET  /v1/stats                     sync statistics
//   POST /v1/sync/{type}/{id}?direction=both|to-ojs|from-ojs
//   POST /v1/sync/batch                {"type", "ids": [...], "direction"}: a result per id
//   GET  /v1/sync/{type}/{id}          archive entry, recent records, open conflict
//   GET  /v1/conflicts?status=open|resolved|all&limit=
//   GET  /v1/conflicts/{id}
//   POST /v1/conflicts/{id}/resolve    {"resolution": {...}, "resolved_by": "..."}
//   GET  /v1/dlq?limit=                dead-lettered jobs
//   POST /v1/dlq/{id}/replay
//   POST /v1/events                    signed OJS events (event_intake.h)
//   plus the agents' routes (agent_api.h).
//
// Every route is added with its RoutePolicy (access_policy.h): /healthz and /readyz are open,
// everything else needs "Authorization: Bearer <token>" with a role the policy allows (401
// without a valid token, 403 when its role or grant falls short), except /v1/events, which its
// webhook signature authenticates and which checks a token only when one is sent or required.
//
// With a RateLimiter in the context, each token (each client address for requests without a
// valid token) gets its own request rate on /v1/ routes (events excepted): over it, 429 with
// Retry-After.
//
// Thread-safe: handle() may run on every server thread at once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "service/agent_api.h"
#include "service/api_context.h"
#include "service/route_table.h"

namespace ojsync::service {

class ApiRouter {
 public:
  // `context` is borrowed and must outlive the router.
  explicit ApiRouter(const ApiContext* context);

  void handle(const HttpRequest& request, HttpResponse& response) const;
  // Every route as (method, pattern); docs/openapi.json is checked against it.
  std::vector<std::pair<std::string, std::string>> routes() const { return routes_.list(); }
  // The policy of each route, in the order of routes().
  const std::vector<RoutePolicy>& policies() const { return policies_; }

 private:
  using Handler = std::function<void(const ApiCall&, HttpResponse&)>;
  void add(std::string method, std::string_view pattern, RoutePolicy policy, Handler handler);
  static Status check_path_params(const PathParams& params);

  // Who is calling (nullopt when no token is needed or sent) and whether they may; the Status
  // is the 401 or 403 to answer.
  Status admit(const HttpRequest& request, const RouteMatch& match,
               std::optional<Principal>& principal) const;
  // Answers 429 with Retry-After when the client is over its rate; true when it did.
  bool throttled(const HttpRequest& request, std::string_view pattern,
                 const std::optional<Principal>& principal, HttpResponse& response) const;

  void healthz(const ApiCall& call, HttpResponse& response) const;
  void readyz(const ApiCall& call, HttpResponse& response) const;
  void metrics(const ApiCall& call, HttpResponse& response) const;
  void stats(const ApiCall& call, HttpResponse& response) const;
  void sync_one(const ApiCall& call, HttpResponse& response) const;
  void sync_batch(const ApiCall& call, HttpResponse& response) const;
  void sync_status(const ApiCall& call, HttpResponse& response) const;
  void list_conflicts(const ApiCall& call, HttpResponse& response) const;
  void get_conflict(const ApiCall& call, HttpResponse& response) const;
  void resolve_conflict(const ApiCall& call, HttpResponse& response) const;
  void list_dead_jobs(const ApiCall& call, HttpResponse& response) const;
  void replay_dead_job(const ApiCall& call, HttpResponse& response) const;
  void receive_event(const ApiCall& call, HttpResponse& response) const;

  const ApiContext& ctx_;
  AgentApi agents_;
  RouteTable routes_;
  std::vector<Handler> handlers_;      // By route index.
  std::vector<RoutePolicy> policies_;  // By route index.
};

}  // namespace ojsync::service
