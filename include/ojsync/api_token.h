// API tokens and their roles: who may call the daemon's HTTP API, and for what.
//
// A token is a random secret shown once when it is created; the store keeps only its SHA-256
// (token_hash), so a copy of the database does not let anyone in. Each token has one role:
//   admin       everything
//   editor      read, trigger syncs, resolve conflicts, replay dead-lettered jobs
//   agent       the agents' documents of the entity types it is granted, and its own auto-sync
//               switch; its name is the agent's name
//   viewer      read-only statistics and sync status (and /metrics)
//   ojs-events  may only post signed events (POST /v1/events)
// The route-by-route policy lives with the router (src/service/access_policy.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync {

enum class Role : std::uint8_t { kAdmin, kEditor, kAgent, kViewer, kOjsEvents };
inline constexpr Role kAllRoles[] = {Role::kAdmin, Role::kEditor, Role::kAgent, Role::kViewer,
                                     Role::kOjsEvents};

std::string_view role_name(Role role);  // "admin", "editor", "agent", "viewer", "ojs-events"
Result<Role> parse_role(std::string_view name);

struct ApiToken {
  std::int64_t id = 0;  // Assigned by the store.
  // Unique among tokens not revoked; 1-64 of [A-Za-z0-9._:-], starting with a letter (so a
  // name never reads as an id).
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> entity_types;  // kAgent: the types it may read and write.
  std::string token_hash;                 // Lower-case hex SHA-256 of the secret.
  Timestamp created_at{};
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> revoked_at;  // Set once; a revoked token never authenticates again.

  bool revoked() const { return revoked_at.has_value(); }
};

// kInvalidArgument unless `name` is a valid token name (see ApiToken::name).
Status check_token_name(std::string_view name);

}  // namespace ojsync
