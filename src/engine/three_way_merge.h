// Field-level three-way merge of one entity against its base.
//
// For every field: unchanged on both sides → keep; changed on one side → take that side;
// changed identically → keep; changed differently → recurse into objects (multilingual
// fields are objects keyed by locale) and keyed arrays of objects (authors by id), and
// only at a leaf ask the ConflictDecider. Deletion is a change like any other: an absent
// value (nullptr / nullopt) stands for "deleted" or "never existed".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ojsync/entity_type.h"
#include "ojsync/json.h"
#include "ojsync/resolver.h"
#include "ojsync/store.h"

namespace ojsync {

// A leaf both sides changed differently, as the merge hands it to the decider.
struct LeafConflict {
  std::string_view path;
  std::string_view policy_path;
  const Json* base;
  const Json* ojs;
  const Json* agents;
};

// Decides leaf conflicts (strategy, field policies, resolvers). Must be deterministic.
class ConflictDecider {
 public:
  virtual ~ConflictDecider() = default;
  // `resolver_name` receives the name of the resolver that decided, for the record.
  virtual Resolution decide(const LeafConflict& conflict, std::string& resolver_name) const = 0;
};

// A conflict the decider settled; kept so a losing edit is recorded, never silently lost.
struct DecidedConflict {
  FieldConflict field;
  std::string resolver;
  Resolution::Kind kind = Resolution::Kind::kManual;
  std::string reason;
};

struct MergeOutcome {
  std::optional<Json> merged;               // nullopt: the entity ends deleted.
  std::vector<FieldConflict> unresolved;    // Left for a person (nothing may be written).
  std::vector<DecidedConflict> decided;     // Settled by a resolver.
  std::string unresolved_by;                // Resolver that deferred the first unresolved one.
};

MergeOutcome three_way_merge(const EntityTypeConfig& type, const ConflictDecider& decider,
                             const Json* base, const Json* ojs, const Json* agents);

// The per-field agreement of two sides after a sync: where they hold the same value, that
// value; elsewhere the old base value. So a one-way sync leaves the other side's pending
// changes detectable as changes. nullopt when the result is absent.
std::optional<Json> agreed_base(const Json* ojs, const Json* agents, const Json* old_base);

}  // namespace ojsync
