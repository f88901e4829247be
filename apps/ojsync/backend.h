// Where a command runs: on the store directly (--config) or against a running daemon
// (--server). Both answer with the HTTP API's JSON shapes (service/views.h), so the output
// of a command does not depend on where it ran.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ojsync/entity.h"
#include "ojsync/json.h"
#include "ojsync/store.h"
#include "service/config.h"

namespace ojsync::cli {

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Result<Json> sync(const std::string& type, const std::string& id,
                            Direction direction) = 0;
  // At most max_batch() ids per call.
  virtual Result<Json> batch(const std::string& type, const std::vector<std::string>& ids,
                             Direction direction) = 0;
  virtual Result<Json> status(const std::string& type, const std::string& id) = 0;
  virtual Result<Json> conflicts(std::optional<ConflictStatus> filter, std::size_t limit) = 0;
  virtual Result<Json> conflict(std::int64_t id) = 0;
  virtual Result<Json> resolve(std::int64_t id, const Json& resolution,
                               const std::string& resolved_by) = 0;
  virtual Result<Json> stats() = 0;
  virtual Result<Json> health() = 0;  // The /readyz shape, whatever the health.
  virtual Result<Json> dead_jobs(std::size_t limit) = 0;
  virtual Result<Json> replay(std::int64_t job_id) = 0;

  virtual std::size_t max_batch() const = 0;
};

// Opens the store (and, for commands that sync, the agents' store and OJS) on first use.
std::unique_ptr<Backend> make_local_backend(service::DaemonConfig config);
// Talks to the daemon at `base_url` ("http://127.0.0.1:8080"), sending `token` as its bearer
// token ("" = none: only the open routes, /readyz for `health`, will answer).
Result<std::unique_ptr<Backend>> make_remote_backend(const std::string& base_url,
                                                     std::string token);

}  // namespace ojsync::cli
