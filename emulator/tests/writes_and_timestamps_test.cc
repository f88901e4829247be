// Write semantics per version (NOTES.md §3.1, §4.5, captured 3.3 edits): writable vs
// writeDisabledInApi props, per-locale merges, readOnly props ignored, the 403s of publication
// edits, request limits, and which timestamps an edit bumps (captured README "Timestamps on
// edits"; NOTES.md §4.2 for 3.4+), including the server time zone.
#include <gtest/gtest.h>

#include "running_emulator.h"

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

json::value parse(const ClientResponse& r) { return json::parse(r.body); }
std::string str(const json::value& v) { return v.is_null() ? "" : std::string(v.as_string()); }

// A queued (not published) submission of the seeded data and its current publication.
std::pair<std::string, std::string> editable(RunningEmulator& e) {
  const json::value list = e.json("/submissions?count=100&status=1&stageIds=3");
  const auto& item = list.at("items").as_array().at(0);
  return {std::to_string(item.at("id").as_int64()), std::to_string(item.at("currentPublicationId").as_int64())};
}

TEST(Writes, SubmissionPropsWritableIn33DisabledIn34) {
  RunningEmulator v33("3.3", {"--submissions", "20"});
  const auto [sid, pid] = editable(v33);
  const auto r33 = v33.send("PUT", "/submissions/" + sid, R"({"status":4,"stageId":4})");
  ASSERT_EQ(r33.status, 200);
  EXPECT_EQ(parse(r33).at("status"), 4);
  EXPECT_EQ(parse(r33).at("stageId"), 4);
  const auto invalid = v33.send("PUT", "/submissions/" + sid, R"({"stageId":9,"status":7,"locale":"english"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(parse(invalid), json::parse(R"({"locale":["This is not formatted correctly."],"stageId":["This may not be greater than 5."],"status":["The selected status is invalid."]})"));

  RunningEmulator v34("3.4", {"--submissions", "20"});
  const auto [sid4, pid4] = editable(v34);
  const auto r34 = v34.send("PUT", "/submissions/" + sid4, R"({"status":4,"locale":"en"})");
  EXPECT_EQ(r34.status, 400);
  EXPECT_EQ(parse(r34), json::parse(R"({"status":["The status property can not be modified."]})"));
}

TEST(Writes, PublicationMergeNullDeleteAndReadOnly) {
  for (const char* version : {"3.3", "3.4", "3.5"}) {
    RunningEmulator e(version, {"--submissions", "20"});
    const std::string en = std::string(version) == "3.3" ? "en_US" : "en";
    const auto [sid, pid] = editable(e);
    const std::string path = "/submissions/" + sid + "/publications/" + pid;
    const std::string before = str(e.json(path).at("title").at(en));
    auto r = e.send("PUT", path, R"({"title":{"fr_CA":"Titre français"}})");
    ASSERT_EQ(r.status, 200) << version << r.body;
    EXPECT_EQ(str(parse(r).at("title").at(en)), before) << version;  // other locales kept
    EXPECT_EQ(str(parse(r).at("title").at("fr_CA")), "Titre français");
    r = e.send("PUT", path, R"({"title":{"fr_CA":null}})");
    EXPECT_EQ(str(parse(r).at("title").at("fr_CA")), "") << version;  // null deletes the locale
    r = e.send("PUT", path, R"({"id":999999,"authorsString":"Mallory","fullTitle":{"fr_CA":"x"},"colour":"blue"})");
    EXPECT_EQ(r.status, 200) << version;
    EXPECT_EQ(parse(r).at("id").as_int64(), std::stoll(pid)) << version;
    EXPECT_NE(str(parse(r).at("authorsString")), "Mallory");
    r = e.send("PUT", path, R"({"title":{"xx_XX":"Bad"}})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(parse(r), json::parse(R"({"title":{"xx_XX":["This language is not accepted."]}})")) << version;
    r = e.send("PUT", path, R"({"status":3})");
    EXPECT_EQ(r.status, 403) << version;
  }
}

TEST(Writes, PublishedPublicationsAreFrozen) {
  RunningEmulator e("3.3", {"--submissions", "60"});
  const json::value published = e.json("/submissions?count=1&status=3");
  const auto& item = published.at("items").as_array().at(0);
  const std::string path = "/submissions/" + std::to_string(item.at("id").as_int64()) + "/publications/" +
                           std::to_string(item.at("currentPublicationId").as_int64());
  const auto r = e.send("PUT", path, R"({"pages":"1-2"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(parse(r).at("error"), "api.publication.403.cantEditPublished");
  EXPECT_EQ(e.send("PUT", path + "/publish", "").status, 403);  // alreadyPublished
  EXPECT_EQ(e.send("PUT", path + "/unpublish", "").status, 200);
  EXPECT_EQ(e.send("PUT", path, R"({"pages":"1-2"})").status, 200);
}

TEST(Writes, RequestLimits) {
  RunningEmulator e("3.3", {"--submissions", "5", "--max-body-bytes", "2000"});
  const auto [sid, pid] = editable(e);
  const std::string path = "/submissions/" + sid + "/publications/" + pid;
  EXPECT_EQ(e.send("PUT", path, R"({"pages":")" + std::string(5000, 'x') + R"("})").status, 413);
  // Nesting beyond the depth limit is malformed JSON, which OJS 3.3 treats as an empty edit.
  EXPECT_EQ(e.send("PUT", path, std::string(200, '[') + std::string(200, ']')).status, 200);
  // Form-encoded bodies are parsed too (captured 097).
  const auto form = e.client.request("PUT", e.api(path), {{"Authorization", "Bearer " + e.token()},
                                                         {"Content-Type", "application/x-www-form-urlencoded"}},
                                     std::string("pages=52-72"));
  EXPECT_EQ(parse(form).at("pages"), "52-72");
}

TEST(Timestamps, PublicationEditBumpsActivityNotSubmissionLastModified) {
  for (const char* version : {"3.3", "3.4"}) {
    RunningEmulator e(version, {"--submissions", "20", "--start-time", "2026-02-01 10:00:00"});
    const auto [sid, pid] = editable(e);
    const json::value before = e.json("/submissions/" + sid);
    const auto r = e.send("PUT", "/submissions/" + sid + "/publications/" + pid, R"({"pages":"9-10"})");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(str(parse(r).at("lastModified")).substr(0, 15), "2026-02-01 10:0") << version;
    const json::value after = e.json("/submissions/" + sid);
    EXPECT_EQ(str(after.at("dateLastActivity")).substr(0, 15), "2026-02-01 10:0") << version;
    EXPECT_EQ(after.at("lastModified"), before.at("lastModified")) << version;
  }
}

TEST(Timestamps, SubmissionEditStampsNothingIn33BothIn34) {
  RunningEmulator v33("3.3", {"--submissions", "20", "--start-time", "2026-02-01 10:00:00"});
  const auto [sid, pid] = editable(v33);
  const json::value before = v33.json("/submissions/" + sid);
  const json::value edited = parse(v33.send("PUT", "/submissions/" + sid, R"({"locale":"fr_CA"})"));
  EXPECT_EQ(edited.at("locale"), "fr_CA");
  EXPECT_EQ(edited.at("lastModified"), before.at("lastModified"));
  EXPECT_EQ(edited.at("dateLastActivity"), before.at("dateLastActivity"));

  RunningEmulator v34("3.4", {"--submissions", "20", "--start-time", "2026-02-01 10:00:00"});
  const auto [sid4, pid4] = editable(v34);
  const json::value edited4 = parse(v34.send("PUT", "/submissions/" + sid4, R"({"locale":"fr_CA"})"));
  EXPECT_EQ(str(edited4.at("lastModified")).substr(0, 15), "2026-02-01 10:0");
  EXPECT_EQ(str(edited4.at("dateLastActivity")).substr(0, 15), "2026-02-01 10:0");
}

TEST(Timestamps, NaiveWallClockOfTheServerZone) {
  for (const char* zone : {"Asia/Tokyo", "+09:00"}) {
    RunningEmulator e("3.3", {"--submissions", "3", "--time-zone", zone, "--start-time", "2026-11-25 13:36:10"});
    const json::value created = parse(e.send("POST", "/submissions", R"({"locale":"en_US","submissionProgress":0})"));
    EXPECT_EQ(str(created.at("dateSubmitted")).substr(0, 15), "2026-11-25 22:3") << zone;  // UTC+9 (captured 128)
  }
}

}  // namespace
}  // namespace ojsemu::testing
