// Who may call which route: each route of the API is registered with a RoutePolicy, and the
// router answers 401 (no, unknown or revoked token) or 403 (a valid token whose role or grant
// does not cover the request) before any handler runs. The matrix of roles is in
// ojsync/api_token.h and docs/operations.md; the role-matrix test walks every route.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "ojsync/api_token.h"
#include "service/route_table.h"

namespace ojsync::service {

// The caller behind a valid token.
struct Principal {
  std::int64_t token_id = 0;
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> entity_types;  // kAgent: its grant.

  // How the audit log names this caller: "token:<name>".
  std::string actor() const { return "token:" + name; }
};

struct RoutePolicy {
  enum class Access : std::uint8_t {
    kOpen,         // No token (probes).
    kToken,        // A token with one of `roles`.
    kSignedEvent,  // The webhook signature authenticates; a token, when sent (or required by
                   // the configuration), must also be valid and have one of `roles`.
  };
  // What an agent token may reach beyond its role (other roles are not scoped).
  enum class AgentScope : std::uint8_t {
    kNone,
    kGrantedType,  // The {type} path parameter is one of its entity types.
    kOwnName,      // The {agent} path parameter is its own name.
  };

  Access access = Access::kToken;
  std::uint32_t roles = 0;  // Bit (1 << Role) per role allowed.
  AgentScope agent_scope = AgentScope::kNone;

  bool allows(Role role) const { return (roles & (1u << static_cast<unsigned>(role))) != 0; }

  static RoutePolicy open() { return RoutePolicy{Access::kOpen, 0, AgentScope::kNone}; }
  static RoutePolicy token(std::initializer_list<Role> roles, AgentScope scope = AgentScope::kNone);
  static RoutePolicy signed_event(std::initializer_list<Role> roles);
};

// OK when `who` may make a request matched with `params` under `policy`; else
// kPermissionDenied saying what is missing (never what would be enough for someone else).
Status authorize(const RoutePolicy& policy, const Principal& who, const PathParams& params);

// "admin, editor" for docs and messages.
std::vector<std::string> role_names(const RoutePolicy& policy);

}  // namespace ojsync::service
