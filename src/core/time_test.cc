#include "ojsync/time.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace ojsync {
namespace {

TEST(TimeTest, FormatsUtcIso8601) {
  auto t = parse_timestamp("2026-11-25T13:39:38Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_timestamp(*t), "2026-11-25T13:39:38Z");
  EXPECT_EQ(format_timestamp(*t + std::chrono::microseconds(1500)), "2026-11-25T13:39:38.001500Z");
}

// Written by hand: every field at its widest and narrowest, days before 1970 and after 2038,
// compared with what printf writes.
TEST(TimeTest, FormatsDateTimesAsPrintfWould) {
  using namespace std::chrono;
  for (const std::int64_t t :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{951782400} /* 2000-02-29 */,
        std::int64_t{2147483648}, std::int64_t{253402300799} /* 9999-12-31 23:59:59 */,
        std::int64_t{-62167219200} /* 0000-01-01 */, std::int64_t{-62167219201},
        std::int64_t{253402300800}, std::int64_t{1764077978}}) {
    const sys_seconds at{seconds(t)};
    const auto day = floor<days>(at);
    const year_month_day ymd(day);
    const hh_mm_ss tod(at - day);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02u-%02u %02u:%02u:%02u",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<unsigned>(tod.hours().count()),
                  static_cast<unsigned>(tod.minutes().count()),
                  static_cast<unsigned>(tod.seconds().count()));
    EXPECT_EQ(format_date_time(t, ' '), expected) << t;
  }
  EXPECT_EQ(format_date_time(1764077978, 'T'), "2025-11-25T13:39:38");
  EXPECT_EQ(format_timestamp(Timestamp(seconds(-1)) + microseconds(999999)),
            "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(Timestamp(seconds(0)) + microseconds(1)), "1970-01-01T00:00:00.000001Z");
}

TEST(TimeTest, AppliesOffsetsToUtc) {
  auto tokyo = parse_timestamp("2026-11-25 22:39:38+09:00");
  auto utc = parse_timestamp("2026-11-25T13:39:38.000Z");
  ASSERT_TRUE(tokyo.ok() && utc.ok());
  EXPECT_EQ(*tokyo, *utc);
  EXPECT_EQ(*parse_timestamp("2026-11-25T13:39:38-0130"), *utc + std::chrono::minutes(90));
}

TEST(TimeTest, RejectsZonelessAndMalformedTimes) {
  EXPECT_FALSE(parse_timestamp("2026-11-25 13:39:38").ok());  // OJS style: zone unknown
  EXPECT_FALSE(parse_timestamp("2026-13-25T13:39:38Z").ok());
  EXPECT_FALSE(parse_timestamp("2026-02-30T13:39:38Z").ok());
  EXPECT_FALSE(parse_timestamp("yesterday").ok());
  EXPECT_FALSE(parse_timestamp("2026-11-25T13:39:38Zjunk").ok());
}

TEST(TimeTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(Timestamp(std::chrono::seconds(100)));
  EXPECT_EQ(clock.now(), Timestamp(std::chrono::seconds(100)));
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.now(), Timestamp(std::chrono::seconds(105)));
}

}  // namespace
}  // namespace ojsync
