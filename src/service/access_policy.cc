#include "service/access_policy.h"

#include <algorithm>

namespace ojsync::service {
namespace {

std::uint32_t bits(std::initializer_list<Role> roles) {
  std::uint32_t mask = 0;
  for (Role role : roles) mask |= 1u << static_cast<unsigned>(role);
  return mask;
}

}  // namespace

RoutePolicy RoutePolicy::token(std::initializer_list<Role> roles, AgentScope scope) {
  return RoutePolicy{Access::kToken, bits(roles), scope};
}

RoutePolicy RoutePolicy::signed_event(std::initializer_list<Role> roles) {
  return RoutePolicy{Access::kSignedEvent, bits(roles), AgentScope::kNone};
}

Status authorize(const RoutePolicy& policy, const Principal& who, const PathParams& params) {
  if (policy.access == RoutePolicy::Access::kOpen) return OkStatus();
  if (!policy.allows(who.role)) {
    return PermissionDenied("a token with role " + std::string(role_name(who.role)) +
                            " may not use this route");
  }
  if (who.role != Role::kAgent) return OkStatus();
  switch (policy.agent_scope) {
    case RoutePolicy::AgentScope::kNone:
      return OkStatus();
    case RoutePolicy::AgentScope::kGrantedType: {
      const std::string_view type = params.get("type");
      if (std::find(who.entity_types.begin(), who.entity_types.end(), type) !=
          who.entity_types.end())
        return OkStatus();
      return PermissionDenied("this agent token is not granted the entity type '" +
                              std::string(type.substr(0, 64)) + "'");
    }
    case RoutePolicy::AgentScope::kOwnName:
      if (params.get("agent") == who.name) return OkStatus();
      return PermissionDenied("an agent token manages only its own agent's settings");
  }
  return PermissionDenied("not allowed");
}

std::vector<std::string> role_names(const RoutePolicy& policy) {
  std::vector<std::string> names;
  for (Role role : kAllRoles) {
    if (policy.allows(role)) names.emplace_back(role_name(role));
  }
  return names;
}

}  // namespace ojsync::service
