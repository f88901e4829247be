#include "ojsync/entity.h"

#include <algorithm>

#include "ojsync/entity_type.h"

namespace ojsync {

std::string_view side_name(Side side) { return side == Side::kOjs ? "ojs" : "agents"; }

Result<Side> parse_side(std::string_view name) {
  if (name == "ojs") return Side::kOjs;
  if (name == "agents" || name == "agent") return Side::kAgents;
  return InvalidArgument("unknown side '" + std::string(name) + "' (expected ojs or agents)");
}

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kBoth: return "both";
    case Direction::kToOjs: return "to-ojs";
    case Direction::kFromOjs: return "from-ojs";
  }
  return "both";
}

Result<Direction> parse_direction(std::string_view name) {
  if (name == "both" || name == "bidirectional") return Direction::kBoth;
  if (name == "to-ojs" || name == "to_ojs") return Direction::kToOjs;
  if (name == "from-ojs" || name == "from_ojs") return Direction::kFromOjs;
  return InvalidArgument("unknown direction '" + std::string(name) +
                         "' (expected both, to-ojs or from-ojs)");
}

bool direction_writes(Direction d, Side target) {
  switch (d) {
    case Direction::kBoth: return true;
    case Direction::kToOjs: return target == Side::kOjs;
    case Direction::kFromOjs: return target == Side::kAgents;
  }
  return false;
}

bool is_valid_identifier(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  return alnum(s.front()) && std::all_of(s.begin(), s.end(), [&](char c) {
           return alnum(c) || c == '.' || c == '_' || c == ':' || c == '-';
         });
}

namespace {

// Looks `path` up in `map`, then each parent ("a.b.c" → "a.b" → "a").
template <typename Map>
std::optional<std::string> most_specific(const Map& map, std::string_view path) {
  while (true) {
    if (auto it = map.find(path); it != map.end()) return it->second;
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    path = path.substr(0, dot);
  }
}

}  // namespace

std::optional<std::string> EntityTypeConfig::policy_for(std::string_view policy_path) const {
  return most_specific(field_policies, policy_path);
}

std::optional<std::string> EntityTypeConfig::array_key_for(std::string_view policy_path) const {
  if (auto it = array_keys.find(policy_path); it != array_keys.end()) return it->second;
  return std::nullopt;
}

EntityTypeRegistry EntityTypeRegistry::with_defaults() {
  EntityTypeRegistry registry;
  EntityTypeConfig manuscript;
  manuscript.name = "manuscript";
  manuscript.volatile_fields = {"lastModified", "dateLastActivity", "_href"};
  manuscript.array_keys = {{"authors", "id"}};
  manuscript.field_policies = {{"keywords", "union"}};
  (void)registry.put(std::move(manuscript));

  EntityTypeConfig reviewer;
  reviewer.name = "reviewer";
  reviewer.volatile_fields = {"_href", "dateLastLogin"};
  reviewer.read_only_sides = {Side::kOjs};  // OJS 3.3–3.5 have no API to edit users.
  (void)registry.put(std::move(reviewer));

  EntityTypeConfig decision;
  decision.name = "decision";
  decision.volatile_fields = {"_href"};
  decision.append_only = true;
  (void)registry.put(std::move(decision));
  return registry;
}

Status EntityTypeRegistry::put(EntityTypeConfig config) {
  if (!is_valid_identifier(config.name)) {
    return InvalidArgument("invalid entity type name '" + config.name + "'");
  }
  std::string name = config.name;
  types_.insert_or_assign(std::move(name), std::move(config));
  return OkStatus();
}

const EntityTypeConfig* EntityTypeRegistry::find(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

std::vector<std::string> EntityTypeRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(types_.size());
  for (const auto& [name, config] : types_) out.push_back(name);
  return out;
}

}  // namespace ojsync
