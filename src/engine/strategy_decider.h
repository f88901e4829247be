// The ConflictDecider the engine uses: the configured strategy, per-field policies for
// `merge`, and the resolver registry, evaluated with the two sides' modification times.
#pragma once

#include <string>

#include "engine/three_way_merge.h"
#include "ojsync/options.h"
#include "ojsync/resolver.h"

namespace ojsync {

class StrategyDecider final : public ConflictDecider {
 public:
  StrategyDecider(const SyncOptions& options, const EntityTypeConfig& type,
                  const ResolverRegistry& resolvers, const EntityKey& key, Timestamp ojs_modified,
                  Timestamp agents_modified)
      : options_(options),
        type_(type),
        resolvers_(resolvers),
        key_(key),
        ojs_modified_(ojs_modified),
        agents_modified_(agents_modified) {}

  Resolution decide(const LeafConflict& conflict, std::string& resolver_name) const override;

  // The resolver name for a conflict at `policy_path` under the configured strategy.
  std::string resolver_for(std::string_view policy_path) const;

 private:
  const SyncOptions& options_;
  const EntityTypeConfig& type_;
  const ResolverRegistry& resolvers_;
  const EntityKey& key_;
  Timestamp ojs_modified_;
  Timestamp agents_modified_;
};

// Validates that a strategy/policy name can be resolved ("merge" or a registered resolver).
Status validate_strategy(const SyncOptions& options, const ResolverRegistry& resolvers);

}  // namespace ojsync
