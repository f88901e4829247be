#include "php_json.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace ojsemu {
namespace {

TEST(PhpJson, EscapesSlashesAndNonAsciiLikePhp) {
  // Expected bytes copied from captured OJS 3.3 bodies (body_raw).
  const boost::json::value v = {{"url", "http://x/y"}, {"t", "Résumé 北京"}, {"e", "\xF0\x9F\x8C\x8A"}};
  EXPECT_EQ(to_php_json(v),
            R"({"url":"http:\/\/x\/y","t":"R\u00e9sum\u00e9 \u5317\u4eac","e":"\ud83c\udf0a"})");
}

TEST(PhpJson, ControlCharactersAndQuotes) {
  const boost::json::value v(std::string("a\"b\\c\n\t\x01"));
  EXPECT_EQ(to_php_json(v), R"("a\"b\\c\n\t\u0001")");
}

TEST(PhpJson, NumbersBooleansNull) {
  const boost::json::value v = {1, -2, 2.5, 10.0, true, false, nullptr};
  EXPECT_EQ(to_php_json(v), "[1,-2,2.5,10.0,true,false,null]");
}

TEST(PhpJson, KeepsInsertionOrderAndEmptyContainers) {
  boost::json::object o;
  o["z"] = boost::json::array();
  o["a"] = boost::json::object();
  EXPECT_EQ(to_php_json(o), R"({"z":[],"a":{}})");
}

TEST(PhpJson, InvalidUtf8BecomesReplacementCharacter) {
  const boost::json::value v(std::string("a\xFFz"));
  EXPECT_EQ(to_php_json(v), R"("a\ufffdz")");
}

TEST(PhpJson, ParseRejectsTooDeepAndMalformed) {
  EXPECT_TRUE(parse_json_body(R"({"a":[1,2]})", 4).has_value());
  EXPECT_FALSE(parse_json_body("[[[[[1]]]]]", 3).has_value());
  EXPECT_FALSE(parse_json_body(R"({"title": {"en_US": "broken")", 32).has_value());
  EXPECT_FALSE(parse_json_body("\"\xFF\"", 32).has_value());
}

}  // namespace
}  // namespace ojsemu
