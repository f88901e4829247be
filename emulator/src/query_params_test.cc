#include "query_params.h"

#include <gtest/gtest.h>

namespace ojsemu {
namespace {

TEST(QueryParams, ScalarsListsAndLastValueWins) {
  const auto p = QueryParams::parse("count=2&status%5B%5D=3&status[]=5&count=7&searchPhrase=quantum+review");
  EXPECT_EQ(p.scalar("count"), "7");
  EXPECT_EQ(p.scalar("searchPhrase"), "quantum review");
  ASSERT_NE(p.find("status"), nullptr);
  EXPECT_TRUE(p.find("status")->is_list);
  EXPECT_EQ(int_list_param(p, "status"), (std::vector<std::int64_t>{3, 5}));
  EXPECT_FALSE(p.scalar("status").has_value());
}

TEST(QueryParams, CommaListsAndPercentDecoding) {
  const auto p = QueryParams::parse("status=4%2C5&q=%D0%9A%zz&flag");
  EXPECT_EQ(int_list_param(p, "status"), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(p.scalar("q"), "\xD0\x9A%zz");
  EXPECT_TRUE(p.has("flag"));
  EXPECT_EQ(p.scalar("flag"), "");
  EXPECT_TRUE(int_list_param(p, "absent").empty());
}

TEST(QueryParams, PhpIntCast) {
  EXPECT_EQ(php_int_cast("abc"), 0);
  EXPECT_EQ(php_int_cast("12abc"), 12);
  EXPECT_EQ(php_int_cast("  -5"), -5);
  EXPECT_EQ(php_int_cast("+7"), 7);
  EXPECT_EQ(php_int_cast("99999999999999999999"), INT64_MAX);
  EXPECT_EQ(php_int_cast(""), 0);
}

}  // namespace
}  // namespace ojsemu
