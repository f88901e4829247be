// The built-in resolvers: the seed's strategies and the common per-field policies.
#include <algorithm>

#include "ojsync/resolver.h"

namespace ojsync {
namespace {

class LatestWins final : public ConflictResolver {
 public:
  Resolution resolve(const ConflictContext& c) const override {
    const Duration gap = c.ojs_modified - c.agents_modified;
    if (gap > c.clock_skew_tolerance) {
      return Resolution::take(Side::kOjs, "latest_wins: ojs modified later");
    }
    if (-gap > c.clock_skew_tolerance) {
      return Resolution::take(Side::kAgents, "latest_wins: agents modified later");
    }
    return Resolution::take(c.tie_winner, "latest_wins: modification times within the skew "
                                          "tolerance; tie goes to " +
                                              std::string(side_name(c.tie_winner)));
  }
};

class Manual final : public ConflictResolver {
 public:
  Resolution resolve(const ConflictContext&) const override {
    return Resolution::manual("manual: both sides changed this field");
  }
};

class SideWins final : public ConflictResolver {
 public:
  explicit SideWins(Side side) : side_(side) {}
  Resolution resolve(const ConflictContext&) const override {
    return Resolution::take(side_, "policy: " + std::string(side_name(side_)) + " owns this field");
  }

 private:
  Side side_;
};

// Three-way set union of arrays: what either side added stays, what either side removed
// from the base goes. Order: the OJS order, then agents' additions in their order.
class Union final : public ConflictResolver {
 public:
  Resolution resolve(const ConflictContext& c) const override {
    const bool arrays = c.ojs != nullptr && c.agents != nullptr && c.ojs->is_array() &&
                        c.agents->is_array() && (c.base == nullptr || c.base->is_array());
    if (!arrays) return Resolution::manual("union: values are not both arrays");
    const Json::Array empty;
    const Json::Array& base = c.base != nullptr ? c.base->as_array() : empty;
    const Json::Array& ojs = c.ojs->as_array();
    const Json::Array& agents = c.agents->as_array();
    auto contains = [](const Json::Array& a, const Json& v) {
      return std::find(a.begin(), a.end(), v) != a.end();
    };
    auto removed = [&](const Json& v) {
      return contains(base, v) && (!contains(ojs, v) || !contains(agents, v));
    };
    Json::Array out;
    for (const auto* source : {&ojs, &agents}) {
      for (const auto& v : *source) {
        if (!removed(v) && !contains(out, v)) out.push_back(v);
      }
    }
    return {Resolution::Kind::kValue, Json(std::move(out)), "union: kept additions of both sides"};
  }
};

}  // namespace

ResolverRegistry ResolverRegistry::with_builtins() {
  ResolverRegistry registry;
  (void)registry.add("latest_wins", std::make_shared<LatestWins>());
  (void)registry.add("manual", std::make_shared<Manual>());
  (void)registry.add("ojs", std::make_shared<SideWins>(Side::kOjs));
  (void)registry.add("agents", std::make_shared<SideWins>(Side::kAgents));
  (void)registry.add("union", std::make_shared<Union>());
  return registry;
}

Status ResolverRegistry::add(std::string name, std::shared_ptr<const ConflictResolver> resolver) {
  if (name.empty() || name == "merge") {
    return InvalidArgument("resolver name '" + name + "' is empty or reserved");
  }
  if (resolver == nullptr) return InvalidArgument("resolver '" + name + "' is null");
  resolvers_.insert_or_assign(std::move(name), std::move(resolver));
  return OkStatus();
}

const ConflictResolver* ResolverRegistry::find(std::string_view name) const {
  auto it = resolvers_.find(name);
  return it == resolvers_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ResolverRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, resolver] : resolvers_) out.push_back(name);
  return out;
}

}  // namespace ojsync
