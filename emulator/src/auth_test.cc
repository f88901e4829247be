#include "auth.h"

#include <gtest/gtest.h>

#include "jwt.h"

namespace ojsemu {
namespace {

HttpRequest with_authorization(const std::string& value) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/x";
  r.headers.emplace_back("Authorization", value);
  return r;
}

TEST(Auth, BearerClauseExtraction) {
  const QueryParams none;
  EXPECT_EQ(extract_api_token(with_authorization("Bearer abc"), none), "abc");
  EXPECT_EQ(extract_api_token(with_authorization("Basic x, Bearer abc"), none), "abc");
  EXPECT_EQ(extract_api_token(with_authorization("bearer abc"), none), std::nullopt);
  EXPECT_EQ(extract_api_token(with_authorization("Bearer a b"), none), std::nullopt);
  const auto query = QueryParams::parse("apiToken=q");
  EXPECT_EQ(extract_api_token(with_authorization("Basic x"), query), std::nullopt);  // header shadows the query
  HttpRequest bare;
  EXPECT_EQ(extract_api_token(bare, query), "q");
}

Database one_user(bool enabled) {
  Database db;
  User u;
  u.id = 5;
  u.api_key = "key5";
  u.api_key_enabled = enabled;
  db.users.emplace(5, u);
  return db;
}

TEST(Auth, VersionSpecificOutcomes) {
  const Database db = one_user(true);
  const QueryParams none;
  const auto token33 = jwt_encode_hs256(boost::json::string("key5"), "s");
  EXPECT_EQ(authenticate(OjsVersion::k3_3, "s", with_authorization("Bearer " + token33), none, db, 0).user->id, 5);
  const auto bad = authenticate(OjsVersion::k3_3, "other", with_authorization("Bearer " + token33), none, db, 0);
  EXPECT_EQ(bad.error_status, 403);
  EXPECT_EQ(bad.error_key, "api.400.invalidApiToken");
  const auto token35 = jwt_encode_hs256(boost::json::array{"key5"}, "s");
  EXPECT_EQ(authenticate(OjsVersion::k3_5, "s", with_authorization("Bearer " + token35), none, db, 0).user->id, 5);
  EXPECT_EQ(authenticate(OjsVersion::k3_5, "x", with_authorization("Bearer " + token35), none, db, 0).error_status, 400);
  // A disabled key means "anonymous" in 3.3 (403 later) and an immediate 401 in 3.5.
  const Database disabled = one_user(false);
  const auto anon = authenticate(OjsVersion::k3_3, "s", with_authorization("Bearer " + token33), none, disabled, 0);
  EXPECT_TRUE(anon.token_decoded);
  EXPECT_EQ(anon.user, nullptr);
  EXPECT_FALSE(anon.error_status.has_value());
  EXPECT_EQ(authenticate(OjsVersion::k3_5, "s", with_authorization("Bearer " + token35), none, disabled, 0).error_status, 401);
}

}  // namespace
}  // namespace ojsemu
