// The agents' part of the API: their documents, with optimistic concurrency, and their
// auto-sync setting.
//
//   GET    /v1/entities/{type}/{id}     the document; ETag: "<etag>"
//   PUT    /v1/entities/{type}/{id}     X-Agent: <name>; If-Match: "<etag>" to update
//   DELETE /v1/entities/{type}/{id}     X-Agent: <name>; If-Match: "<etag>"
//   GET    /v1/agents/{agent}/auto-sync
//   PUT    /v1/agents/{agent}/auto-sync {"enabled": true|false}
//
// Updating or deleting an existing document without If-Match is refused with 428: an agent
// must show which version it edited, so two agents can never overwrite each other silently.
// A stale If-Match is 412. Creating needs no If-Match. Thread-safe.
#pragma once

#include "service/api_context.h"

namespace ojsync::service {

class AgentApi {
 public:
  explicit AgentApi(const ApiContext* context) : ctx_(*context) {}

  void get_entity(const ApiCall& call, HttpResponse& response) const;
  void put_entity(const ApiCall& call, HttpResponse& response) const;
  void delete_entity(const ApiCall& call, HttpResponse& response) const;
  void get_auto_sync(const ApiCall& call, HttpResponse& response) const;
  void put_auto_sync(const ApiCall& call, HttpResponse& response) const;

 private:
  // The entity's (type, id) after checking both; the id is the agents' id.
  Result<EntityKey> entity_of(const ApiCall& call) const;
  // The writing agent: an agent token's own name (X-Agent, when sent, must be it), else the
  // X-Agent header.
  static Result<std::string> agent_of(const ApiCall& call);
  // After a write: audits it and, when the agent's auto-sync is on, queues a sync. Returns the
  // job id, or 0 when none was queued.
  Result<std::int64_t> after_write(const ApiCall& call, const EntityKey& agents_key,
                                   const std::string& agent, std::string_view action,
                                   const std::string& before, const std::string& after) const;

  const ApiContext& ctx_;
};

}  // namespace ojsync::service
