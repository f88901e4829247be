#include "router.h"

#include <gtest/gtest.h>

namespace ojsemu {
namespace {

TEST(Router, ParameterConstraintsPerVersion) {
  const Router v33(OjsVersion::k3_3), v34(OjsVersion::k3_4);
  const auto m = v33.match("GET", "submissions", {"abc"});
  ASSERT_TRUE(m.has_value());  // Slim 3.3 routes have no \d+ constraint
  EXPECT_EQ(m->route->name, "get");
  EXPECT_FALSE(v34.match("GET", "submissions", {"abc"}).has_value());
  EXPECT_FALSE(v33.match("PATCH", "submissions", {"2"}).has_value());
  EXPECT_FALSE(v33.match("GET", "submissions", {"2", "decisions"}).has_value());
  EXPECT_TRUE(v34.match("GET", "submissions", {"2", "decisions"}).has_value());
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  const Router r(OjsVersion::k3_4);
  EXPECT_EQ(r.match("GET", "users", {"reviewers"})->route->name, "getReviewers");
  EXPECT_EQ(r.match("GET", "users", {"7"})->route->name, "get");
  EXPECT_EQ(r.match("PUT", "submissions", {"1", "publications", "2", "contributors", "saveOrder"})->route->name,
            "saveContributorsOrder");
}

}  // namespace
}  // namespace ojsemu
