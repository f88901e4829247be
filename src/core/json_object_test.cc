#include "ojsync/json_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ojsync/json.h"

namespace ojsync {
namespace {

using Object = Json::Object;
// The type Json::Object was: its behaviour is what the flat object must reproduce.
using MapObject = std::map<std::string, Json, std::less<>>;

std::vector<std::string> keys_of(const Object& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object) keys.push_back(key);
  return keys;
}

bool same_members(const Object& object, const MapObject& map) {
  return std::equal(
      object.begin(), object.end(), map.begin(), map.end(),
      [](const auto& a, const auto& b) { return a.first == b.first && a.second == b.second; });
}

TEST(JsonObjectTest, IteratesInBytewiseKeyOrder) {
  // Upper case before lower case, a prefix before its extensions, UTF-8 after ASCII.
  const std::vector<std::string> keys = {"b", "", "été", "B", "ab", "a", "z", "\x7f", "a\x01"};
  Object object;
  MapObject map;
  for (const std::string& key : keys) {
    object[key] = Json(key);
    map[key] = Json(key);
  }
  EXPECT_EQ(keys_of(object),
            (std::vector<std::string>{"", "B", "a", "a\x01", "ab", "b", "z", "\x7f", "été"}));
  EXPECT_TRUE(same_members(object, map));
}

TEST(JsonObjectTest, InitializerListSortsAndKeepsTheFirstOfARepeatedKeyAsStdMapDoes) {
  const Object object = {{"b", Json(1)}, {"a", Json(2)}, {"b", Json(3)}, {"c", Json(4)}};
  const MapObject map = {{"b", Json(1)}, {"a", Json(2)}, {"b", Json(3)}, {"c", Json(4)}};
  EXPECT_EQ(keys_of(object), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(object.at("b"), Json(1));
  EXPECT_TRUE(same_members(object, map));
}

TEST(JsonObjectTest, FromMembersKeepsTheLastOfARepeatedKey) {
  std::vector<Object::value_type> members = {
      {"b", Json(1)}, {"a", Json(2)}, {"b", Json(3)}, {"a", Json(4)}, {"b", Json(5)}};
  const Object object = Object::from_members(members);
  EXPECT_EQ(keys_of(object), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(object.at("a"), Json(4));
  EXPECT_EQ(object.at("b"), Json(5));

  std::vector<Object::value_type> sorted_members = {{"a", Json(1)}, {"b", Json(2)}, {"c", Json(3)}};
  const Object sorted = Object::from_members(sorted_members);
  EXPECT_EQ(keys_of(sorted), (std::vector<std::string>{"a", "b", "c"}));
  std::vector<Object::value_type> repeated = {{"a", Json(1)}, {"a", Json(2)}};
  const Object repeated_in_order = Object::from_members(repeated);
  EXPECT_EQ(repeated_in_order.size(), 1u);
  EXPECT_EQ(repeated_in_order.at("a"), Json(2));
}

// Members in random order, with repeated keys, sorted and not, as a parser hands them over.
TEST(JsonObjectTest, FromMembersMatchesAMapAssignedInTheSameOrder) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<Object::value_type> members;
    MapObject map;
    // Small objects are sorted in place, larger ones (over 64 members) by a merge sort.
    const int count = static_cast<int>(random() % (round % 2 == 0 ? 40 : 150));
    for (int i = 0; i < count; ++i) {
      std::string key(1 + random() % 2, static_cast<char>('a' + random() % 12));
      members.emplace_back(key, Json(i));
      map.insert_or_assign(key, Json(i));
    }
    if (round % 4 == 0) {  // Sorted, repeats kept in their order.
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    const Object object = Object::from_members(members);
    EXPECT_TRUE(same_members(object, map)) << "round " << round;
  }
}

TEST(JsonObjectTest, EmplaceAndTryEmplaceDoNotOverwrite) {
  Object object;
  auto [added, inserted] = object.emplace("k", Json(1));
  EXPECT_TRUE(inserted);
  EXPECT_EQ(added->second, Json(1));

  std::string value = "a string long enough to live on the heap";
  auto [kept, replaced] = object.emplace("k", std::move(value));
  EXPECT_FALSE(replaced);
  EXPECT_EQ(kept->second, Json(1));
  EXPECT_EQ(value, "a string long enough to live on the heap");  // Not taken.

  auto [tried, tried_inserted] = object.try_emplace(std::string("k"), Json(2));
  EXPECT_FALSE(tried_inserted);
  EXPECT_EQ(tried->second, Json(1));
  EXPECT_TRUE(object.try_emplace(std::string_view("j"), Json(3)).second);
  EXPECT_EQ(keys_of(object), (std::vector<std::string>{"j", "k"}));
}

TEST(JsonObjectTest, InsertOrAssignOverwrites) {
  Object object;
  EXPECT_TRUE(object.insert_or_assign("k", Json(1)).second);
  auto [member, inserted] = object.insert_or_assign("k", Json(2));
  EXPECT_FALSE(inserted);
  EXPECT_EQ(member->second, Json(2));
  EXPECT_EQ(object.size(), 1u);
}

TEST(JsonObjectTest, SubscriptInsertsNullOnlyWhenAbsent) {
  Object object;
  EXPECT_TRUE(object["a"].is_null());
  EXPECT_EQ(object.size(), 1u);
  object["a"] = Json(7);
  EXPECT_EQ(object["a"], Json(7));
  EXPECT_EQ(object.size(), 1u);
}

TEST(JsonObjectTest, EraseByKeyIteratorAndPredicate) {
  Object object = {{"a", Json(1)}, {"b", Json(2)}, {"c", Json(3)}, {"d", Json(4)}};
  EXPECT_EQ(object.erase("b"), 1u);
  EXPECT_EQ(object.erase("b"), 0u);
  const auto next = object.erase(object.find("a"));
  ASSERT_NE(next, object.end());
  EXPECT_EQ(next->first, "c");
  EXPECT_EQ(erase_if(object, [](const auto& member) { return member.second == Json(4); }), 1u);
  EXPECT_EQ(keys_of(object), (std::vector<std::string>{"c"}));
}

TEST(JsonObjectTest, LooksUpByStringView) {
  const Object object = {{"title", Json("T")}, {"tit", Json("prefix")}};
  const std::string buffer = "titles";
  const std::string_view title(buffer.data(), 5);  // Not NUL-terminated.
  ASSERT_NE(object.find(title), object.end());
  EXPECT_EQ(object.find(title)->second, Json("T"));
  EXPECT_EQ(object.find(std::string_view(buffer)), object.end());
  EXPECT_EQ(object.count("tit"), 1u);
  EXPECT_EQ(object.count("ti"), 0u);
  EXPECT_EQ(object.count(""), 0u);
  EXPECT_THROW(object.at("missing"), std::out_of_range);
}

TEST(JsonObjectTest, EqualityComparesMembersWhateverTheirInsertionOrder) {
  Object a, b;
  a["x"] = Json(1);
  a["y"] = Json("s");
  b["y"] = Json("s");
  b["x"] = Json(1.0);  // Numbers compare by value.
  EXPECT_EQ(a, b);
  b["z"] = Json();
  EXPECT_NE(a, b);
  b.erase("z");
  b["x"] = Json(2);
  EXPECT_NE(a, b);
}

TEST(JsonObjectTest, CopiesAreIndependentAndMovesTakeTheMembers) {
  Object original = {{"a", Json(1)}, {"b", Json::object()}};
  Object copy = original;
  copy["b"]["nested"] = Json(true);
  copy.erase("a");
  EXPECT_EQ(original.size(), 2u);
  EXPECT_EQ(original.at("b"), Json::object());

  Object moved = std::move(copy);
  EXPECT_EQ(keys_of(moved), (std::vector<std::string>{"b"}));
  EXPECT_EQ(moved.at("b").find("nested")->as_bool(), true);
  Object assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.size(), 1u);
}

// Random inserts, overwrites and erases, applied alike to the flat object and to std::map.
TEST(JsonObjectTest, BehavesAsStdMapUnderRandomEdits) {
  std::mt19937 random(20261201);
  Object object;
  MapObject map;
  for (int step = 0; step < 20000; ++step) {
    const std::string key = "k" + std::to_string(random() % 300);
    const Json value(static_cast<std::int64_t>(step));
    switch (random() % 5) {
      case 0:
        EXPECT_EQ(object.try_emplace(key, value).second, map.try_emplace(key, value).second);
        break;
      case 1:
        EXPECT_EQ(object.insert_or_assign(key, value).second,
                  map.insert_or_assign(key, value).second);
        break;
      case 2:
        object[key] = value;
        map[key] = value;
        break;
      case 3:
        EXPECT_EQ(object.erase(key), map.erase(key));
        break;
      default:
        EXPECT_EQ(object.count(key), map.count(key));
        break;
    }
    ASSERT_EQ(object.size(), map.size()) << "step " << step;
  }
  EXPECT_TRUE(same_members(object, map));
}

}  // namespace
}  // namespace ojsync
