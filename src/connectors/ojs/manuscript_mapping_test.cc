#include "connectors/ojs/manuscript_mapping.h"

#include <gtest/gtest.h>

#include "connectors/ojs/author_mapping.h"
#include "connectors/ojs/decision_mapping.h"
#include "connectors/ojs/multilingual.h"

namespace ojsync {
namespace {

Json parse(std::string_view s) { return Json::parse(s).value(); }

TEST(MultilingualTest, NormalizeDropsEmptyLocalesAndPatchRemovesMissingOnes) {
  EXPECT_EQ(normalize_multilingual(parse(R"({"en_US":"A","fr_CA":"","es_ES":null,"ja_JP":[]})")),
            parse(R"({"en_US":"A"})"));
  EXPECT_EQ(multilingual_patch(parse(R"({"en":"B"})"), parse(R"({"en":"A","fr_CA":"X"})"), false),
            parse(R"({"en":"B","fr_CA":null})"));
  EXPECT_EQ(multilingual_patch(parse(R"({})"), parse(R"({"en":["a"]})"), true),
            parse(R"({"en":[]})"));
  EXPECT_FALSE(check_multilingual(parse(R"("plain")"), "title", false).ok());
  EXPECT_FALSE(check_multilingual(parse(R"({"en":[1]})"), "keywords", true).ok());
  EXPECT_TRUE(check_multilingual(parse(R"({"en":["a"],"fr_CA":null})"), "keywords", true).ok());
}

TEST(MultilingualTest, Version35VocabularyObjectsKeepTheirIdentifiers) {
  const Json stored =
      parse(R"({"en":[{"name":"soil","identifier":"http://vocab/1","source":"agrovoc"}]})");
  EXPECT_EQ(vocabulary_names(stored), parse(R"({"en":["soil"]})"));
  EXPECT_EQ(
      vocabulary_objects(parse(R"({"en":["soil","drought"]})"), stored),
      parse(
          R"({"en":[{"name":"soil","identifier":"http://vocab/1","source":"agrovoc"},{"name":"drought"}]})"));
}

TEST(ManuscriptMappingTest, PlanRoutesEachFieldByVersion) {
  const Json current =
      parse(R"({"title":{"en":"A"},"status":1,"stageId":3,"locale":"en","sectionId":1,
      "publicationId":7,"dateSubmitted":"2026-01-01T00:00:00Z"})");
  Json desired = current;
  desired["title"] = parse(R"({"en":"B","fr_CA":"Bé"})");
  desired["status"] = 4;
  desired["stageId"] = 4;
  desired["sectionId"] = 2;
  desired["publicationId"] = 8;
  desired["lastModified"] = "2030-01-01T00:00:00Z";  // Volatile: ignored.
  desired["notes"] = "x";

  auto v33 = plan_manuscript_update(desired, current, nullptr, OjsVersion::k3_3).value();
  EXPECT_EQ(v33.submission_patch, parse(R"({"stageId":4,"status":4})"));
  EXPECT_EQ(v33.publication_patch, parse(R"({"sectionId":2,"title":{"en":"B","fr_CA":"Bé"}})"));
  EXPECT_EQ(v33.rejected_fields, (std::vector<std::string>{"notes", "publicationId"}));

  auto v34 = plan_manuscript_update(desired, current, nullptr, OjsVersion::k3_4).value();
  EXPECT_EQ(v34.submission_patch, Json::object());
  EXPECT_EQ(v34.rejected_fields,
            (std::vector<std::string>{"notes", "publicationId", "stageId", "status"}));

  Json bad = current;
  bad["sectionId"] = "two";
  EXPECT_EQ(plan_manuscript_update(bad, current, nullptr, OjsVersion::k3_4).status().code(),
            StatusCode::kInvalidArgument);
  bad = current;
  bad["title"] = "not multilingual";
  EXPECT_EQ(plan_manuscript_update(bad, current, nullptr, OjsVersion::k3_4).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(plan_manuscript_update(parse("[]"), current, nullptr, OjsVersion::k3_4).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ManuscriptMappingTest, AuthorsAreRejectedOn33AndPlannedFrom34) {
  const Json current = parse(R"({"authors":[{"id":1,"email":"a@x.org","seq":0,"userGroupId":14,
      "givenName":{"en":"Ann"}},{"id":2,"email":"b@x.org","seq":1,"userGroupId":14,"givenName":{"en":"Bo"}}]})");
  Json desired = parse(
      R"({"authors":[{"id":1,"email":"a@x.org","seq":0,"userGroupId":14,"givenName":{"en":"Anne"},
      "orcid":"https://orcid.org/0000-0002-1825-0097"},{"email":"c@x.org","givenName":{"en":"Cy"},"seq":2}]})");
  auto v33 = plan_manuscript_update(desired, current, nullptr, OjsVersion::k3_3).value();
  EXPECT_EQ(v33.rejected_fields, (std::vector<std::string>{"authors"}));
  EXPECT_FALSE(v33.authors_differ);
  auto v34 = plan_manuscript_update(desired, current, nullptr, OjsVersion::k3_4).value();
  ASSERT_TRUE(v34.authors_differ);
  const AuthorPlan plan =
      plan_author_changes(v34.desired_authors, *current.find("authors"), 7, OjsVersion::k3_4);
  ASSERT_EQ(plan.ops.size(), 3u);
  EXPECT_EQ(plan.ops[0].kind, AuthorOp::Kind::kDelete);
  EXPECT_EQ(plan.ops[0].id, 2);
  EXPECT_EQ(plan.ops[1].kind, AuthorOp::Kind::kUpdate);
  EXPECT_EQ(
      plan.ops[1].body,
      parse(R"({"givenName":{"en":"Anne"},"orcid":"https://orcid.org/0000-0002-1825-0097"})"));
  EXPECT_EQ(plan.ops[2].kind, AuthorOp::Kind::kCreate);
  EXPECT_EQ(
      plan.ops[2].body,
      parse(
          R"({"email":"c@x.org","givenName":{"en":"Cy"},"publicationId":7,"seq":2,"userGroupId":14})"));
  EXPECT_TRUE(plan.rejected_fields.empty());
}

TEST(ManuscriptMappingTest, AuthorWithoutAGroupAndReadOnlyAffiliationsAreRejected) {
  const Json none = Json::array();
  AuthorPlan plan =
      plan_author_changes(parse(R"([{"email":"c@x.org"}])"), none, 7, OjsVersion::k3_4);
  EXPECT_TRUE(plan.ops.empty());
  EXPECT_EQ(plan.rejected_fields, (std::vector<std::string>{"authors"}));
  const Json current = parse(
      R"([{"id":1,"email":"a@x.org","userGroupId":3,"affiliations":[{"name":{"en":"MIT"}}]}])");
  plan = plan_author_changes(
      parse(
          R"([{"id":1,"email":"a@x.org","userGroupId":3,"affiliations":[{"name":{"en":"ETH"}}]}])"),
      current, 7, OjsVersion::k3_5);
  EXPECT_TRUE(plan.ops.empty());
  EXPECT_EQ(plan.rejected_fields, (std::vector<std::string>{"authors.affiliations"}));
}

TEST(ManuscriptMappingTest, ProjectionOfA35Author) {
  const Json raw =
      parse(R"({"id":4,"seq":1,"email":"x@y.z","givenName":{"en":"X","fr_CA":""},"orcid":null,
      "affiliations":[{"id":9,"authorId":4,"ror":"https://ror.org/05a28rw58","rorObject":{},"name":{"en":"ETH","de":""}}],
      "userGroupId":14,"includeInBrowse":true,"orcidAccessToken":"secret"})");
  EXPECT_EQ(
      project_author(raw, OjsVersion::k3_5),
      parse(
          R"({"affiliations":[{"name":{"en":"ETH"},"ror":"https://ror.org/05a28rw58"}],"email":"x@y.z",
                "givenName":{"en":"X"},"id":4,"includeInBrowse":true,"seq":1,"userGroupId":14})"));
}

TEST(DecisionMappingTest, IntentAndEarlierEffect) {
  auto intent = decision_intent(
      parse(R"({"submissionId":5,"decisionName":"decline","reviewRoundId":2})"), OjsVersion::k3_4);
  ASSERT_TRUE(intent.ok());
  EXPECT_EQ(intent->code, 6);
  const Json decisions = parse(R"([
      {"id":1,"decision":6,"stageId":3,"reviewRoundId":2,"dateDecided":"2026-01-01 10:00:00","submissionId":5},
      {"id":2,"decision":15,"stageId":3,"reviewRoundId":2,"dateDecided":"2026-01-01 11:00:00","submissionId":5}])");
  EXPECT_FALSE(find_recorded_decision(decisions, *intent).has_value());  // Declined, then reverted.
  const Json after_retry = parse(R"([
      {"id":2,"decision":15,"stageId":3,"reviewRoundId":2,"dateDecided":"2026-01-01 11:00:00","submissionId":5},
      {"id":3,"decision":6,"stageId":3,"reviewRoundId":2,"dateDecided":"2026-01-01 12:00:00","submissionId":5}])");
  ASSERT_TRUE(find_recorded_decision(after_retry, *intent).has_value());
  EXPECT_EQ(find_recorded_decision(after_retry, *intent)->get_int("id"), 3);
  EXPECT_FALSE(decision_intent(parse(R"({"submissionId":5})"), OjsVersion::k3_4).ok());
  EXPECT_FALSE(decision_intent(parse(R"({"submissionId":5,"decisionName":"skip_external_review"})"),
                               OjsVersion::k3_3)
                   .ok());
  EXPECT_EQ(parse_decision_id("12:34").value().decision_id, 34);
  EXPECT_FALSE(parse_decision_id("12").ok());
  EXPECT_FALSE(parse_decision_id("a:b").ok());
  EXPECT_FALSE(parse_decision_id("1:2:3").ok());
}

}  // namespace
}  // namespace ojsync
