#include "connectors/ojs/listing_cache.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

using std::chrono::seconds;

const Timestamp kT0(seconds(1'800'000'000));

Json listed(int status) {
  Json j = Json::object();
  j["status"] = status;
  return j;
}

TEST(ListingCacheTest, AnEntryIsTakenOnceWhileYoung) {
  ListingCache cache(seconds(5), 10);
  cache.put(7, listed(1), kT0);
  auto first = cache.take(7, kT0 + seconds(4));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->get_int("status"), 1);
  EXPECT_FALSE(cache.take(7, kT0 + seconds(4)).has_value());  // Taken: the next fetch asks OJS.
  EXPECT_FALSE(cache.take(8, kT0).has_value());
}

TEST(ListingCacheTest, OldEntriesAndClockSetBacksAreNeverAnswered) {
  ListingCache cache(seconds(5), 10);
  cache.put(1, listed(1), kT0);
  EXPECT_FALSE(cache.take(1, kT0 + seconds(5)).has_value());
  cache.put(2, listed(1), kT0);
  EXPECT_FALSE(cache.take(2, kT0 - seconds(1)).has_value());
}

TEST(ListingCacheTest, ANewerListingReplacesTheOlderOne) {
  ListingCache cache(seconds(5), 10);
  cache.put(3, listed(1), kT0);
  cache.put(3, listed(4), kT0 + seconds(1));
  EXPECT_EQ(cache.take(3, kT0 + seconds(2))->get_int("status"), 4);
}

TEST(ListingCacheTest, BoundedOldestFirst) {
  ListingCache cache(seconds(5), 3);
  for (int id = 1; id <= 5; ++id) cache.put(id, listed(1), kT0 + std::chrono::milliseconds(id));
  EXPECT_FALSE(cache.take(1, kT0).has_value());
  EXPECT_FALSE(cache.take(2, kT0).has_value());
  for (int id = 3; id <= 5; ++id) EXPECT_TRUE(cache.take(id, kT0 + seconds(1)).has_value()) << id;
}

TEST(ListingCacheTest, ZeroAgeKeepsNothing) {
  ListingCache cache(Duration::zero(), 10);
  cache.put(1, listed(1), kT0);
  EXPECT_FALSE(cache.take(1, kT0).has_value());
}

}  // namespace
}  // namespace ojsync
