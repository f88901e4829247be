#include "ojsync/json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "ojsync/canonical.h"

namespace ojsync {
namespace {

TEST(JsonTest, ParsesAndDumpsWithSortedKeys) {
  auto doc = Json::parse(R"({"b":[1,2.5,"x"],"a":{"z":null,"y":true}})");
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ(doc->dump(), R"({"a":{"y":true,"z":null},"b":[1,2.5,"x"]})");
}

TEST(JsonTest, NumbersCompareByValue) {
  EXPECT_EQ(Json(1), Json(1.0));
  EXPECT_NE(Json(1), Json(1.5));
  EXPECT_NE(Json(1), Json("1"));
  EXPECT_EQ(Json::parse("[1.0, -0.0]")->dump(), "[1,0]");
}

// Doubles read back exactly from the shortest text they print as (Boost 1.81's own conversion
// read this one an ulp off, so its canonical form changed on a round trip; found by fuzzing).
TEST(JsonTest, DoublesRoundTripThroughText) {
  EXPECT_EQ(Json::parse("1.0666666666666667")->as_double(), 1.0666666666666667);
  EXPECT_EQ(Json::parse("[1.0666666666666667]")->dump(), "[1.0666666666666667]");
  EXPECT_EQ(Json::parse("{\"a\":1,\"a\":2}")->dump(), "{\"a\":2}");  // The last repeated key wins.
  EXPECT_FALSE(Json::parse("[1] x").ok());
  EXPECT_EQ(Json::parse("[1e400]").status().code(), StatusCode::kInvalidArgument);  // No double.
  EXPECT_EQ(Json::parse("1e-400")->as_double(), 0.0);
}

TEST(JsonTest, RejectsInvalidInput) {
  EXPECT_FALSE(Json::parse("{").ok());
  EXPECT_FALSE(Json::parse("\"\xff\"").ok());  // invalid UTF-8
  EXPECT_EQ(Json::parse("{").status().code(), StatusCode::kInvalidArgument);
}

TEST(JsonTest, EnforcesDepthAndSizeLimits) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(Json::parse(deep, {.max_bytes = 1 << 20, .max_depth = 64}).ok());
  EXPECT_TRUE(Json::parse(deep, {.max_bytes = 1 << 20, .max_depth = 128}).ok());
  EXPECT_FALSE(Json::parse("[1,2,3]", {.max_bytes = 3, .max_depth = 8}).ok());
}

TEST(JsonTest, EscapesOnlyWhatJsonRequires) {
  Json s(std::string("a\"b\\c\n\x01 é"));
  EXPECT_EQ(s.dump(), "\"a\\\"b\\\\c\\n\\u0001 é\"");
}

// Strings are scanned eight bytes at a time: every character that needs escaping must be found
// wherever it falls in a word, and nothing else escaped.
TEST(JsonTest, EscapesACharacterAtEveryPositionOfALongString) {
  const std::string plain =
      "Plain text, \xC3\xA9t\xC3\xA9 and \xE6\x9D\x8E too";  // UTF-8 passes as it is.
  const std::pair<char, std::string> escapes[] = {{'"', "\\\""},       {'\\', "\\\\"},
                                                  {'\n', "\\n"},       {'\t', "\\t"},
                                                  {'\x1f', "\\u001f"}, {'\0', "\\u0000"}};
  for (std::size_t at = 0; at <= plain.size(); ++at) {
    for (const auto& [c, escaped] : escapes) {
      std::string text = plain;
      text.insert(at, 1, c);
      const std::string expected = "\"" + plain.substr(0, at) + escaped + plain.substr(at) + "\"";
      EXPECT_EQ(Json(text).dump(), expected) << "at " << at << ", character " << int(c);
    }
  }
  EXPECT_EQ(Json(plain).dump(), "\"" + plain + "\"");
}

TEST(JsonTest, HugeIntegersBecomeDoubles) {
  auto doc = Json::parse("18446744073709551615");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->is_double());
}

TEST(JsonTest, NumbersBeyondDoubleRangeAreRefused) {
  for (const char* text : {"1e999", "-1e999", "[1,{\"a\":1E400}]"}) {
    auto doc = Json::parse(text);
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  }
  // Underflow is a finite value: it reads as zero, as every JSON reader does.
  EXPECT_EQ(Json::parse("1e-999")->dump(), "0");
}

TEST(JsonTest, ARepeatedKeyKeepsItsLastValueAtEveryDepth) {
  auto doc = Json::parse(R"({"a":{"x":1},"b":[{"k":1,"k":2}],"a":{"y":2},"c":0,"a":{"z":3}})");
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ(doc->dump(), R"({"a":{"z":3},"b":[{"k":2}],"c":0})");
  EXPECT_EQ(Json::parse(R"({"k":1,"j":0,"k":2,"k":3})")->dump(), R"({"j":0,"k":3})");
}

// Members of nested objects are collected after their parent's: each object takes its own.
TEST(JsonTest, NestedObjectsTakeOnlyTheirOwnMembers) {
  auto doc = Json::parse(
      R"({"z":{"b":1,"a":{"d":[{"f":1,"e":{}}],"c":2}},"y":[{},{"h":{"i":null}}],"x":{}})");
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_EQ(doc->dump(),
            R"({"x":{},"y":[{},{"h":{"i":null}}],"z":{"a":{"c":2,"d":[{"e":{},"f":1}]},"b":1}})");
}

TEST(JsonTest, ManyMembersInRandomOrderParseToSortedOrder) {
  std::vector<int> numbers(10000);
  for (std::size_t i = 0; i < numbers.size(); ++i) numbers[i] = static_cast<int>(i);
  std::shuffle(numbers.begin(), numbers.end(), std::mt19937(42));
  std::string text = "{";
  for (int n : numbers) text += "\"key" + std::to_string(n) + "\":" + std::to_string(n) + ",";
  text.back() = '}';
  auto doc = Json::parse(text);
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  ASSERT_EQ(doc->as_object().size(), numbers.size());
  const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  EXPECT_TRUE(std::is_sorted(doc->as_object().begin(), doc->as_object().end(), by_key));
  for (const auto& [key, value] : doc->as_object()) {
    EXPECT_EQ(key, "key" + std::to_string(value.as_int()));
  }
}

TEST(JsonTest, TheCanonicalHashDoesNotDependOnTheMemberOrderOfTheText) {
  const auto sorted = Json::parse(R"({"a":1,"b":{"c":[1,{"d":2,"e":3}],"f":"g"},"h":null})");
  const auto shuffled = Json::parse(R"({"h":null,"b":{"f":"g","c":[1,{"e":3,"d":2}]},"a":1})");
  ASSERT_TRUE(sorted.ok() && shuffled.ok());
  EXPECT_EQ(*sorted, *shuffled);
  EXPECT_EQ(content_hash(*sorted), content_hash(*shuffled));
  EXPECT_EQ(shuffled->dump(), R"({"a":1,"b":{"c":[1,{"d":2,"e":3}],"f":"g"},"h":null})");
}

}  // namespace
}  // namespace ojsync
