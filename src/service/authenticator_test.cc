// Minted tokens: their form, their randomness, and that only the hash identifies them.
#include "service/authenticator.h"

#include <gtest/gtest.h>

#include <set>

#include "ojsync/canonical.h"

namespace ojsync::service {
namespace {

TEST(MintTokenTest, TokensAreRandomBase64UrlAndIdentifiedByTheirHash) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const MintedToken t = mint_token().value();
    ASSERT_EQ(t.secret.rfind("ojs_", 0), 0u) << t.secret;
    ASSERT_EQ(t.secret.size(), 4u + 43u);  // 32 bytes in base64url, unpadded.
    for (char c : t.secret.substr(4)) {
      ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
    }
    EXPECT_EQ(t.hash, sha256_hex(t.secret));
    EXPECT_EQ(token_hash(t.secret), t.hash);
    seen.insert(t.secret);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(AuthenticatorTest, NeverAuthenticatesWithoutAStoredToken) {
  auto store = open_sqlite_store({":memory:"}).value();
  ASSERT_TRUE(store->migrate().ok());
  ManualClock clock(Timestamp(std::chrono::seconds(1'767'225'600)));
  const Authenticator auth(store.get(), &clock);
  const MintedToken minted = mint_token().value();
  const std::string header = "Bearer " + minted.secret;
  EXPECT_EQ(auth.authenticate(nullptr).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(auth.authenticate(&header).status().code(), StatusCode::kUnauthenticated);
  // Presenting the stored hash instead of the secret gets nowhere either.
  ApiToken token;
  token.name = "ops";
  token.role = Role::kAdmin;
  token.token_hash = minted.hash;
  ASSERT_TRUE(store->create_token(token, "test").ok());
  const std::string hash_header = "Bearer " + minted.hash;
  EXPECT_EQ(auth.authenticate(&hash_header).status().code(), StatusCode::kUnauthenticated);
  auto who = auth.authenticate(&header);
  ASSERT_TRUE(who.ok()) << who.status().to_string();
  EXPECT_EQ(who->name, "ops");
  EXPECT_EQ(who->role, Role::kAdmin);
  EXPECT_EQ(who->actor(), "token:ops");
}

}  // namespace
}  // namespace ojsync::service
