// Authentication and routing differences between 3.3/3.4 (403 with key + errorMessage, HTML 404)
// and 3.5 (401/400 with translated text, JSON 404), from NOTES.md §2.4 and §1.4.
#include <gtest/gtest.h>

#include "jwt.h"
#include "running_emulator.h"

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

json::value body(const ClientResponse& r) { return json::parse(r.body); }

TEST(VersionAuth, V34KeepsThe33Shapes) {
  RunningEmulator e("3.4", {"--submissions", "5"});
  const auto none = e.client.get(e.api("/submissions"));
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(body(none).at("error"), "api.403.unauthorized");
  const auto garbage = e.client.request("GET", e.api("/submissions"), {{"Authorization", "Bearer garbage"}});
  EXPECT_EQ(garbage.status, 403);
  EXPECT_EQ(body(garbage).at("errorMessage"),
            "The apiToken could not be decoded because of the following error: Wrong number of segments");
  EXPECT_EQ(e.get("/submissions/99999").status, 404);
  EXPECT_EQ(*e.get("/submissions/99999").header("Content-Type"), "text/html; charset=UTF-8");
  // 3.4 routes only match numeric ids.
  const auto abc = e.get("/submissions/abc");
  EXPECT_EQ(abc.status, 403);
  EXPECT_EQ(body(abc).at("error"), "api.404.endpointNotFound");
  EXPECT_EQ(body(e.get("/nosuch")).at("error"), "api.404.endpointNotFound");
}

TEST(VersionAuth, V35Uses401And400WithTranslatedText) {
  RunningEmulator e("3.5", {"--submissions", "5"});
  const auto none = e.client.get(e.api("/submissions"));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(body(none), (json::object{{"error", "You are not authorized to access the requested resource."}}));
  const auto garbage = e.client.request("GET", e.api("/submissions"), {{"Authorization", "Bearer garbage"}});
  EXPECT_EQ(garbage.status, 400);
  const std::string wrong = jwt_encode_hs256(json::array{"somekey"}, "not-the-secret");
  const auto bad_signature = e.client.request("GET", e.api("/submissions"), {{"Authorization", "Bearer " + wrong}});
  EXPECT_EQ(bad_signature.status, 400);
  EXPECT_EQ(body(bad_signature).at("error"), "The API token could not be validated. This may indicate an error in "
                                             "the API token or that the API token is no longer valid.");
  const auto unknown = e.get("/submissions/99999");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(body(unknown), (json::object{{"error", "user.authorization.invalidSubmission"}, {"errorMessage", "Invalid submission."}}));
  EXPECT_EQ(e.get("/submissions/abc").status, 404);
  EXPECT_EQ(e.client.request("POST", e.api("/submissions"), {{"Content-Type", "application/json"}}, "{}").status, 403);
}

TEST(VersionAuth, V35AcceptsLegacyStringPayloadsWithoutCheckingTheSignature) {
  // PKPJwt re-signs string payloads with the server secret (NOTES.md §2.1 quirk).
  RunningEmulator e("3.5", {"--submissions", "3", "--admin-api-key", "legacy-admin-key"});
  const std::string forged = jwt_encode_hs256(json::string("legacy-admin-key"), "any-other-secret");
  EXPECT_EQ(e.client.request("GET", e.api("/submissions"), {{"Authorization", "Bearer " + forged}}).status, 200);
  // 3.3 verifies it.
  RunningEmulator old("3.3", {"--submissions", "3", "--admin-api-key", "legacy-admin-key"});
  EXPECT_EQ(old.client.request("GET", old.api("/submissions"), {{"Authorization", "Bearer " + forged}}).status, 403);
}

TEST(VersionAuth, TokenTransportRules) {
  RunningEmulator e("3.3", {"--submissions", "3"});
  const std::string token = e.token();
  const auto lower = e.client.request("GET", e.api("/submissions"), {{"Authorization", "bearer " + token}});
  EXPECT_EQ(lower.status, 403);
  const auto multi = e.client.request("GET", e.api("/submissions"), {{"Authorization", "Basic eDp5, Bearer " + token}});
  EXPECT_EQ(multi.status, 200);
  EXPECT_EQ(e.client.get(e.api("/submissions?apiToken=" + token)).status, 200);
  const auto shadowed = e.client.request("GET", e.api("/submissions?apiToken=" + token), {{"Authorization", "Basic eDp5"}});
  EXPECT_EQ(shadowed.status, 403);
  // Without the api_key_secret no token works.
  RunningEmulator no_secret("3.3", {"--submissions", "3", "--api-key-secret", ""});
  const auto r = no_secret.client.request("GET", no_secret.api("/submissions"), {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body(r).at("error"), "api.500.apiSecretKeyMissing");
}

TEST(VersionAuth, RolesOfSeededUsers) {
  RunningEmulator e("3.3", {"--submissions", "40"});
  // The author only sees the submissions they are assigned to, and may not ask for others.
  const json::value mine = e.json("/submissions?count=100", "author");
  for (const auto& item : mine.at("items").as_array()) {
    EXPECT_EQ(item.at("urlWorkflow").as_string().find("authorDashboard") != json::string::npos, true);
  }
  EXPECT_EQ(e.get("/submissions?assignedTo=1", "author").status, 403);
  EXPECT_EQ(e.get("/users", "author").status, 403);
  EXPECT_EQ(e.send("POST", "/submissions", "{}", "author").status, 403);
  // A reviewer sees the submissions they review (and nothing else), but not the user list.
  const json::value reviewing = e.json("/submissions?count=100", "reviewer1");
  EXPECT_GT(reviewing.at("itemsMax").as_int64(), 0);
  for (const auto& item : reviewing.at("items").as_array()) {
    EXPECT_EQ(e.get("/submissions/" + std::to_string(item.at("id").as_int64()), "reviewer1").status, 200);
  }
  EXPECT_EQ(e.get("/users", "reviewer1").status, 403);
  // The section editor lists only assigned submissions; the manager lists all 40.
  EXPECT_LT(e.json("/submissions?count=100", "editor").at("itemsMax").as_int64(), 40);
  EXPECT_EQ(e.json("/submissions?count=100").at("itemsMax").as_int64(), 40);
}

}  // namespace
}  // namespace ojsemu::testing
