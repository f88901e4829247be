#include "json_compare.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

TEST(JsonCompare, NormalizesTimesAndOptionallyIds) {
  const auto v = json::parse(R"({"id":14,"dateSubmitted":"2026-11-25 13:35:24","datePublished":"2026-11-25",
                                  "_href":"http://h/index.php/j/api/v1/submissions/14/publications/9"})");
  EXPECT_EQ(normalize(v, false), json::parse(R"({"id":14,"dateSubmitted":"<datetime>","datePublished":"<date>",
                                  "_href":"http://h/index.php/j/api/v1/submissions/14/publications/9"})"));
  EXPECT_EQ(normalize(v, true), json::parse(R"({"id":0,"dateSubmitted":"<datetime>","datePublished":"<date>",
                                  "_href":"http://h/index.php/j/api/v1/submissions/0/publications/0"})"));
}

TEST(JsonCompare, LocaleMapOrderIsIgnoredOtherOrdersAreNot) {
  EXPECT_TRUE(diff(json::parse(R"({"t":{"en_US":"a","fr_CA":"b"}})"), json::parse(R"({"t":{"fr_CA":"b","en_US":"a"}})")).empty());
  EXPECT_FALSE(diff(json::parse(R"({"a":1,"b":2})"), json::parse(R"({"b":2,"a":1})")).empty());
  EXPECT_FALSE(diff(json::parse(R"({"a":[1,2]})"), json::parse(R"({"a":[1]})")).empty());
}

TEST(JsonCompare, ShapeToleratesValuesAndNullsNotStructure) {
  EXPECT_TRUE(shape_diff(json::parse(R"({"a":1,"b":null,"c":[{"x":"s"}]})"),
                         json::parse(R"({"a":7,"b":"t","c":[{"x":"u"},{"x":null}]})")).empty());
  EXPECT_FALSE(shape_diff(json::parse(R"({"a":1})"), json::parse(R"({"a":"1"})")).empty());
  EXPECT_FALSE(shape_diff(json::parse(R"({"a":[]})"), json::parse(R"({"a":[1]})")).empty());
  EXPECT_FALSE(shape_diff(json::parse(R"({"a":1})"), json::parse(R"({"a":1,"b":2})")).empty());
}

}  // namespace
}  // namespace ojsemu::testing
