// The route tables of the emulated API handlers, per version. A route is a method, a pattern of
// literal and parameter segments, a handler name (as OJS names it) and the roles allowed by its
// RoleBasedHandlerOperationPolicy. Matching follows the routers OJS uses: Slim in 3.3 (no
// parameter constraints: /submissions/abc matches {submissionId}), Slim with \d+ in 3.4 and
// Laravel whereNumber() in 3.5. Literal segments win over parameters, as in FastRoute.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ojs_version.h"

namespace ojsemu {

struct Route {
  std::string method;
  std::string entity;
  std::vector<std::string> pattern;  // "{name}" segments are parameters
  std::string name;                  // e.g. "getMany", "editPublication"
  std::vector<int> roles;            // empty: any authenticated user
  bool needs_submission = false;     // SubmissionAccessPolicy (requiresSubmissionAccess)
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string, std::less<>> params;
};

class Router {
 public:
  explicit Router(OjsVersion version);

  // Entities with an API handler in this version (the others answer 404 endpointNotFound).
  bool knows_entity(std::string_view entity) const;
  // Entities the emulator implements (a subset of known ones).
  bool implements_entity(std::string_view entity) const;
  std::optional<RouteMatch> match(std::string_view method, std::string_view entity,
                                  const std::vector<std::string>& segments) const;

 private:
  OjsVersion version_;
  std::vector<Route> routes_;
};

}  // namespace ojsemu
