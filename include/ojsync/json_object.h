// JsonObject: the members of a JSON object in one vector, sorted by key and with unique keys.
// The order is bytewise (std::less<std::string>'s), which is the canonical order hashes are
// computed in, so iterating an object visits its members canonically.
//
// It offers the part of std::map's interface the code base uses, with std::map's semantics,
// except two. An insert or an erase moves the other members, so it invalidates every
// reference, pointer and iterator into the object (std::map keeps those of other members):
// look a member up again after inserting into or erasing from its object. And a member is a
// std::pair<std::string, Value> whose key is not const: never change a key in place.
//
// Sanitizer builds define OJSYNC_JSON_OBJECT_MOVES_ON_WRITE: every insert and erase then moves
// the members to new storage, so that a reference kept across one is a use after free ASan
// reports instead of a silent read of another member.
//
// Thread safety: a value; concurrent reads are safe, writes need external sync.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ojsync {

// A template only because its value type, Json, is incomplete where Json declares its variant:
// a template's member functions are instantiated where they are used, by which time Json is
// complete. Json::Object (json.h) is JsonObject<Json>.
template <class Value>
class JsonObject {
 public:
  using key_type = std::string;
  using mapped_type = Value;
  using value_type = std::pair<std::string, Value>;
  using size_type = std::size_t;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  JsonObject() = default;
  // As std::map's: of members with the same key, the first is kept.
  JsonObject(std::initializer_list<value_type> members) {
    std::vector<value_type> copies(members);
    take_in_order(copies, Repeated::kKeepFirst);
  }
  // Moves `members`, in any order, into a new object; of members with the same key, the last
  // is kept (as a JSON parser reads a repeated key).
  static JsonObject from_members(std::span<value_type> members) {
    JsonObject object;
    object.take_in_order(members, Repeated::kKeepLast);
    return object;
  }

  iterator begin() { return members_.begin(); }
  iterator end() { return members_.end(); }
  const_iterator begin() const { return members_.begin(); }
  const_iterator end() const { return members_.end(); }
  bool empty() const { return members_.empty(); }
  size_type size() const { return members_.size(); }

  iterator find(std::string_view key) {
    const iterator lower = lower_bound(key);
    return holds(lower, key) ? lower : end();
  }
  const_iterator find(std::string_view key) const {
    const const_iterator lower = lower_bound(key);
    return holds(lower, key) ? lower : end();
  }
  size_type count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  const Value& at(std::string_view key) const {
    const const_iterator member = find(key);
    if (member == end()) throw std::out_of_range("JsonObject::at: no member " + std::string(key));
    return member->second;
  }

  // Inserts a null member when `key` is absent.
  Value& operator[](std::string_view key) { return try_emplace(key).first->second; }

  // Inserts a member made of `args` unless `key` is present; then nothing happens, and `args`
  // are left as they were (std::map::emplace may consume them even then).
  template <std::convertible_to<std::string_view> Key, class... Args>
  std::pair<iterator, bool> try_emplace(Key&& key, Args&&... args) {
    const std::string_view name(key);
    const iterator lower = lower_bound(name);
    if (holds(lower, name)) return {lower, false};
    return {insert_before(lower, std::forward<Key>(key), std::forward<Args>(args)...), true};
  }
  template <std::convertible_to<std::string_view> Key, class... Args>
  std::pair<iterator, bool> emplace(Key&& key, Args&&... args) {
    return try_emplace(std::forward<Key>(key), std::forward<Args>(args)...);
  }
  template <std::convertible_to<std::string_view> Key, class V>
  std::pair<iterator, bool> insert_or_assign(Key&& key, V&& value) {
    const std::string_view name(key);
    const iterator lower = lower_bound(name);
    if (holds(lower, name)) {
      lower->second = std::forward<V>(value);
      return {lower, false};
    }
    return {insert_before(lower, std::forward<Key>(key), std::forward<V>(value)), true};
  }

  size_type erase(std::string_view key) {
    const iterator member = find(key);
    if (member == end()) return 0;
    erase(member);
    return 1;
  }
  iterator erase(const_iterator member) { return after_write(members_.erase(member)); }
  iterator erase(iterator member) { return erase(const_iterator(member)); }
  template <class Predicate>
  friend size_type erase_if(JsonObject& object, Predicate matches) {
    const size_type before = object.size();
    std::erase_if(object.members_, matches);
    if (object.size() != before) object.after_write(object.begin());
    return before - object.size();
  }

