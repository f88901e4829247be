#include "connectors/ojs/ojs_error.h"

#include <gtest/gtest.h>

#include <map>

#include "connectors/ojs/testing/captured_exchanges.h"

namespace ojsync {
namespace {

using testing::load_captured_exchanges;

const Timestamp kNow = parse_timestamp("2026-11-25T13:00:00Z").value();

HttpResponse response(int status, std::string body,
                      HttpHeaders headers = {{"Content-Type", "application/json"}}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

struct Expected {
  StatusCode code;
  bool absent = false;
  bool token_not_received = false;
};

// Every error answer the live OJS 3.3.0.22 gave, with the classification the connector owes it.
const std::map<std::string, Expected>& expectations() {
  using C = StatusCode;
  static const std::map<std::string, Expected> m = {
      {"003-publication-create-invalid", {C::kInvalidArgument}},
      {"010-publication-publish-invalid", {C::kInvalidArgument}},
      {"012-auth-no-token", {C::kUnauthenticated, false, true}},
      {"013-auth-bearer-garbage", {C::kUnauthenticated}},
      {"014-auth-jwt-wrong-secret", {C::kUnauthenticated}},
      {"015-auth-jwt-unknown-key", {C::kUnauthenticated, false, true}},
      {"017-auth-query-apitoken-garbage", {C::kUnauthenticated}},
      {"018-auth-bearer-lowercase", {C::kUnauthenticated, false, true}},
      {"019-auth-basic-header-shadows-query", {C::kUnauthenticated, false, true}},
      {"021-auth-key-disabled", {C::kUnauthenticated, false, true}},
      {"022-auth-key-disabled-explicit-0", {C::kUnauthenticated, false, true}},
      {"024-auth-no-token-post", {C::kUnauthenticated, false, true}},
      {"026-auth-author-role-others-forbidden", {C::kPermissionDenied}},
      {"027-auth-author-role-get-unassigned", {C::kPermissionDenied}},
      {"028-auth-author-role-post", {C::kPermissionDenied}},
      {"029-auth-author-role-users", {C::kPermissionDenied}},
      {"030-auth-unknown-context", {C::kNotFound}},
      {"031-site-wide-submissions", {C::kNotFound}},
      {"070-submission-get-unknown-id", {C::kNotFound, true}},
      {"071-submission-get-nonnumeric-id", {C::kNotFound, true}},
      {"072-submission-get-id-zero", {C::kNotFound, true}},
      {"075-publication-get-mismatch", {C::kFailedPrecondition}},
      {"076-publication-get-unknown", {C::kNotFound, true}},
      {"081-publication-edit-missing-primary-locale", {C::kInvalidArgument}},
      {"087-publication-edit-invalid", {C::kInvalidArgument}},
      {"088-publication-edit-invalid-single", {C::kInvalidArgument}},
      {"089-publication-edit-title-unsupported-locale", {C::kInvalidArgument}},
      {"093-publication-edit-submissionid-invalid", {C::kInvalidArgument}},
      {"094-publication-edit-status-forbidden", {C::kFailedPrecondition}},
      {"099-publication-edit-published", {C::kFailedPrecondition}},
      {"100-submission-edit-invalid", {C::kInvalidArgument}},
      {"102-submission-edit-unknown-id", {C::kNotFound, true}},
      {"103-submission-create-invalid", {C::kInvalidArgument}},
      {"113-users-get-unknown", {C::kNotFound, true}},
      {"116-trailing-slash-get", {C::kFailedPrecondition}},
      {"118-trailing-slash-post", {C::kUnimplemented}},
      {"119-unknown-endpoint-handler", {C::kUnimplemented}},
      {"120-unknown-endpoint-route", {C::kUnimplemented}},
      {"121-wrong-method-patch", {C::kUnimplemented}},
      {"122-wrong-method-delete-collection", {C::kUnimplemented}},
      {"123-wrong-method-post-item", {C::kUnimplemented}},
      {"124-unknown-api-version", {C::kUnimplemented}},
      {"125-options-preflight", {C::kUnimplemented}},
      {"132-submission-delete-then-get", {C::kNotFound, true}},
      {"133-submission-delete-again", {C::kNotFound, true}},
      {"134-submission-delete-author-role", {C::kPermissionDenied}},
  };
  return m;
}

TEST(OjsErrorTest, ClassifiesEveryCapturedAnswer) {
  const auto exchanges = load_captured_exchanges();
  ASSERT_EQ(exchanges.size(), 141u);
  int errors = 0;
  for (const auto& ex : exchanges) {
    SCOPED_TRACE(ex.name);
    const OjsError e = classify_ojs_response(ex.response, ex.method + " " + ex.path, kNow);
    if (ex.response.status < 300) {
      EXPECT_TRUE(e.status.ok()) << e.status.to_string();
      continue;
    }
    ++errors;
    auto it = expectations().find(ex.name);
    ASSERT_NE(it, expectations().end()) << "no expectation for a captured error answer";
    EXPECT_EQ(e.status.code(), it->second.code) << e.status.to_string();
    EXPECT_EQ(e.resource_absent, it->second.absent);
    EXPECT_EQ(e.token_not_received, it->second.token_not_received);
    EXPECT_FALSE(e.status.is_retryable());
  }
  EXPECT_EQ(errors, static_cast<int>(expectations().size()));
}

TEST(OjsErrorTest, FieldErrorsAreSpelledOutIncludingLocaleNestingAndPlainStrings) {
  const auto exchanges = load_captured_exchanges();
  for (const auto& ex : exchanges) {
    if (ex.name == "081-publication-edit-missing-primary-locale") {
      auto e = classify_ojs_response(ex.response, "PUT /x", kNow);
      EXPECT_NE(e.status.message().find("abstract.en_US: Please enter the abstract"),
                std::string::npos)
          << e.status.message();
    }
    if (ex.name == "010-publication-publish-invalid") {
      auto e = classify_ojs_response(ex.response, "PUT /x", kNow);
      EXPECT_NE(e.status.message().find("issueId: "), std::string::npos) << e.status.message();
    }
    if (ex.name == "013-auth-bearer-garbage") {
      auto e = classify_ojs_response(ex.response, "GET /submissions", kNow);
      EXPECT_NE(e.status.message().find("api.400.tokenCouldNotBeDecoded"), std::string::npos);
    }
  }
  auto e = classify_ojs_response(
      response(400, R"({"stageId":["The stageId property can not be modified."]})"),
      "PUT /submissions/1", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e.status.message(),
            "PUT /submissions/1: HTTP 400: stageId: The stageId property can not be modified.");
}

TEST(OjsErrorTest, RateLimitsAndOutagesAreRetryableWithRetryAfter) {
  auto e = classify_ojs_response(response(429, "slow down", {{"Retry-After", "30"}}),
                                 "GET /submissions", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(e.status.is_retryable());
  ASSERT_TRUE(e.retry_after.has_value());
  EXPECT_EQ(*e.retry_after, std::chrono::seconds(30));
  EXPECT_NE(e.status.message().find("retry after 30s"), std::string::npos);
  EXPECT_EQ(e.status.retry_after(), std::chrono::seconds(30));  // What the engine's backoff reads.

  e = classify_ojs_response(response(503, "", {{"Retry-After", "Wed, 25 Nov 2026 13:02:00 GMT"}}),
                            "GET /s", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(e.retry_after, std::chrono::seconds(120));
  EXPECT_EQ(e.status.retry_after(), std::chrono::seconds(120));

  EXPECT_EQ(classify_ojs_response(response(502, "<html>"), "GET /s", kNow).status.code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(classify_ojs_response(response(500, "{}"), "GET /s", kNow).status.code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(classify_ojs_response(response(504, ""), "GET /s", kNow).status.code(),
            StatusCode::kDeadlineExceeded);
  EXPECT_EQ(classify_ojs_response(response(408, ""), "GET /s", kNow).status.code(),
            StatusCode::kDeadlineExceeded);
  EXPECT_EQ(classify_ojs_response(response(409, ""), "GET /s", kNow).status.code(),
            StatusCode::kAborted);
  EXPECT_FALSE(classify_ojs_response(response(429, ""), "GET /s", kNow).retry_after.has_value());
}

TEST(OjsErrorTest, Version35ShapesCarryTranslatedTextOnly) {
  auto e = classify_ojs_response(
      response(401, R"({"error":"You are not authorized to access the requested resource."})"),
      "GET /submissions", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(e.token_not_received);
  EXPECT_EQ(e.key, "api.403.unauthorized");

  e = classify_ojs_response(
      response(
          400,
          R"({"error":"The API token could not be validated. This may indicate an error in the API token or that the API token is no longer valid."})"),
      "GET /submissions", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kUnauthenticated);

  e = classify_ojs_response(response(404, R"({"error":"The requested URL was not recognized."})"),
                            "GET /x", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kUnimplemented);
  EXPECT_FALSE(e.resource_absent);

  e = classify_ojs_response(
      response(
          404,
          R"({"error":"user.authorization.invalidSubmission","errorMessage":"Invalid submission."})"),
      "GET /submissions/9", kNow);
  EXPECT_TRUE(e.resource_absent);
  e = classify_ojs_response(response(404, R"({"error":"Invalid submission."})"),
                            "GET /submissions/9", kNow);
  EXPECT_TRUE(e.resource_absent);

  e = classify_ojs_response(
      response(
          403,
          R"({"error":"You can not record a decision or recommend a decision for this submission because it has already been published."})"),
      "POST /submissions/9/decisions", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kFailedPrecondition);
}

TEST(OjsErrorTest, A404ThatIsNotOjsNeverReadsAsADeletion) {
  auto e = classify_ojs_response(
      response(404,
               "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not "
               "Found</h1></center><hr><center>nginx</center></body></html>",
               {{"Content-Type", "text/html"}}),
      "GET /submissions/5", kNow);
  EXPECT_EQ(e.status.code(), StatusCode::kNotFound);
  EXPECT_FALSE(e.resource_absent);
  EXPECT_NE(e.status.message().find("check base_url"), std::string::npos);
}

}  // namespace
}  // namespace ojsync
