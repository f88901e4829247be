// Editorial decisions of OJS 3.4/3.5 (NOTES.md §3.5): validation per stage, stage/status effects,
// 3.4+ numbering, GET ordering (ASC in 3.4, DESC in 3.5) and the activity timestamp.
#include <gtest/gtest.h>

#include "running_emulator.h"

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

json::value parse(const ClientResponse& r) { return json::parse(r.body); }

std::string queued_in_stage(RunningEmulator& e, int stage) {
  const json::value list = e.json("/submissions?count=100&status=1&stageIds=" + std::to_string(stage));
  for (const auto& item : list.at("items").as_array()) {
    if (item.at("submissionProgress") == "") return std::to_string(item.at("id").as_int64());
  }
  ADD_FAILURE() << "no queued submission in stage " << stage;
  return "0";
}

std::vector<std::int64_t> decision_numbers(const json::value& list) {
  std::vector<std::int64_t> out;
  for (const auto& d : list.as_array()) out.push_back(d.at("decision").as_int64());
  return out;
}

TEST(Decisions, WorkflowFromSubmissionToProduction) {
  for (const char* version : {"3.4", "3.5"}) {
    RunningEmulator e(version, {"--submissions", "40", "--start-time", "2026-03-01 09:00:00"});
    const std::string sid = queued_in_stage(e, 1);
    const std::string path = "/submissions/" + sid + "/decisions";
    const std::size_t existing = e.json(path).as_array().size();

    auto r = e.send("POST", path, R"({"decision":2})");  // Accept is a review-stage decision
    EXPECT_EQ(r.status, 400) << version;
    EXPECT_TRUE(parse(r).as_object().contains("decision"));
    EXPECT_EQ(e.send("POST", path, R"({"decision":999})").status, 400);

    r = e.send("POST", path, R"({"decision":3})");  // send to review
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value sent = parse(r);
    EXPECT_EQ(sent.at("stageId"), 1);
    EXPECT_EQ(sent.at("editorId"), 1);
    EXPECT_TRUE(sent.at("round").is_null());
    json::value s = e.json("/submissions/" + sid);
    EXPECT_EQ(s.at("stageId"), 3);
    EXPECT_EQ(std::string(s.at("dateLastActivity").as_string()).substr(0, 13), "2026-03-01 09");
    const auto round = std::to_string(s.at("reviewRounds").as_array().back().at("id").as_int64());

    r = e.send("POST", path, R"({"decision":2})");
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(parse(r).as_object().contains("reviewRoundId"));
    r = e.send("POST", path, R"({"decision":2,"reviewRoundId":)" + round + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r).at("round"), 1);
    EXPECT_EQ(e.json("/submissions/" + sid).at("stageId"), 4);
    ASSERT_EQ(e.send("POST", path, R"({"decision":7})").status, 200);
    EXPECT_EQ(e.json("/submissions/" + sid).at("stageId"), 5);

    const json::value all = e.json(path);
    ASSERT_EQ(all.as_array().size(), existing + 3);
    const auto numbers = decision_numbers(all);
    if (std::string(version) == "3.4") {
      EXPECT_EQ(std::vector<std::int64_t>(numbers.end() - 3, numbers.end()), (std::vector<std::int64_t>{3, 2, 7}));
    } else {
      EXPECT_EQ(std::vector<std::int64_t>(numbers.begin(), numbers.begin() + 3), (std::vector<std::int64_t>{7, 2, 3}));
    }
  }
}

TEST(Decisions, DeclineAndRevert) {
  RunningEmulator e("3.4", {"--submissions", "40"});
  const std::string sid = queued_in_stage(e, 1);
  const std::string path = "/submissions/" + sid + "/decisions";
  ASSERT_EQ(e.send("POST", path, R"({"decision":8})").status, 200);  // initial decline
  EXPECT_EQ(e.json("/submissions/" + sid).at("status"), 4);
  EXPECT_EQ(e.send("POST", path, R"({"decision":3})").status, 400);  // declined: only a revert applies
  ASSERT_EQ(e.send("POST", path, R"({"decision":16})").status, 200);
  EXPECT_EQ(e.json("/submissions/" + sid).at("status"), 1);
}

TEST(Decisions, PublishedSubmissionsAndVersion33) {
  RunningEmulator e("3.4", {"--submissions", "60"});
  const json::value published = e.json("/submissions?count=1&status=3");
  const std::string sid = std::to_string(published.at("items").as_array().at(0).at("id").as_int64());
  const auto r = e.send("POST", "/submissions/" + sid + "/decisions", R"({"decision":29})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(parse(r).at("error"), "api.decisions.403.alreadyPublished");

  RunningEmulator v33("3.3", {"--submissions", "5"});
  const auto none = v33.get("/submissions/1/decisions");
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(parse(none).at("error"), "api.404.endpointNotFound");
}

}  // namespace
}  // namespace ojsemu::testing
