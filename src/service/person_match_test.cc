#include "service/person_match.h"

#include <gtest/gtest.h>

namespace ojsync::service {
namespace {

Json doc(std::string_view text) { return Json::parse(text).value(); }

PersonMatcher ann() {
  return PersonMatcher::create({" Ann@X.org ", "7", "https://orcid.org/0000-0002-1825-009x"})
      .value();
}

TEST(PersonMatcherTest, RejectsWhatIsNotAnAddressOrAUserId) {
  EXPECT_FALSE(PersonMatcher::create({"ann", "", ""}).ok());
  EXPECT_FALSE(PersonMatcher::create({"@x.org", "", ""}).ok());
  EXPECT_FALSE(PersonMatcher::create({"ann@", "", ""}).ok());
  EXPECT_FALSE(PersonMatcher::create({"ann@x.org", "7a", ""}).ok());
  EXPECT_TRUE(PersonMatcher::create({"ann@x.org", "", ""}).ok());
}

TEST(PersonMatcherTest, FindsPersonObjectsReferencesAndMentionsWithTheirPaths) {
  const Json manuscript = doc(R"({
    "title": {"en": "On ozone"},
    "authors": [{"id": 11, "email": "ANN@x.org", "givenName": {"en": "Ann"}},
                {"id": 12, "email": "bob@y.org", "orcid": "0000-0002-1825-009X"},
                {"givenName": {"en": "Cy"}, "url": "mailto:ann@X.ORG"}],
    "editorId": 7, "userId": 8
  })");
  std::set<std::string> elements;
  const std::vector<PersonFinding> found = ann().find(manuscript, false, &elements);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].path, "authors[11]");
  EXPECT_EQ(found[0].kind, PersonFinding::Kind::kPerson);
  EXPECT_EQ(found[1].path, "authors[12]");  // By ORCID (another address, same person).
  EXPECT_EQ(found[2].path, "authors[2].url");
  EXPECT_EQ(found[2].kind, PersonFinding::Kind::kMention);
  EXPECT_EQ(found[3].path, "editorId");
  EXPECT_EQ(found[3].kind, PersonFinding::Kind::kUserReference);
  EXPECT_EQ(elements, (std::set<std::string>{"authors[11]", "authors[12]"}));

  const Json reviewer = doc(R"({"email":"ann@x.org","givenName":{"en":"Ann"}})");
  const std::vector<PersonFinding> whole = ann().find(reviewer);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole[0].path, "");
  EXPECT_TRUE(ann().find(doc(R"({"email":"bob@y.org","editorId":8})")).empty());
}

TEST(PersonMatcherTest, ErasePseudonymisesOnlyThePersonAndKeepsTheShape) {
  const Json manuscript = doc(R"({
    "title": {"en": "On ozone"},
    "authors": [{"id": 11, "seq": 1, "email": "ann@x.org", "givenName": {"en": "Ann", "fr": "Anne"},
                 "affiliations": [{"name": {"en": "Uni"}}], "includeInBrowse": true},
                {"id": 12, "email": "bob@y.org", "givenName": {"en": "Bob"}}],
    "editorId": 7, "note": "ask ann@x.org"
  })");
  auto erased = ann().erase(manuscript, "erased-t1@invalid");
  ASSERT_TRUE(erased.has_value());
  EXPECT_EQ(*erased, doc(R"({
    "title": {"en": "On ozone"},
    "authors": [{"id": 11, "seq": 1, "email": "erased-t1@invalid",
                 "givenName": {"en": "[erased]", "fr": "[erased]"}, "affiliations": [],
                 "includeInBrowse": true},
                {"id": 12, "email": "bob@y.org", "givenName": {"en": "Bob"}}],
    "note": "ask erased-t1@invalid"
  })"));
  EXPECT_TRUE(ann().find(*erased).empty());
  EXPECT_FALSE(ann().erase(doc(R"({"email":"bob@y.org"})"), "erased-t1@invalid").has_value());
  // A reviewer found by user id is theirs as a whole, whatever address it holds now.
  auto whole =
      ann().erase(doc(R"({"email":"new@z.org","disabled":false})"), "erased-t1@invalid", true);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(*whole, doc(R"({"email":"erased-t1@invalid","disabled":false})"));
}

TEST(PersonMatcherTest, TextsAndPaths) {
  EXPECT_TRUE(ann().mentions("OJS: Ann@X.Org is taken"));
  EXPECT_TRUE(ann().mentions("orcid 0000-0002-1825-009X"));
  EXPECT_FALSE(ann().mentions("bob@y.org"));
  EXPECT_EQ(ann().erase_text("ANN@x.org and ann@x.org, 0000-0002-1825-009x", "e@invalid"),
            "e@invalid and e@invalid, [erased]");
  EXPECT_TRUE(path_within("authors[11].email", "authors[11]"));
  EXPECT_TRUE(path_within("authors[11]", "authors[11]"));
  EXPECT_FALSE(path_within("authors[110].email", "authors[11]"));
  EXPECT_EQ(PersonMatcher::erase_value(Json("ann@x.org"), "email", "e@invalid"), Json("e@invalid"));
  EXPECT_EQ(PersonMatcher::erase_value(doc(R"({"en":"Ann"})"), "givenName", "e@invalid"),
            doc(R"({"en":"[erased]"})"));
}

}  // namespace
}  // namespace ojsync::service
