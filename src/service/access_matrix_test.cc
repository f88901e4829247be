// The role matrix: every route the router serves × every role × no token × a wrong token × a
// revoked token. Each case asserts the status code, and where access is refused, that nothing
// was written (the store, the agents' side, OJS and the settings are compared before and
// after). The cases are generated from the router's own route table, so a new route with no
// row in kMatrix below fails until someone decides who may call it.
#include <gtest/gtest.h>

#include <set>

#include "service/testing/api_fixture.h"

namespace ojsync::service {
namespace {

using testing::doc;

enum class Credential : std::uint8_t {
  kAdmin,
  kEditor,
  kAgent,
  kViewer,
  kOjsEvents,
  kNone,
  kWrong,
  kRevoked
};
constexpr Credential kCredentials[] = {
    Credential::kAdmin,     Credential::kEditor, Credential::kAgent, Credential::kViewer,
    Credential::kOjsEvents, Credential::kNone,   Credential::kWrong, Credential::kRevoked};

// The first five are the roles, in Role's order, so a credential converts to its role.
static_assert(static_cast<int>(Credential::kOjsEvents) == static_cast<int>(Role::kOjsEvents));

std::string credential_name(Credential c) {
  switch (c) {
    case Credential::kNone:
      return "no_token";
    case Credential::kWrong:
      return "wrong_token";
    case Credential::kRevoked:
      return "revoked_token";
    default: {
      std::string name(role_name(static_cast<Role>(c)));
      for (char& ch : name) ch = ch == '-' ? '_' : ch;
      return name;
    }
  }
}

// Who may call each route, stated independently of the router (docs/operations.md has the same
// table), and what a permitted call answers in the prepared world.
enum class Gate : std::uint8_t { kOpen, kToken, kSignedEvent };
struct Expected {
  Gate gate;
  std::set<Role> roles;
  int success;
};
const Role A = Role::kAdmin, E = Role::kEditor, G = Role::kAgent, V = Role::kViewer,
           O = Role::kOjsEvents;
const std::map<std::pair<std::string, std::string>, Expected> kMatrix = {
    {{"GET", "/healthz"}, {Gate::kOpen, {}, 200}},
    {{"GET", "/readyz"}, {Gate::kOpen, {}, 200}},
    {{"GET", "/metrics"}, {Gate::kToken, {A, E, V}, 200}},
    {{"GET", "/v1/stats"}, {Gate::kToken, {A, E, V}, 200}},
    {{"POST", "/v1/sync/batch"}, {Gate::kToken, {A, E}, 200}},
    {{"POST", "/v1/sync/{type}/{id}"}, {Gate::kToken, {A, E}, 200}},
    {{"GET", "/v1/sync/{type}/{id}"}, {Gate::kToken, {A, E, V}, 200}},
    {{"GET", "/v1/conflicts"}, {Gate::kToken, {A, E}, 200}},
    {{"GET", "/v1/conflicts/{id}"}, {Gate::kToken, {A, E}, 200}},
    {{"POST", "/v1/conflicts/{id}/resolve"}, {Gate::kToken, {A, E}, 200}},
    {{"GET", "/v1/dlq"}, {Gate::kToken, {A, E}, 200}},
    {{"POST", "/v1/dlq/{id}/replay"}, {Gate::kToken, {A, E}, 200}},
    {{"POST", "/v1/events"}, {Gate::kSignedEvent, {A, O}, 202}},
    {{"GET", "/v1/entities/{type}/{id}"}, {Gate::kToken, {A, E, G}, 200}},
    {{"PUT", "/v1/entities/{type}/{id}"}, {Gate::kToken, {A, G}, 200}},
    {{"DELETE", "/v1/entities/{type}/{id}"}, {Gate::kToken, {A, G}, 200}},
    {{"GET", "/v1/agents/{agent}/auto-sync"}, {Gate::kToken, {A, E, G}, 200}},
    {{"PUT", "/v1/agents/{agent}/auto-sync"}, {Gate::kToken, {A, G}, 200}},
};

struct Case {
  std::string method;
  std::string pattern;
  Credential credential;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.method << " " << c.pattern << " with " << credential_name(c.credential);
}

std::vector<Case> all_cases() {
  const ApiContext context;
  const ApiRouter router(&context);
  std::vector<Case> cases;
  for (const auto& [method, pattern] : router.routes()) {
    for (Credential c : kCredentials) cases.push_back({method, pattern, c});
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name =
      info.param.method + info.param.pattern + "_" + credential_name(info.param.credential);
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return name;
}

class AccessMatrixTest : public testing::ApiFixture, public ::testing::WithParamInterface<Case> {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    revoked_ = make_token("the-revoked", Role::kAdmin);
    ASSERT_TRUE(store_->revoke_token("the-revoked", clock_.now(), "test").ok());
    wrong_ = "Bearer " + mint_token().value().secret;  // Well-formed, never stored.

    ASSERT_NO_FATAL_FAILURE(prepare_world());
  }

  std::optional<std::string> authorization(Credential c) {
    switch (c) {
      case Credential::kNone:
        return std::nullopt;
      case Credential::kWrong:
        return wrong_;
      case Credential::kRevoked:
        return revoked_;
      default:
        return bearer_[static_cast<Role>(c)];
    }
  }

  // The route with its parameters filled in for the prepared world, and what it sends.
  HttpResponse send(const Case& c) {
    std::string path = c.pattern;
    auto fill = [&](std::string_view name, const std::string& value) {
      if (auto at = path.find(name); at != std::string::npos) path.replace(at, name.size(), value);
    };
    const bool conflicts = c.pattern.starts_with("/v1/conflicts");
    const bool dlq = c.pattern.starts_with("/v1/dlq");
    fill("{type}", "manuscript");
    fill("{id}", conflicts ? std::to_string(conflict_id_)
                 : dlq     ? std::to_string(dead_job_id_)
                           : "42");
    fill("{agent}", "bot");
    std::string body;
    std::map<std::string, std::string> headers;
    if (c.pattern == "/v1/sync/batch") body = R"({"type":"manuscript","ids":["42"]})";
    if (c.pattern.ends_with("/resolve")) body = R"({"resolution":{"take":"ojs"}})";
    if (c.pattern.ends_with("/auto-sync")) body = R"({"enabled":false})";
    if (c.pattern.starts_with("/v1/entities/")) {
      headers = {{"x-agent", "bot"}, {"if-match", "*"}};
      if (c.method == "PUT") body = doc("Written through the API").dump();
    }
    if (c.pattern == "/v1/events") {
      body = R"({"event":"submission_updated","submission_id":42})";
      headers = signed_headers("evt_matrix", body);
    }
    return call_as(authorization(c.credential), c.method, path, body, headers);
  }

  std::string revoked_;
  std::string wrong_;
};

TEST_P(AccessMatrixTest, StatusAndNothingWrittenWhenRefused) {
  const Case& c = GetParam();
  const auto row = kMatrix.find({c.method, c.pattern});
  ASSERT_NE(row, kMatrix.end()) << c.method << " " << c.pattern
                                << " has no policy in the matrix: decide who may call it";
  const Expected& want = row->second;

  int refused = 0;  // 0 = let through.
  const bool has_role = c.credential < Credential::kNone;
  const Role role = static_cast<Role>(c.credential);
  switch (want.gate) {
    case Gate::kOpen:
      break;
    case Gate::kToken:
      refused = !has_role ? 401 : want.roles.contains(role) ? 0 : 403;
      break;
    case Gate::kSignedEvent:  // The signature suffices; a token sent must be good.
      refused = c.credential == Credential::kNone ? 0
                : !has_role                       ? 401
                : want.roles.contains(role)       ? 0
                                                  : 403;
      break;
  }

  const std::string before = world_fingerprint();
  const HttpResponse r = send(c);
  if (refused == 0) {
    EXPECT_EQ(r.status, want.success) << r.body;
    return;
  }
  expect_error(r, refused, refused == 401 ? "unauthenticated" : "permission_denied");
  if (refused == 401) {
    EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer");
  }
  EXPECT_EQ(world_fingerprint(), before) << "a refused request wrote something";
  if (c.pattern == "/v1/events") {
    // Not remembered either: the same delivery, posted as OJS posts it, is accepted.
    EXPECT_EQ(send({c.method, c.pattern, Credential::kNone}).status, 202);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryRoute, AccessMatrixTest, ::testing::ValuesIn(all_cases()), case_name);

// Beyond the role: what an agent token's grant covers.
class AgentGrantTest : public testing::ApiFixture {};

TEST_F(AgentGrantTest, AnAgentReachesOnlyItsTypesAndItsOwnSwitch) {
  const std::string bot = bearer_[Role::kAgent];  // "bot", granted manuscripts only.
  ASSERT_TRUE(agents_->put("reviewer", "r1", doc("A reviewer"), "").ok());
  const std::string before = store_->audit_head().value().last_hash;
  expect_error(call_as(bot, "GET", "/v1/entities/reviewer/r1"), 403, "permission_denied");
  expect_error(call_as(bot, "PUT", "/v1/entities/reviewer/r2", doc("X").dump()), 403,
               "permission_denied");
  expect_error(call_as(bot, "PUT", "/v1/agents/other_bot/auto-sync", R"({"enabled":false})"), 403,
               "permission_denied");
  expect_error(call_as(bot, "GET", "/v1/agents/other_bot/auto-sync"), 403, "permission_denied");
  // It writes as itself: another agent's name is refused, no name means its own.
  expect_error(call_as(bot, "PUT", "/v1/entities/manuscript/m1", doc("X").dump(),
                       {{"x-agent", "other_bot"}}),
               403, "permission_denied");
  EXPECT_FALSE(agents_->get("reviewer", "r2").value().has_value());
  EXPECT_FALSE(agents_->get("manuscript", "m1").value().has_value());
  EXPECT_TRUE(settings_->auto_sync("other_bot").value());
  EXPECT_EQ(store_->audit_head().value().last_hash, before);

  ASSERT_EQ(call_as(bot, "PUT", "/v1/entities/manuscript/m1", doc("Mine").dump()).status, 201);
  const AuditEntry written = store_->list_audit({"manuscript", "m1"}, 1).value().front();
  EXPECT_EQ(written.actor, "agent:bot");
  EXPECT_EQ(written.details.get_string("token"), "token:bot");
  ASSERT_EQ(call_as(bot, "PUT", "/v1/agents/bot/auto-sync", R"({"enabled":false})").status, 200);
  const AuditEntry switched = store_->list_audit({"agent", "bot"}, 1).value().front();
  EXPECT_EQ(switched.action, "auto_sync_set");
  EXPECT_EQ(switched.actor, "token:bot");
}

TEST_F(AgentGrantTest, EventsCanBeMadeToNeedAToken) {
  ctx_.events_require_token = true;
  const std::string body = R"({"event":"submission_updated","submission_id":42})";
  expect_error(deliver("evt_1", body), 401, "unauthenticated");
  EXPECT_TRUE(jobs(std::nullopt).empty());
  EXPECT_EQ(
      call_as(bearer_[Role::kOjsEvents], "POST", "/v1/events", body, signed_headers("evt_1", body))
          .status,
      202);
  // The token never replaces the signature.
  expect_error(call_as(bearer_[Role::kOjsEvents], "POST", "/v1/events", body,
                       signed_headers("evt_2", body, "another-secret-that-is-long-enough")),
               401, "unauthenticated");
}

TEST_F(AgentGrantTest, MalformedAuthorizationHeadersAre401) {
  for (const std::string& bad : std::vector<std::string>{
           "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "ojs_abc", bearer_[Role::kAdmin] + "x"}) {
    expect_error(call_as(bad, "GET", "/v1/stats"), 401, "unauthenticated");
  }
  // The scheme is case-insensitive.
  std::string lower = bearer_[Role::kViewer];
  lower.replace(0, 6, "bearer");
  EXPECT_EQ(call_as(lower, "GET", "/v1/stats").status, 200);
}

TEST_F(AgentGrantTest, UseIsRecordedAtMostOncePerInterval) {
  auto used = [&] {
    const std::vector<ApiToken> tokens = store_->list_tokens().value();
    for (const ApiToken& t : tokens) {
      if (t.name == "the-viewer") return t.last_used_at;
    }
    return std::optional<Timestamp>();
  };
  EXPECT_FALSE(used().has_value());
  ASSERT_EQ(call_as(bearer_[Role::kViewer], "GET", "/v1/stats").status, 200);
  EXPECT_EQ(used(), clock_.now());
  const Timestamp first = clock_.now();
  clock_.advance(std::chrono::seconds(30));
  ASSERT_EQ(call_as(bearer_[Role::kViewer], "GET", "/v1/stats").status, 200);
  EXPECT_EQ(used(), first);
  clock_.advance(std::chrono::seconds(31));
  ASSERT_EQ(call_as(bearer_[Role::kViewer], "GET", "/v1/stats").status, 200);
  EXPECT_EQ(used(), clock_.now());
}

}  // namespace
}  // namespace ojsync::service
