#include "ojsync/time.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

TEST(TimeTest, FormatsUtcIso8601) {
  auto t = parse_timestamp("2026-11-25T13:39:38Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_timestamp(*t), "2026-11-25T13:39:38Z");
  EXPECT_EQ(format_timestamp(*t + std::chrono::microseconds(1500)), "2026-11-25T13:39:38.001500Z");
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
