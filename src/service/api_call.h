// One matched API request and the small readers every handler shares: the JSON body within
// limits, and bounded query parameters. Errors are kInvalidArgument naming the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ojsync/entity.h"
#include "ojsync/json.h"
#include "ojsync/status.h"
#include "service/access_policy.h"
#include "service/http_server.h"
#include "service/route_table.h"

namespace ojsync::service {

struct ApiLimits {
  std::size_t max_json_depth = 32;  // Manuscripts nest 4-5 levels (authors[].givenName.en).
  std::size_t max_batch_ids = 100;  // POST /v1/sync/batch.
  std::size_t max_list = 1000;      // ?limit= of list endpoints.
  std::size_t default_list = 100;
};

struct ApiCall {
  const HttpRequest& request;
  const PathParams& params;
  const ApiLimits& limits;
  // The authenticated caller; nullptr on open routes and on events posted without a token.
  const Principal* principal = nullptr;

  // How the audit log names the caller: principal->actor(), else `fallback`.
  std::string actor(std::string_view fallback) const {
    return principal != nullptr ? principal->actor() : std::string(fallback);
  }

  // The body as a JSON object (an empty body is an error).
  Result<Json> json_object_body() const;
  // ?limit=N in 1..limits.max_list, else limits.default_list when absent.
  Result<std::size_t> list_limit() const;
  // ?direction=both|to-ojs|from-ojs (and the seed's spellings); kBoth when absent.
  Result<Direction> direction() const;
  // A path parameter that must be a positive integer (conflict and job ids).
  Result<std::int64_t> positive_id(std::string_view name) const;
};

}  // namespace ojsync::service
