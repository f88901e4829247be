// Entity types are data, not code paths: a type is a name plus rules for hashing and merging.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/canonical.h"
#include "ojsync/entity.h"

namespace ojsync {

struct EntityTypeConfig {
  std::string name;
  // Top-level fields a side changes on its own (e.g. "lastModified"): neither hashed nor merged.
  std::set<std::string, std::less<>> volatile_fields;
  // Arrays of objects merged element by element, keyed by a member: {"authors": "id"}.
  // The path is the dotted field path without array positions.
  std::map<std::string, std::string, std::less<>> array_keys;
  // Per-field conflict policies for the `merge` strategy: path → resolver name
  // ("ojs", "agents", "union", "latest_wins", "manual" or a registered custom resolver).
  std::map<std::string, std::string, std::less<>> field_policies;
  // Sides that may never be written for this type (OJS has no API to edit reviewers).
  std::set<Side> read_only_sides;
  // Entities are created once and never edited (decisions); creating one must be idempotent.
  bool append_only = false;

  CanonicalOptions canonical_options() const { return CanonicalOptions{volatile_fields}; }
  // The most specific policy for `policy_path` (itself, else its nearest parent), if any.
  std::optional<std::string> policy_for(std::string_view policy_path) const;
  // The key member for the array at `policy_path`, if configured.
  std::optional<std::string> array_key_for(std::string_view policy_path) const;
};

// The set of known types. Defaults describe manuscript, reviewer and decision as the OJS
// connector projects them; configuration may change them or add more.
class EntityTypeRegistry {
 public:
  static EntityTypeRegistry with_defaults();

  // Adds or replaces a type. Rejects an empty or malformed name.
  Status put(EntityTypeConfig config);
  // nullptr when unknown.
  const EntityTypeConfig* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, EntityTypeConfig, std::less<>> types_;
};

// Ids, type names and agent names reach SQL, URLs, file names and logs: 1..128 bytes of
// [A-Za-z0-9._:-], starting with a letter or digit (so never ".", ".." or an option-like "-x").
bool is_valid_identifier(std::string_view s);
// The rule above, for error messages.
inline constexpr std::string_view kIdentifierRule =
    "1-128 of [A-Za-z0-9._:-], starting with a letter or digit";

}  // namespace ojsync
