#include "engine/three_way_merge.h"

#include <set>
#include <unordered_map>

namespace ojsync {
namespace {

bool same(const Json* x, const Json* y) {
  if (x == nullptr || y == nullptr) return x == y;
  return *x == *y;
}

std::optional<Json> copy_of(const Json* v) {
  return v == nullptr ? std::nullopt : std::optional<Json>(*v);
}

const Json* member(const Json* object, const std::string& key) {
  return object == nullptr ? nullptr : object->find(key);
}

// A key member value as a string usable in paths and maps; nullopt if unusable as a key.
std::optional<std::string> element_key(const Json& element, const std::string& key_member) {
  const Json* k = element.find(key_member);
  if (k == nullptr) return std::nullopt;
  if (k->is_string()) return k->as_string();
  if (k->is_number() || k->is_bool()) return k->dump();
  return std::nullopt;
}

// Indexes an array of objects by key member; nullopt if any element has no usable or a
// duplicate key (then the array merges as one value).
using KeyedIndex = std::vector<std::pair<std::string, const Json*>>;
std::optional<KeyedIndex> index_by_key(const Json* array, const std::string& key_member) {
  KeyedIndex index;
  if (array == nullptr) return index;
  std::unordered_map<std::string, bool> seen;
  for (const auto& element : array->as_array()) {
    auto key = element_key(element, key_member);
    if (!key || !seen.emplace(*key, true).second) return std::nullopt;
    index.emplace_back(std::move(*key), &element);
  }
  return index;
}

const Json* lookup(const KeyedIndex& index, const std::string& key) {
  for (const auto& [k, v] : index) {
    if (k == key) return v;
  }
  return nullptr;
}

bool same_key_order(const KeyedIndex& a, const KeyedIndex& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first) return false;
  }
  return true;
}

class Merger {
 public:
  Merger(const EntityTypeConfig& type, const ConflictDecider& decider, MergeOutcome& out)
      : type_(type), decider_(decider), out_(out) {}

  std::optional<Json> merge(const Json* b, const Json* o, const Json* a) {
    if (same(o, a)) return copy_of(o);
    if (same(o, b)) return copy_of(a);
    if (same(a, b)) return copy_of(o);
    if (is_object(o) && is_object(a) && (b == nullptr || b->is_object())) {
      return merge_objects(b, o, a);
    }
    if (is_array(o) && is_array(a) && (b == nullptr || b->is_array())) {
      if (auto key_member = type_.array_key_for(policy_path_)) {
        if (auto merged = merge_keyed_arrays(b, o, a, *key_member)) return std::move(*merged);
      }
    }
    return resolve_leaf(b, o, a);
  }

 private:
  static bool is_object(const Json* v) { return v != nullptr && v->is_object(); }
  static bool is_array(const Json* v) { return v != nullptr && v->is_array(); }

  // Extends both paths for the duration of a child merge.
  class Scope {
   public:
    Scope(Merger& m, std::string_view path_part, std::string_view policy_part) : m_(m) {
      path_len_ = m.path_.size();
      policy_len_ = m.policy_path_.size();
      m.path_ += path_part;
      m.policy_path_ += policy_part;
    }
    ~Scope() {
      m_.path_.resize(path_len_);
      m_.policy_path_.resize(policy_len_);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Merger& m_;
    std::size_t path_len_;
    std::size_t policy_len_;
  };

  std::string field_part(const std::string& key) const {
    return path_.empty() || path_.back() == '.' ? key : "." + key;
  }

  std::optional<Json> merge_objects(const Json* b, const Json* o, const Json* a) {
    Json::Object merged;
    std::set<std::string_view> seen;
    auto visit = [&](const Json* source) {
      if (source == nullptr) return;
      for (const auto& [key, unused] : source->as_object()) {
        if (!seen.insert(key).second) continue;
        std::string part = field_part(key);
        Scope scope(*this, part, part);
        if (auto value = merge(member(b, key), member(o, key), member(a, key))) {
          merged.emplace(key, std::move(*value));
        }
      }
    };
    // Keys deleted on both sides appear only in the base and need no visit.
    visit(o);
    visit(a);
    return Json(std::move(merged));
  }

