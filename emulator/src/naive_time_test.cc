#include "naive_time.h"

#include <gtest/gtest.h>

namespace ojsemu {
namespace {

TEST(NaiveTime, FormatAndParseRoundTrip) {
  const auto t = parse_datetime("2026-11-25 13:35:06");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_datetime(*t), "2026-11-25 13:35:06");
  EXPECT_EQ(format_date(*t), "2026-11-25");
  EXPECT_EQ(*t, naive_from_civil(2026, 11, 25, 13, 35, 6));
  EXPECT_EQ(format_datetime(0), "1970-01-01 00:00:00");
}

TEST(NaiveTime, StrictParsing) {
  EXPECT_FALSE(parse_datetime("2026-11-25T13:35:06").has_value());
  EXPECT_FALSE(parse_datetime("2026-02-30 00:00:00").has_value());
  EXPECT_FALSE(parse_date("25/11/2026").has_value());
  EXPECT_TRUE(parse_date("2024-02-29").has_value());
  EXPECT_FALSE(parse_date("2023-02-29").has_value());
}

TEST(TimeZone, FixedOffsetsAndUtc) {
  const std::int64_t unix = 1795613706;  // 2026-11-25 13:35:06 UTC
  EXPECT_EQ(format_datetime(TimeZone::utc().to_naive(unix)), "2026-11-25 13:35:06");
  EXPECT_EQ(format_datetime(TimeZone::parse("+09:00")->to_naive(unix)), "2026-11-25 22:35:06");
  EXPECT_EQ(format_datetime(TimeZone::parse("-0330")->to_naive(unix)), "2026-11-25 10:05:06");
  EXPECT_FALSE(TimeZone::parse("+25:00").has_value());
  EXPECT_FALSE(TimeZone::parse("Not/AZone").has_value());
  EXPECT_FALSE(TimeZone::parse("../etc/passwd").has_value());
}

TEST(TimeZone, IanaNamesFollowTheTzDatabase) {
  const auto tokyo = TimeZone::parse("Asia/Tokyo");
  ASSERT_TRUE(tokyo.has_value());
  // The captured 3.3 exchange 128 shows Tokyo wall-clock = UTC + 9 h.
  EXPECT_EQ(format_datetime(tokyo->to_naive(1795613706)), "2026-11-25 22:35:06");
  const auto berlin = TimeZone::parse("Europe/Berlin");
  ASSERT_TRUE(berlin.has_value());
  EXPECT_EQ(format_datetime(berlin->to_naive(1782394506)), "2026-06-25 15:35:06");  // CEST
  EXPECT_EQ(format_datetime(berlin->to_naive(1795613706)), "2026-11-25 14:35:06");  // CET
}

}  // namespace
}  // namespace ojsemu
