#include "connectors/http/retry_after.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

Timestamp at(std::string_view iso) { return parse_timestamp(iso).value(); }

TEST(RetryAfterTest, DeltaSeconds) {
  const auto now = at("2026-01-01T00:00:00Z");
  EXPECT_EQ(parse_retry_after("120", now), std::chrono::seconds(120));
  EXPECT_EQ(parse_retry_after(" 0 ", now), Duration::zero());
  EXPECT_EQ(parse_retry_after("99999999999999999999", now), std::chrono::seconds(86400));
}

TEST(RetryAfterTest, AllThreeHttpDateForms) {
  const auto now = at("1994-11-06T08:49:00Z");
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), std::chrono::seconds(37));
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), std::chrono::seconds(37));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), std::chrono::seconds(37));
}

TEST(RetryAfterTest, PastDateIsZeroAndGarbageIsIgnored) {
  const auto now = at("2030-01-01T00:00:00Z");
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Duration::zero());
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 31 Feb 2030 08:49:37 GMT", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", now), std::nullopt);
}

}  // namespace
}  // namespace ojsync
