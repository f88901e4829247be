// The Store contract for API tokens. Part of the shared conformance suite (store_conformance.h):
// only the Store interface is used.
#include "ojsync/audit_chain.h"
#include "ojsync/canonical.h"
#include "store/store_conformance.h"

namespace ojsync::testing {
namespace {

ApiToken token(std::string name, Role role, std::string secret,
               std::vector<std::string> types = {}) {
  ApiToken t;
  t.name = std::move(name);
  t.role = role;
  t.entity_types = std::move(types);
  t.token_hash = sha256_hex(secret);
  return t;
}

TEST_P(StoreConformanceTest, TokensAreFoundByHashAndKeepTheirGrant) {
  ApiToken agent = token("reviewer_bot", Role::kAgent, "s1", {"manuscript", "reviewer"});
  agent.created_at = at(5);
  auto created = store_->create_token(agent, "cli:root");
  OJSYNC_ASSERT_OK(created);
  EXPECT_GT(created->id, 0);
  OJSYNC_ASSERT_OK(store_->create_token(token("dashboard", Role::kViewer, "s2"), "cli:root"));

  auto found = store_->find_token(sha256_hex("s1"));
  OJSYNC_ASSERT_OK(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->name, "reviewer_bot");
  EXPECT_EQ((*found)->role, Role::kAgent);
  EXPECT_EQ((*found)->entity_types, (std::vector<std::string>{"manuscript", "reviewer"}));
  EXPECT_EQ((*found)->created_at, at(5));
  EXPECT_FALSE((*found)->last_used_at.has_value());
  EXPECT_FALSE((*found)->revoked());
  auto unknown = store_->find_token(sha256_hex("nope"));
  OJSYNC_ASSERT_OK(unknown);
  EXPECT_FALSE(unknown->has_value());

  OJSYNC_ASSERT_OK(store_->touch_token(created->id, at(9)));
  EXPECT_EQ(store_->find_token(sha256_hex("s1")).value()->last_used_at, at(9));
  EXPECT_EQ(store_->touch_token(999, at(9)).code(), StatusCode::kNotFound);

  auto all = store_->list_tokens();
  OJSYNC_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].name, "dashboard");
  EXPECT_TRUE((*all)[1].entity_types.empty());
}

TEST_P(StoreConformanceTest, BadOrDuplicateTokensAreRefused) {
  OJSYNC_ASSERT_OK(store_->create_token(token("ops", Role::kAdmin, "s1"), "cli:root"));
  EXPECT_EQ(store_->create_token(token("ops", Role::kViewer, "s2"), "cli:root").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->create_token(token("other", Role::kViewer, "s1"), "cli:root").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->create_token(token("42", Role::kViewer, "s3"), "x").status().code(),
            StatusCode::kInvalidArgument);  // Would read as an id.
  EXPECT_EQ(store_->create_token(token("a b", Role::kViewer, "s3"), "x").status().code(),
            StatusCode::kInvalidArgument);
  ApiToken raw = token("raw", Role::kViewer, "s3");
  raw.token_hash = "s3";  // A secret where its hash belongs.
  EXPECT_EQ(store_->create_token(raw, "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      store_->create_token(token("v", Role::kViewer, "s4", {"manuscript"}), "x").status().code(),
      StatusCode::kInvalidArgument);  // Only agents are granted types.
  EXPECT_EQ(store_->list_tokens().value().size(), 1u);
}

TEST_P(StoreConformanceTest, RevokedTokensStayRevokedAndFreeTheirName) {
  auto first = store_->create_token(token("ci", Role::kEditor, "s1"), "cli:root");
  OJSYNC_ASSERT_OK(first);
  auto revoked = store_->revoke_token("ci", at(20), "cli:root");
  OJSYNC_ASSERT_OK(revoked);
  EXPECT_EQ(revoked->revoked_at, at(20));
  EXPECT_TRUE(store_->find_token(sha256_hex("s1")).value()->revoked());
  EXPECT_EQ(store_->revoke_token("ci", at(21), "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->revoke_token(std::to_string(first->id), at(21), "x").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->revoke_token("999", at(21), "x").status().code(), StatusCode::kNotFound);

  auto second = store_->create_token(token("ci", Role::kEditor, "s2"), "cli:root");
  OJSYNC_ASSERT_OK(second);  // The name is free again; the old token is not.
  OJSYNC_ASSERT_OK(store_->revoke_token(std::to_string(second->id), at(30), "cli:root"));
  EXPECT_TRUE(store_->find_token(sha256_hex("s2")).value()->revoked());
}

TEST_P(StoreConformanceTest, TokenChangesAreAuditedWithoutTheirHash) {
  auto created = store_->create_token(token("ops", Role::kAdmin, "secret-1"), "cli:root");
  OJSYNC_ASSERT_OK(created);
  OJSYNC_ASSERT_OK(store_->revoke_token("ops", at(40), "cli:alice"));
  auto audit = store_->list_audit({"api_token", "ops"}, 10);
  OJSYNC_ASSERT_OK(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "token_revoked");
  EXPECT_EQ((*audit)[0].actor, "cli:alice");
  EXPECT_EQ((*audit)[0].at, at(40));
  EXPECT_EQ((*audit)[0].before_hash, (*audit)[1].after_hash);
  EXPECT_NE((*audit)[0].after_hash, (*audit)[0].before_hash);
  EXPECT_EQ((*audit)[1].action, "token_created");
  EXPECT_EQ((*audit)[1].actor, "cli:root");
  EXPECT_EQ((*audit)[1].details.get_string("role"), "admin");
  for (const AuditEntry& e : *audit) {
    EXPECT_EQ(e.details.dump().find(sha256_hex("secret-1")), std::string::npos);
  }
  EXPECT_TRUE(verify_audit_chain(*store_).value().ok());
}

}  // namespace
}  // namespace ojsync::testing
