#include "engine/strategy_decider.h"

namespace ojsync {
namespace {

std::optional<std::string> global_policy(const SyncOptions& options, std::string_view path) {
  while (true) {
    if (auto it = options.field_policies.find(path); it != options.field_policies.end()) {
      return it->second;
    }
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    path = path.substr(0, dot);
  }
}

}  // namespace

std::string StrategyDecider::resolver_for(std::string_view policy_path) const {
  if (options_.conflict_resolution != "merge") return options_.conflict_resolution;
  if (auto policy = type_.policy_for(policy_path)) return *policy;
  if (auto policy = global_policy(options_, policy_path)) return *policy;
  return options_.merge_fallback;
}

Resolution StrategyDecider::decide(const LeafConflict& conflict, std::string& resolver_name) const {
  resolver_name = resolver_for(conflict.policy_path);
  const ConflictResolver* resolver = resolvers_.find(resolver_name);
  if (resolver == nullptr) {
    // Options are validated at start-up, but a type's policy may name an unknown resolver:
    // a person decides rather than a guess.
    return Resolution::manual("unknown resolver '" + resolver_name + "'");
  }
  ConflictContext context{key_,
                          conflict.path,
                          conflict.policy_path,
                          conflict.base,
                          conflict.ojs,
                          conflict.agents,
                          ojs_modified_,
                          agents_modified_,
                          options_.clock_skew_tolerance,
                          options_.tie_winner};
  return resolver->resolve(context);
}

Status validate_strategy(const SyncOptions& options, const ResolverRegistry& resolvers) {
  auto known = [&](const std::string& name) { return resolvers.contains(name); };
  if (options.conflict_resolution != "merge" && !known(options.conflict_resolution)) {
    return InvalidArgument("conflict_resolution '" + options.conflict_resolution +
                           "' is neither merge nor a registered resolver");
  }
  if (!known(options.merge_fallback)) {
    return InvalidArgument("merge_fallback '" + options.merge_fallback + "' is not a registered resolver");
  }
  for (const auto& [path, policy] : options.field_policies) {
    if (!known(policy)) return InvalidArgument("field policy " + path + " = '" + policy + "' is unknown");
  }
  for (const auto& name : options.entity_types.names()) {
    for (const auto& [path, policy] : options.entity_types.find(name)->field_policies) {
      if (!known(policy)) {
        return InvalidArgument("field policy " + name + "." + path + " = '" + policy + "' is unknown");
      }
    }
  }
  return OkStatus();
}

}  // namespace ojsync
