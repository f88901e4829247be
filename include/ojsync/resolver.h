// Conflict resolvers: how a field that both sides changed differently is decided.
//
// The strategies of the seed (latest_wins, merge, manual) and the per-field policies
// (ojs, agents, union, ...) are all resolvers registered by name; a user adds their own
// by implementing ConflictResolver and registering it, without touching the engine.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/entity.h"
#include "ojsync/json.h"
#include "ojsync/time.h"

namespace ojsync {

// One field both sides changed differently. Pointers are nullptr for an absent value
// (the field or the whole entity was deleted on that side). Valid during resolve() only.
struct ConflictContext {
  const EntityKey& key;
  std::string_view path;         // e.g. "title.en", "authors[7].email", "" for the whole document
  std::string_view policy_path;  // path without array keys, e.g. "authors.email"
  const Json* base;
  const Json* ojs;
  const Json* agents;
  Timestamp ojs_modified;
  Timestamp agents_modified;
  Duration clock_skew_tolerance;  // Times closer than this are a tie.
  Side tie_winner;                // Who wins a tie under latest_wins.
};

struct Resolution {
  enum class Kind : std::uint8_t {
    kTakeOjs,     // Keep the OJS value (or its absence).
    kTakeAgents,  // Keep the agents' value (or its absence).
    kValue,       // Use `value` (e.g. a union of both).
    kManual,      // Leave it to a person: the entity's sync stops with a stored conflict.
  };
  Kind kind = Kind::kManual;
  Json value;          // For kValue.
  std::string reason;  // Recorded in the audit log ("agents modified later", ...).

  static Resolution take(Side side, std::string reason) {
    return {side == Side::kOjs ? Kind::kTakeOjs : Kind::kTakeAgents, Json(), std::move(reason)};
  }
  static Resolution manual(std::string reason) { return {Kind::kManual, Json(), std::move(reason)}; }
};

// Implementations must be thread-safe (resolve() is called concurrently) and deterministic.
class ConflictResolver {
 public:
  virtual ~ConflictResolver() = default;
  virtual Resolution resolve(const ConflictContext& conflict) const = 0;
};

// Resolvers by name. Built in: "latest_wins", "manual", "ojs", "agents", "union".
// ("merge" is the strategy that consults per-field policies, then a fallback resolver.)
class ResolverRegistry {
 public:
  static ResolverRegistry with_builtins();

  // Adds or replaces a resolver. Rejects an empty name, "merge", or a null resolver.
  Status add(std::string name, std::shared_ptr<const ConflictResolver> resolver);
  const ConflictResolver* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::shared_ptr<const ConflictResolver>, std::less<>> resolvers_;
};

}  // namespace ojsync
