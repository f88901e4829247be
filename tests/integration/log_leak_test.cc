// No secret and no personal data in the logs or in error answers. A daemon at log level
// "debug" runs a full journal session: the import of an OJS journal with its people, agents'
// writes that add a person, a signed event, a conflict and its resolution, a dead letter, forged
// and stale events, wrong tokens, and requests that carry secrets and e-mails where they do not
// belong. Then every line the daemon wrote, every error answer and the CLI's listings are
// searched for each secret and each piece of personal data the run handled; none may appear.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "journal_fixture.h"
#include "service/webhook_verifier.h"

namespace ojsync::testing {
namespace {

using namespace std::chrono_literals;

// A person only the test knows, written by an agent and synced to OJS.
constexpr const char* kCanaryEmail = "canary.leaktest@private-person.example";
constexpr const char* kCanaryGiven = "Quillonia";
constexpr const char* kCanaryFamily = "Leakwatcher";
constexpr const char* kCanaryAffiliation = "Institute of Unlogged Secrets";
// Document bodies: titles written on either side.
constexpr const char* kCanaryTitleOjs = "Canary title edited in OJS 6b1f";
constexpr const char* kCanaryTitleAgent = "Canary title written by an agent 9d3c";
// A bearer token that is no token, and a webhook secret that is not ours.
constexpr const char* kForgedBearer = "ojs_FORGEDtokenCANARY0123456789abcdefABCDEF";
constexpr const char* kForeignSecret = "a-foreign-webhook-secret-CANARY-0123456789";

template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

class LogLeakTest : public JournalFixture {
 protected:
  // Everything the run must never reveal, each with what it is (for the failure message).
  void keep_secret(const std::string& what, const std::string& value) {
    if (value.size() >= 6) secrets_.emplace_back(what, value);
  }
  // An answer that refused something must not reveal anything either.
  void record_error_answer(const std::string& what, const Reply& r) {
    if (r.status >= 400) error_answers_ += "== " + what + "\n" + r.text + "\n";
  }
  Reply signed_event(const std::string& id, const std::string& body, const std::string& secret,
                     std::chrono::seconds age = 0s) {
    const auto signer = service::WebhookVerifier::create({secret}).value();
    const std::string ts =
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                           (std::chrono::system_clock::now() - age).time_since_epoch())
                           .count());
    const std::string signature = signer.sign(id, ts, body);
    keep_secret("a webhook signature", signature.substr(3));  // After "v1,".
    return client_.send(
        "POST", origin() + "/v1/events", body,
        {{"webhook-id", id}, {"webhook-timestamp", ts}, {"webhook-signature", signature}});
  }

  std::vector<std::pair<std::string, std::string>> secrets_;
  std::string error_answers_;
};

