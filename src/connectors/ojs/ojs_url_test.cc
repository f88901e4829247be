#include "connectors/ojs/ojs_url.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

TEST(OjsUrlTest, WithAndWithoutIndexPhp) {
  auto with = OjsUrl::make("https://journals.example.org", "testj", true);
  ASSERT_TRUE(with.ok());
  EXPECT_EQ(with->api("/submissions/5"),
            "https://journals.example.org/index.php/testj/api/v1/submissions/5");
  auto without = OjsUrl::make("https://journals.example.org/", "testj", false);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->api("/submissions"), "https://journals.example.org/testj/api/v1/submissions");
  auto sub = OjsUrl::make("http://127.0.0.1:8085/ojs//", "j-1.x_y", true);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->api("/users/3"), "http://127.0.0.1:8085/ojs/index.php/j-1.x_y/api/v1/users/3");
}

TEST(OjsUrlTest, QueryParametersAreEncodedInOrder) {
  auto url = OjsUrl::make("https://x.org", "j", true).value();
  EXPECT_EQ(
      url.api("/submissions", {{"orderBy", "lastActivity"}, {"searchPhrase", "quantum dots/é&="}}),
      "https://x.org/index.php/j/api/v1/"
      "submissions?orderBy=lastActivity&searchPhrase=quantum%20dots%2F%C3%A9%26%3D");
  EXPECT_EQ(percent_encode("a.b-c_d~e"), "a.b-c_d~e");
}

TEST(OjsUrlTest, RejectsUnsafeBasesAndJournalPaths) {
  for (const char* base : {"ftp://x.org", "https://", "https://user:pw@x.org", "https://x.org/?a=1",
                           "https://x.org/#f", "x.org", "https://x .org", "https:///path"}) {
    EXPECT_EQ(OjsUrl::make(base, "j", true).status().code(), StatusCode::kInvalidArgument) << base;
  }
  for (const char* path : {"", "..", "a/b", "a?b", "a b", "a%2F"}) {
    EXPECT_EQ(OjsUrl::make("https://x.org", path, true).status().code(),
              StatusCode::kInvalidArgument)
        << path;
  }
}

}  // namespace
}  // namespace ojsync
