#include "service/rate_limiter.h"

#include <gtest/gtest.h>

namespace ojsync::service {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiterTest, AllowsABurstThenTheRateAndTellsTheWait) {
  ManualClock clock(Timestamp(std::chrono::seconds(1'767'225'600)));
  RateLimiter limiter(/*rate_per_second=*/10, /*burst=*/3, /*max_clients=*/100, &clock);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.admit("a").has_value()) << i;
  auto wait = limiter.admit("a");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, Duration(milliseconds(100)));  // One token every 100 ms.
  EXPECT_FALSE(limiter.admit("b").has_value());   // Another client has its own bucket.
  clock.advance(milliseconds(100));
  EXPECT_FALSE(limiter.admit("a").has_value());
  EXPECT_TRUE(limiter.admit("a").has_value());
  clock.advance(std::chrono::seconds(60));  // Refills up to the burst, no further.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.admit("a").has_value()) << i;
  EXPECT_TRUE(limiter.admit("a").has_value());
}

TEST(RateLimiterTest, ForgetsTheLeastRecentClientBeyondItsBound) {
  ManualClock clock(Timestamp(std::chrono::seconds(1'767'225'600)));
  RateLimiter limiter(1, 1, /*max_clients=*/2, &clock);
  EXPECT_FALSE(limiter.admit("a").has_value());
  EXPECT_FALSE(limiter.admit("b").has_value());
  EXPECT_TRUE(limiter.admit("a").has_value());   // "a" is now the most recent.
  EXPECT_FALSE(limiter.admit("c").has_value());  // Forgets "b", the least recent.
  EXPECT_TRUE(limiter.admit("a").has_value());   // "a" was kept, still empty.
  EXPECT_FALSE(limiter.admit("b").has_value());  // "b" starts again with a full bucket.
}

}  // namespace
}  // namespace ojsync::service
