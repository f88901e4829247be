#include "jwt.h"

#include <gtest/gtest.h>

namespace ojsemu {
namespace {

using Outcome = JwtDecoded::Outcome;

TEST(Jwt, WrongSecretTokenFromCapturedExchange014) {
  // Literal token of spec/ojs-api/3.3/captured/014: payload "000…0", secret
  // "not-the-right-secret". OJS rejects it with a signature error under its own secret.
  const std::string token =
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.IjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM"
      "DAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAi.m4Nw6kmU6MhI1QZo2ARlmvQsqxEFo408cCLcEQWzPk0";
  const auto ok = jwt_decode_hs256(token, "not-the-right-secret", 0);
  ASSERT_EQ(ok.outcome, Outcome::kOk) << ok.error;
  EXPECT_EQ(ok.payload, boost::json::value(std::string(64, '0')));
  const auto bad = jwt_decode_hs256(token, "server-secret", 0);
  EXPECT_EQ(bad.outcome, Outcome::kBadSignature);
  EXPECT_EQ(bad.error, "Signature verification failed");
}

TEST(Jwt, EncodeMatchesPhpJwtLayout) {
  const std::string token = jwt_encode_hs256(boost::json::value(std::string(64, '0')), "not-the-right-secret");
  EXPECT_EQ(token,
            "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.IjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM"
            "DAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAi.m4Nw6kmU6MhI1QZo2ARlmvQsqxEFo408cCLcEQWzPk0");
}

TEST(Jwt, MalformedTokensCarryPhpJwtMessages) {
  EXPECT_EQ(jwt_decode_hs256("garbage", "s", 0).error, "Wrong number of segments");
  EXPECT_EQ(jwt_decode_hs256("a.b", "s", 0).error, "Wrong number of segments");
  EXPECT_EQ(jwt_decode_hs256("a.b.c", "s", 0).error, "Syntax error, malformed JSON");
  const std::string none_header = base64url_encode(R"({"alg":"none"})") + "." + base64url_encode("\"k\"") + ".x";
  EXPECT_EQ(jwt_decode_hs256(none_header, "s", 0).error, "Algorithm not supported");
  const std::string hs512 = base64url_encode(R"({"alg":"HS512"})") + "." + base64url_encode("\"k\"") + ".x";
  EXPECT_EQ(jwt_decode_hs256(hs512, "s", 0).error, "Algorithm not allowed");
  const std::string null_header = base64url_encode("null") + "." + base64url_encode("\"k\"") + ".x";
  EXPECT_EQ(jwt_decode_hs256(null_header, "s", 0).error, "Invalid header encoding");
}

TEST(Jwt, ExpiredObjectPayload) {
  const std::string token = jwt_encode_hs256(boost::json::object{{"exp", 10}}, "s");
  EXPECT_EQ(jwt_decode_hs256(token, "s", 5).outcome, Outcome::kOk);
  EXPECT_EQ(jwt_decode_hs256(token, "s", 10).error, "Expired token");
}

TEST(Jwt, PeekPayloadIgnoresSignature) {
  const std::string token = jwt_encode_hs256(boost::json::array{"abc"}, "other");
  const auto d = jwt_peek_payload(token);
  ASSERT_EQ(d.outcome, Outcome::kOk);
  EXPECT_EQ(d.payload, (boost::json::array{"abc"}));
}

}  // namespace
}  // namespace ojsemu