TEST_F(LogLeakTest, NoSecretOrPersonalDataInLogsOrErrorAnswers) {
  ASSERT_NO_FATAL_FAILURE(start_journal(12, {}, "conflict_resolution = \"manual\"\n"));
  {  // The most verbose level the daemon has.
    std::stringstream config;
    config << std::ifstream(config_).rdbuf();
    std::string text = config.str();
    const std::string warn = "log_level = \"warn\"";
    const auto at = text.find(warn);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, warn.size(), "log_level = \"debug\"");
    std::ofstream(config_) << text;
  }
  keep_secret("the OJS API token", ojs_token_);
  keep_secret("the webhook secret", kWebhookSecret);
  keep_secret("the admin API token", api_token_);
  keep_secret("a forged bearer token", kForgedBearer);
  keep_secret("a foreign webhook secret", kForeignSecret);
  for (const char* person : {kCanaryEmail, kCanaryGiven, kCanaryFamily, kCanaryAffiliation}) {
    keep_secret("personal data written by an agent", person);
  }
  keep_secret("a document body", kCanaryTitleOjs);
  keep_secret("a document body", kCanaryTitleAgent);
  // The journal's own people, as OJS lists them.
  const Reply users = ojs("GET", "/users?count=100");
  ASSERT_EQ(users.status, 200);
  for (const Json& user : users.body.find("items")->as_array()) {
    if (user.get_string("userName") == "admin") continue;  // "admin admin": a role, no person.
    keep_secret("an OJS user's e-mail", user.get_string("email"));
    keep_secret("an OJS user's name", user.get_string("fullName"));
  }

  const CommandResult agent_token =
      run_command(OJSYNC_BINARY, {"token", "create", "--config", config_, "--name", "leak-agent",
                                  "--role", "agent", "--types", "manuscript", "--json"});
  ASSERT_EQ(agent_token.exit_code, 0) << agent_token.out;
  const std::string agent_secret = Json::parse(agent_token.out)->get_string("token");
  keep_secret("an agent's API token", agent_secret);

  auto daemon = start_daemon("daemon");
  ASSERT_GT(daemon->port(), 0) << daemon->stderr_text();
  ASSERT_TRUE(eventually([&] {
    const Reply stats = api("GET", "/v1/stats");
    return stats.status == 200 && stats.body.get_int("total_syncs") >= 12 &&
           stats.body.get_int("queue_depth") == 0;
  })) << api("GET", "/v1/stats").text;
  HttpHeaders as_agent{{"Authorization", "Bearer " + agent_secret}};

  // An agent adds a person to a manuscript; its write reaches OJS (auto-sync).
  const std::string added = unpublished_.at(0);
  {
    const Reply current = api(client_, "GET", "/v1/entities/manuscript/" + added);
    ASSERT_EQ(current.status, 200);
    Json doc = current.body;
    Json author = Json::object();
    author["email"] = kCanaryEmail;
    author["givenName"]["en"] = kCanaryGiven;
    author["familyName"]["en"] = kCanaryFamily;
    author["affiliation"]["en"] = kCanaryAffiliation;
    author["seq"] = 9;
    doc["authors"].as_array().push_back(author);
    HttpHeaders h = as_agent;
    h.emplace_back("If-Match", current.etag);
    const Reply put =
        client_.send("PUT", origin() + "/v1/entities/manuscript/" + added, doc.dump(), h);
    ASSERT_EQ(put.status, 200) << put.text;
  }
  // An editor changes a title in OJS and OJS announces it.
  const std::string announced = unpublished_.at(1);
  {
    Json body = Json::object();
    body["title"]["en_US"] = kCanaryTitleOjs;
    ASSERT_EQ(
        ojs("PUT", "/submissions/" + announced + "/publications/" + publication_of_.at(announced),
            body.dump())
            .status,
        200);
    const Reply r = signed_event(
        "evt_leak_1", R"({"event":"publication_edited","submission_id":)" + announced + "}",
        kWebhookSecret);
    ASSERT_EQ(r.status, 202) << r.text;
  }
  // Both sides edit the same title: a conflict, listed, then resolved by an editor.
  const std::string disputed = unpublished_.at(2);
  {
    ASSERT_EQ(api(client_, "PUT", "/v1/agents/leak-agent/auto-sync", R"({"enabled":false})").status,
              200);
    Json body = Json::object();
    body["title"]["en_US"] = std::string(kCanaryTitleOjs) + " (disputed)";
    ASSERT_EQ(
        ojs("PUT", "/submissions/" + disputed + "/publications/" + publication_of_.at(disputed),
            body.dump())
            .status,
        200);
    const Reply current = api(client_, "GET", "/v1/entities/manuscript/" + disputed);
    Json doc = current.body;
    doc["title"]["en"] = kCanaryTitleAgent;
    HttpHeaders h = as_agent;
    h.emplace_back("If-Match", current.etag);
    ASSERT_EQ(
        client_.send("PUT", origin() + "/v1/entities/manuscript/" + disputed, doc.dump(), h).status,
        200);
    const Reply synced = api(client_, "POST", "/v1/sync/manuscript/" + disputed);
    ASSERT_EQ(synced.body.get_string("outcome"), "conflict") << synced.text;
    const std::int64_t conflict = synced.body.get_int("conflict_id");
    const Reply resolved =
        api(client_, "POST", "/v1/conflicts/" + std::to_string(conflict) + "/resolve",
            R"({"resolution":{"take":"agents"},"resolved_by":"editor:leak"})");
    ASSERT_EQ(resolved.status, 200) << resolved.text;
  }

  // What an attacker or a misconfigured client sends: each refused, each answer kept.
  const std::string event = R"({"event":"submission_updated","submission_id":)" + added + "}";
  record_error_answer("forged event", signed_event("evt_leak_forged", event, kForeignSecret));
  record_error_answer("stale event", signed_event("evt_leak_stale", event, kWebhookSecret, 1h));
  record_error_answer(
      "event naming a person",
      signed_event("evt_leak_person",
                   std::string(R"({"event":")") + kCanaryEmail + R"(","submission_id":1})",
                   kWebhookSecret));
  record_error_answer(
      "event with a person as id",
      signed_event(
          "evt_leak_id",
          std::string(R"({"event":"submission_updated","submission_id":")") + kCanaryEmail + "\"}",
          kWebhookSecret));
  record_error_answer("wrong token",
                      client_.send("GET", origin() + "/v1/stats", "",
                                   {{"Authorization", std::string("Bearer ") + kForgedBearer}}));
  record_error_answer("webhook secret as a token",
                      client_.send("GET", origin() + "/v1/stats", "",
                                   {{"Authorization", std::string("Bearer ") + kWebhookSecret}}));
  record_error_answer("an e-mail as an id",
                      api(client_, "GET", std::string("/v1/entities/manuscript/") + kCanaryEmail));
  record_error_answer("an e-mail as an agent",
                      client_.send("PUT", origin() + "/v1/entities/manuscript/" + added, "{}",
                                   {{"Authorization", "Bearer " + api_token_},
                                    {"X-Agent", kCanaryEmail},
                                    {"If-Match", "*"}}));
  record_error_answer("a document that is not JSON",
                      client_.send("PUT", origin() + "/v1/entities/manuscript/" + added,
                                   std::string("{\"title\": \"") + kCanaryTitleAgent,
                                   {{"Authorization", "Bearer " + api_token_},
                                    {"X-Agent", "leak-agent"},
                                    {"If-Match", "*"}}));
  record_error_answer(
      "a stale write carrying a person",
      client_.send("PUT", origin() + "/v1/entities/manuscript/" + added,
                   std::string("{\"authors\":[{\"email\":\"") + kCanaryEmail + "\"}]}",
                   {{"Authorization", "Bearer " + api_token_},
                    {"X-Agent", "leak-agent"},
                    {"If-Match", "\"0000\""}}));
  record_error_answer(
      "a conflict that does not exist",
      api(client_, "POST", "/v1/conflicts/999999/resolve",
          std::string(R"({"resolution":{"title":{"en":")") + kCanaryTitleAgent + "\"}}}"));

  // Every queued sync ran before the logs are read.
  ASSERT_TRUE(eventually([&] { return api("GET", "/v1/stats").body.get_int("queue_depth") == 0; }));
  const CommandResult listed = run_command(OJSYNC_BINARY, {"token", "list", "--config", config_});
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  ASSERT_EQ(daemon->terminate(std::chrono::seconds(10)), 0);

  const std::string logs = daemon->stderr_text();
  ASSERT_GT(logs.size(), 1000u) << "the daemon logged (almost) nothing: the search proves nothing";
  ASSERT_NE(logs.find("\"level\":\"debug\""), std::string::npos) << "not at debug level";
  const std::vector<std::pair<std::string, std::string>> outputs = {
      {"the daemon's log", logs},
      {"the error answers", error_answers_},
      {"`ojsync token list`", listed.out},
  };
  for (const auto& [where, text] : outputs) {
    for (const auto& [what, value] : secrets_) {
      const auto at = text.find(value);
      EXPECT_EQ(at, std::string::npos) << what << " appears in " << where << ": ..."
                                       << text.substr(at < 120 ? 0 : at - 120, 240) << "...";
    }
  }
  RecordProperty("log_bytes_searched", std::to_string(logs.size()));
  RecordProperty("values_searched", std::to_string(secrets_.size()));
}

}  // namespace
}  // namespace ojsync::testing