  std::optional<Json> merge_keyed_arrays(const Json* b, const Json* o, const Json* a,
                                         const std::string& key_member) {
    auto bi = index_by_key(b, key_member);
    auto oi = index_by_key(o, key_member);
    auto ai = index_by_key(a, key_member);
    if (!bi || !oi || !ai) return std::nullopt;
    // Keep the order of the side that reordered; if both did, OJS's order leads.
    const KeyedIndex& lead = same_key_order(*oi, *bi) ? *ai : *oi;
    const KeyedIndex& follow = &lead == &*ai ? *oi : *ai;
    Json::Array merged;
    std::unordered_map<std::string, bool> done;
    auto emit = [&](const std::string& key) {
      if (!done.emplace(key, true).second) return;
      Scope scope(*this, "[" + key + "]", "");
      if (auto element = merge(lookup(*bi, key), lookup(*oi, key), lookup(*ai, key))) {
        merged.push_back(std::move(*element));
      }
    };
    for (const auto& [key, unused] : lead) emit(key);
    for (const auto& [key, unused] : follow) emit(key);
    for (const auto& [key, unused] : *bi) emit(key);  // Deleted on the lead side.
    return Json(std::move(merged));
  }

  std::optional<Json> resolve_leaf(const Json* b, const Json* o, const Json* a) {
    std::string resolver;
    Resolution r = decider_.decide(LeafConflict{path_, policy_path_, b, o, a}, resolver);
    FieldConflict field{path_, copy_of(b), copy_of(o), copy_of(a)};
    if (r.kind == Resolution::Kind::kManual) {
      if (out_.unresolved.empty()) out_.unresolved_by = resolver;
      out_.unresolved.push_back(std::move(field));
      return copy_of(o);  // Placeholder: nothing is written while a conflict is unresolved.
    }
    std::optional<Json> result;
    switch (r.kind) {
      case Resolution::Kind::kTakeOjs: result = copy_of(o); break;
      case Resolution::Kind::kTakeAgents: result = copy_of(a); break;
      default: result = std::move(r.value); break;
    }
    out_.decided.push_back(DecidedConflict{std::move(field), std::move(resolver), r.kind,
                                           std::move(r.reason)});
    return result;
  }

  const EntityTypeConfig& type_;
  const ConflictDecider& decider_;
  MergeOutcome& out_;
  std::string path_;
  std::string policy_path_;
};

}  // namespace

MergeOutcome three_way_merge(const EntityTypeConfig& type, const ConflictDecider& decider,
                             const Json* base, const Json* ojs, const Json* agents) {
  MergeOutcome out;
  Merger merger(type, decider, out);
  out.merged = merger.merge(base, ojs, agents);
  return out;
}

std::optional<Json> agreed_base(const Json* ojs, const Json* agents, const Json* old_base) {
  if (same(ojs, agents)) return copy_of(ojs);
  if (ojs == nullptr || agents == nullptr || !ojs->is_object() || !agents->is_object()) {
    return copy_of(old_base);
  }
  const Json* base_object = old_base != nullptr && old_base->is_object() ? old_base : nullptr;
  Json::Object agreed;
  auto visit = [&](const Json* source) {
    if (source == nullptr) return;
    for (const auto& [key, unused] : source->as_object()) {
      if (agreed.count(key) != 0) continue;
      if (auto v = agreed_base(member(ojs, key), member(agents, key), member(base_object, key))) {
        agreed.emplace(key, std::move(*v));
      }
    }
  };
  visit(ojs);
  visit(agents);
  visit(base_object);
  return Json(std::move(agreed));
}

}  // namespace ojsync
