// GET /submissions list semantics per version (NOTES.md §3.1/§3.2, captured 3.3 exchanges):
// default count, the count<=0 quirks, the orderBy vocabulary, orderDirection, filters, paging.
#include <gtest/gtest.h>

#include <set>

#include "running_emulator.h"

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

std::vector<std::int64_t> ids(const json::value& list) {
  std::vector<std::int64_t> out;
  for (const auto& item : list.at("items").as_array()) out.push_back(item.at("id").as_int64());
  return out;
}

std::vector<std::string> field(const json::value& list, const char* name) {
  std::vector<std::string> out;
  for (const auto& item : list.at("items").as_array()) {
    out.push_back(item.at(name).is_null() ? "" : std::string(item.at(name).as_string()));
  }
  return out;
}

TEST(VersionLists, CountDefaultsAndQuirks33) {
  RunningEmulator e("3.3", {"--submissions", "150"});
  EXPECT_EQ(e.json("/submissions").at("items").as_array().size(), 20u);
  EXPECT_EQ(e.json("/submissions?count=101").at("items").as_array().size(), 100u);
  for (const char* c : {"0", "-1", "abc"}) {
    EXPECT_EQ(e.json(std::string("/submissions?count=") + c).at("items").as_array().size(), 150u) << c;
  }
}

TEST(VersionLists, CountDefaultsAndQuirks34And35) {
  for (const char* v : {"3.4", "3.5"}) {
    RunningEmulator e(v, {"--submissions", "150"});
    EXPECT_EQ(e.json("/submissions").at("items").as_array().size(), 30u) << v;
    EXPECT_EQ(e.json("/submissions?count=0").at("items").as_array().size(), 0u) << v;
    EXPECT_EQ(e.json("/submissions?count=0").at("itemsMax").as_int64(), 150) << v;
    EXPECT_EQ(e.json("/submissions?count=-1").at("items").as_array().size(), 150u) << v;
  }
}

TEST(VersionLists, OrderByVocabulary) {
  RunningEmulator v33("3.3", {"--submissions", "40"});
  const auto by_activity = field(v33.json("/submissions?count=100&orderBy=dateLastActivity&orderDirection=ASC"), "dateLastActivity");
  EXPECT_TRUE(std::is_sorted(by_activity.begin(), by_activity.end()));
  // lastActivity is not a 3.3 value: ignored, default dateSubmitted DESC (direction still applies in 3.3).
  const auto fallback = field(v33.json("/submissions?count=100&orderBy=lastActivity&orderDirection=ASC"), "dateSubmitted");
  std::vector<std::string> non_null;
  for (const auto& d : fallback) if (!d.empty()) non_null.push_back(d);
  EXPECT_TRUE(std::is_sorted(non_null.begin(), non_null.end()));

  RunningEmulator v34("3.4", {"--submissions", "40"});
  const auto activity34 = field(v34.json("/submissions?count=100&orderBy=lastActivity&orderDirection=ASC"), "dateLastActivity");
  EXPECT_TRUE(std::is_sorted(activity34.begin(), activity34.end()));
  // dateLastActivity is silently ignored in 3.4, and so is orderDirection without a valid orderBy.
  EXPECT_EQ(ids(v34.json("/submissions?count=100&orderBy=dateLastActivity&orderDirection=ASC")),
            ids(v34.json("/submissions?count=100")));
  // Only exact "ASC" is ascending.
  EXPECT_EQ(ids(v34.json("/submissions?count=100&orderBy=lastModified&orderDirection=asc")),
            ids(v34.json("/submissions?count=100&orderBy=lastModified&orderDirection=DESC")));
}

TEST(VersionLists, FiltersAndPaging) {
  RunningEmulator e("3.4", {"--submissions", "120"});
  const json::value stages = e.json("/submissions?count=100&stageIds=3,5");
  for (const auto& item : stages.at("items").as_array()) {
    const auto stage = item.at("stageId").as_int64();
    EXPECT_TRUE(stage == 3 || stage == 5);
  }
  const json::value statuses = e.json("/submissions?count=100&status%5B%5D=3&status%5B%5D=4");
  for (const auto& item : statuses.at("items").as_array()) {
    const auto status = item.at("status").as_int64();
    EXPECT_TRUE(status == 3 || status == 4);
  }
  const json::value incomplete = e.json("/submissions?count=100&isIncomplete=1");
  for (const auto& item : incomplete.at("items").as_array()) {
    EXPECT_NE(item.at("submissionProgress"), "");
  }
  // Pages of an unchanged list are disjoint and cover everything.
  std::set<std::int64_t> seen;
  std::int64_t total = 0;
  for (int offset = 0; offset < 120; offset += 25) {
    const json::value page = e.json("/submissions?count=25&orderBy=lastActivity&offset=" + std::to_string(offset));
    total = page.at("itemsMax").as_int64();
    for (auto id : ids(page)) EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
  EXPECT_EQ(static_cast<std::int64_t>(seen.size()), total);
  EXPECT_EQ(e.json("/submissions?offset=500").at("items").as_array().size(), 0u);
  // daysInactive: everything seeded is older than 30 days at the default clock.
  EXPECT_EQ(e.json("/submissions?daysInactive=30").at("itemsMax").as_int64(), 120);
}

TEST(VersionLists, SearchPhraseIsAsciiCaseInsensitiveOnly) {
  RunningEmulator e("3.3", {"--dataset", "captured-3.3"});
  EXPECT_EQ(ids(e.json("/submissions?searchPhrase=OCEAN")), std::vector<std::int64_t>{7});
  EXPECT_EQ(ids(e.json("/submissions?searchPhrase=%D0%BA%D0%B2%D0%B0%D0%BD%D1%82%D0%BE%D0%B2%D1%8B%D0%B5")),
            std::vector<std::int64_t>{4});
  EXPECT_TRUE(ids(e.json("/submissions?searchPhrase=%D0%9A%D0%B2%D0%B0%D0%BD%D1%82%D0%BE%D0%B2%D1%8B%D0%B5")).empty());
}

TEST(VersionLists, UsersAndReviewers) {
  RunningEmulator e("3.4", {"--submissions", "30", "--reviewers", "12"});
  const json::value reviewers = e.json("/users?roleIds=4096&count=100");
  EXPECT_EQ(reviewers.at("itemsMax").as_int64(), 12);
  const json::value stats = e.json("/users/reviewers?count=100");
  EXPECT_EQ(stats.at("itemsMax").as_int64(), 12);
  for (const auto& r : stats.at("items").as_array()) EXPECT_TRUE(r.as_object().contains("reviewsActive"));
  EXPECT_EQ(e.get("/users/999999").status, 404);
}

}  // namespace
}  // namespace ojsemu::testing