  // Not defaulted: clang instantiates a defaulted comparison with the class, which Json's
  // variant does while Json is incomplete.
  friend bool operator==(const JsonObject& a, const JsonObject& b) {
    return a.members_ == b.members_;
  }

 private:
  enum class Repeated { kKeepFirst, kKeepLast };

  struct KeyBefore {
    bool operator()(const value_type& member, std::string_view key) const {
      return std::string_view(member.first) < key;
    }
    bool operator()(const value_type& a, const value_type& b) const { return a.first < b.first; }
  };

  // The first member whose key is not before `key`.
  iterator lower_bound(std::string_view key) {
    return std::lower_bound(begin(), end(), key, KeyBefore{});
  }
  const_iterator lower_bound(std::string_view key) const {
    return std::lower_bound(begin(), end(), key, KeyBefore{});
  }
  bool holds(const_iterator member_or_end, std::string_view key) const {
    return member_or_end != end() && member_or_end->first == key;
  }

  template <class Key, class... Args>
  iterator insert_before(const_iterator position, Key&& key, Args&&... args) {
    return after_write(members_.emplace(position, std::piecewise_construct,
                                        std::forward_as_tuple(std::forward<Key>(key)),
                                        std::forward_as_tuple(std::forward<Args>(args)...)));
  }

  // Sanitizer builds only (see the top of the file); `position` in the new storage.
  iterator after_write(iterator position) {
#ifdef OJSYNC_JSON_OBJECT_MOVES_ON_WRITE
    const auto offset = position - members_.begin();
    members_ = std::vector<value_type>(std::make_move_iterator(members_.begin()),
                                       std::make_move_iterator(members_.end()));
    return members_.begin() + offset;
#else
    return position;
#endif
  }

  // Moves `members` into storage of their size, in key order. Members that arrive sorted move
  // in one pass. Others are sorted by their indices, so that each moves once (sorting the
  // members themselves moved each many times: a string and a variant per move). The sort is
  // stable, so of a run of members with the same key the first and the last are the first and
  // last given.
  void take_in_order(std::span<value_type> members, Repeated keep) {
    members_.reserve(members.size());
    const auto not_before = [](const value_type& a, const value_type& b) {
      return !KeyBefore{}(a, b);
    };
    if (std::adjacent_find(members.begin(), members.end(), not_before) == members.end()) {
      members_.assign(std::make_move_iterator(members.begin()),
                      std::make_move_iterator(members.end()));
      return;
    }
    std::array<std::size_t, kInsertionSorted> on_stack;
    std::vector<std::size_t> on_heap;
    const bool small = members.size() <= kInsertionSorted;
    if (!small) on_heap.resize(members.size());
    const std::span<std::size_t> order =
        small ? std::span(on_stack).first(members.size()) : std::span(on_heap);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto before = [members](std::size_t a, std::size_t b) {
      return KeyBefore{}(members[a], members[b]);
    };
    if (small) {
      insertion_sort(order, before);
    } else {
      std::stable_sort(order.begin(), order.end(), before);
    }
    for (const std::size_t index : order) {
      value_type& member = members[index];
      if (members_.empty() || members_.back().first != member.first) {
        members_.push_back(std::move(member));
      } else if (keep == Repeated::kKeepLast) {
        members_.back().second = std::move(member.second);
      }
    }
  }

  // Up to this many members, indices are sorted by an insertion sort in a buffer that does
  // not allocate: most unsorted objects are small (a multilingual value's locales in the
  // journal's order) and nearly sorted. Larger ones take a merge sort, which has no quadratic
  // worst case.
  static constexpr std::size_t kInsertionSorted = 64;

  // Stable: equal elements keep their order.
  template <class Before>
  static void insertion_sort(std::span<std::size_t> order, Before before) {
    for (std::size_t next = 1; next < order.size(); ++next) {
      const std::size_t index = order[next];
      std::size_t to = next;
      for (; to > 0 && before(index, order[to - 1]); --to) order[to] = order[to - 1];
      order[to] = index;
    }
  }

  std::vector<value_type> members_;
};

}  // namespace ojsync
