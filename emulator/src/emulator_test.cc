// The Emulator without sockets: requests in, responses out, with a pinned clock.
#include "emulator.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "seed_data.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

class InProcess : public ::testing::Test {
 protected:
  Emulator make(OjsVersion version, std::int64_t unix_now) {
    clock_ = std::make_unique<ManualClock>(unix_now);
    EmulatorConfig config;
    config.version = version;
    config.api_key_secret = "s";
    config.base_url = "http://ojs.test";
    SeedSpec spec;
    spec.submissions = 30;
    spec.reviewers = 5;
    return Emulator(config, generate_seeded_database(spec, version), *clock_);
  }

  static HttpRequest get(Emulator& e, const std::string& target) {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers.emplace_back("Authorization", "Bearer " + *e.token_for("admin"));
    return r;
  }

  std::unique_ptr<ManualClock> clock_;
};

// Review statuses depend on "now": the same awaiting assignment turns into "response overdue".
TEST_F(InProcess, ReviewStatusesFollowTheClock) {
  Emulator e = make(OjsVersion::k3_3, 1672531200);  // 2023-01-01, before every due date
  int awaiting = 0;
  for (int id = 1; id <= 30; ++id) {
    const json::value s = json::parse(e.handle(get(e, "/index.php/testj/api/v1/submissions/" + std::to_string(id))).body);
    for (const auto& a : s.at("reviewAssignments").as_array()) awaiting += a.at("statusId") == 0;
  }
  ASSERT_GT(awaiting, 0);
  clock_->set(1893456000);  // 2030: every response deadline has passed
  int still_awaiting = 0;
  for (int id = 1; id <= 30; ++id) {
    const json::value s = json::parse(e.handle(get(e, "/index.php/testj/api/v1/submissions/" + std::to_string(id))).body);
    for (const auto& a : s.at("reviewAssignments").as_array()) still_awaiting += a.at("statusId") == 0;
  }
  EXPECT_EQ(still_awaiting, 0);
}

TEST_F(InProcess, CorsHeaderUntil34Only) {
  Emulator v34 = make(OjsVersion::k3_4, 1767225600);
  EXPECT_NE(v34.handle(get(v34, "/index.php/testj/api/v1/submissions")).header("Access-Control-Allow-Origin"), nullptr);
  Emulator v35 = make(OjsVersion::k3_5, 1767225600);
  const auto r = v35.handle(get(v35, "/index.php/testj/api/v1/submissions"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), nullptr);
}

TEST_F(InProcess, WritesStampTheManualClockInTheJournalZone) {
  Emulator e = make(OjsVersion::k3_3, 1795613706);  // 2026-11-25 13:35:06 UTC
  HttpRequest post = get(e, "/testj/api/v1/submissions");
  post.method = "POST";
  post.headers.emplace_back("Content-Type", "application/json");
  post.body = R"({"locale":"en_US"})";
  const auto r = e.handle(post);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("dateSubmitted"), "2026-11-25 13:35:06");
  EXPECT_EQ(json::parse(r.body).at("_href"), "http://ojs.test/index.php/testj/api/v1/submissions/31");
}

TEST_F(InProcess, NonApiPathsGetTheHtml404) {
  Emulator e = make(OjsVersion::k3_3, 1767225600);
  const auto r = e.handle(get(e, "/index.php/testj/article/view/1"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<h1>404 Not Found</h1>");
}

}  // namespace
}  // namespace ojsemu
