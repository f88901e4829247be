#include "service/webhook_verifier.h"

#include <gtest/gtest.h>

namespace ojsync::service {
namespace {

const Timestamp kNow{std::chrono::seconds(1'674'087'231)};

// The Standard Webhooks reference vector (standard-webhooks spec, "Verifying webhooks").
TEST(WebhookVerifierTest, MatchesTheStandardWebhooksTestVector) {
  auto v = WebhookVerifier::create({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"});
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  const std::string body = R"({"test": 2432232314})";
  const WebhookHeaders h{"msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                         "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="};
  EXPECT_EQ(v->sign(h.id, h.timestamp, body), h.signature);
  EXPECT_TRUE(v->verify(h, body, Timestamp(std::chrono::seconds(1614265330))).ok());
}

class VerifierFixture : public ::testing::Test {
 protected:
  WebhookVerifier make(std::vector<std::string> secrets) {
    auto v = WebhookVerifier::create(secrets);
    EXPECT_TRUE(v.ok());
    return std::move(v).value();
  }
  const std::string old_secret_ = "an-old-secret-of-sufficient-length";
  const std::string new_secret_ = "a-new-secret-of-sufficient-length!";
  const std::string body_ = R"({"event":"submission_updated","submission_id":42})";
  const std::string ts_ = "1674087231";
};

TEST_F(VerifierFixture, AcceptsEitherActiveSecretDuringRotation) {
  auto signer_old = make({old_secret_});
  auto signer_new = make({new_secret_});
  auto verifier = make({new_secret_, old_secret_});
  for (auto* signer : {&signer_old, &signer_new}) {
    WebhookHeaders h{"evt_1", ts_, ""};
    std::string sig = signer->sign(h.id, h.timestamp, body_);
    h.signature = sig;
    EXPECT_TRUE(verifier.verify(h, body_, kNow).ok());
  }
}

TEST_F(VerifierFixture, RejectsEveryTamperingAndStaleness) {
  auto verifier = make({new_secret_});
  const std::string sig = verifier.sign("evt_1", ts_, body_);
  auto check = [&](WebhookHeaders h, std::string_view body, Timestamp now) {
    Status s = verifier.verify(h, body, now);
    EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(s.message().find(new_secret_), std::string::npos);
    return s.message();
  };
  EXPECT_TRUE(verifier.verify({"evt_1", ts_, sig}, body_, kNow).ok());
  check({"evt_1", ts_, sig}, body_ + " ", kNow);                 // body changed
  check({"evt_2", ts_, sig}, body_, kNow);                       // id changed
  check({"evt_1", "1674087232", sig}, body_, kNow);              // timestamp changed
  check({"evt_1", ts_, "v1,AAAA"}, body_, kNow);                 // wrong signature
  check({"evt_1", ts_, "v2," + sig.substr(3)}, body_, kNow);     // unknown version
  check({"", ts_, sig}, body_, kNow);                            // missing id
  check({"evt_1", "soon", sig}, body_, kNow);                    // not a number
  EXPECT_NE(check({"evt_1", ts_, sig}, body_, kNow + std::chrono::minutes(6)).find("tolerance"),
            std::string::npos);                                   // stale
  check({"evt_1", ts_, sig}, body_, kNow - std::chrono::minutes(6));  // from the future
  auto other = make({old_secret_});
  EXPECT_FALSE(other.verify({"evt_1", ts_, sig}, body_, kNow).ok());  // unknown secret
  // Several signatures: one valid is enough.
  EXPECT_TRUE(verifier.verify({"evt_1", ts_, "v1,bogus " + sig}, body_, kNow).ok());
}

TEST(WebhookVerifierCreateTest, RejectsWeakOrTooManySecrets) {
  EXPECT_FALSE(WebhookVerifier::create({}).ok());
  EXPECT_FALSE(WebhookVerifier::create({"short"}).ok());
  EXPECT_FALSE(WebhookVerifier::create({"whsec_!!!!"}).ok());
  EXPECT_FALSE(WebhookVerifier::create({std::string(30, 'a'), std::string(30, 'b'), std::string(30, 'c')}).ok());
  EXPECT_EQ(WebhookVerifier::create({"short"}).status().message().find("short"), std::string::npos);
}

}  // namespace
}  // namespace ojsync::service
