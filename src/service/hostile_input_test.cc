// Hostile input on every route the router serves: ids that look like SQL or paths, invalid
// UTF-8, NUL bytes, huge numbers, deep JSON, malformed bodies, hostile query values and headers.
// The caller holds the admin token (events are signed), so what is tested is the input, not the
// access: each case must be refused with a 4xx other than 401/403, in the error shape, without
// echoing the input back, and must write nothing (ApiFixture::world_fingerprint before and
// after). The cases are generated from the route table, so a new route is covered at once.
// Oversized bodies and malformed request lines are the HTTP server's (tests/integration).
#include <gtest/gtest.h>

#include <functional>

#include "service/testing/api_fixture.h"

namespace ojsync::service {
namespace {

using testing::doc;

// Values no id, type or agent name may take (the rule is is_valid_identifier's).
const std::vector<std::pair<std::string, std::string>> kHostileIds = {
    {"sql_quote", "1' OR '1'='1"},
    {"sql_statement", "1; DROP TABLE sync_state; --"},
    {"dot_dot", ".."},
    {"leading_dot", ".env"},
    {"path_backslash", "..\\..\\windows"},
    {"percent_encoded_path", "%2e%2e%2f"},
    {"nul_byte", std::string("42\0x", 4)},
    {"invalid_utf8", "\xC3\x28"},
    {"utf8_surrogate", "\xED\xA0\x80"},
    {"overlong_utf8_slash", "\xC0\xAF"},
    {"space", " 42"},
    {"newline", "42\r\nX-Injected: 1"},
    {"too_long", std::string(10'000, '4')},
    {"negative", "-1"},
};

// Further values a conflict or job id (a positive 64-bit integer) may not take.
const std::vector<std::pair<std::string, std::string>> kHostileNumericIds = {
    {"huge_number", "99999999999999999999999999999"},
    {"exponent", "1e999"},
    {"zero", "0"},
    {"sql_comment", "42--"},
};

// Bodies any JSON route must refuse, whatever it expects.
std::vector<std::pair<std::string, std::string>> hostile_bodies() {
  return {
      {"deep_array", std::string(100'000, '[') + std::string(100'000, ']')},
      {"deep_object", [] {
         std::string s;
         for (int i = 0; i < 10'000; ++i) s += "{\"a\":";
         return s + "1" + std::string(10'000, '}');
       }()},
      {"invalid_utf8_string", "{\"x\":\"\xFF\xFE\"}"},
      {"truncated", "{\"type\":\"manuscript\","},
      {"not_an_object", "[1,2,3]"},
      {"nul_in_text", std::string("{\"x\":1}\0garbage", 15)},
      {"number_overflow", "{\"x\":1e999}"},
      {"trailing_garbage", "{} {}"},
  };
}

// Well-formed JSON whose values are hostile for the route that reads them.
std::vector<std::pair<std::string, std::string>> hostile_fields(const std::string& pattern,
                                                                const std::string& method) {
  auto text = [](const std::string& s) { return Json(s).dump(); };
  std::vector<std::pair<std::string, std::string>> out;
  if (pattern == "/v1/sync/batch") {
    for (const auto& [name, id] : kHostileIds) {
      if (name == "invalid_utf8" || name == "utf8_surrogate" || name == "overlong_utf8_slash")
        continue;  // Not expressible in valid JSON text: covered by hostile_bodies().
      out.push_back({"id_" + name, "{\"type\":\"manuscript\",\"ids\":[" + text(id) + "]}"});
    }
    out.push_back({"type_sql", "{\"type\":\"x' OR 1=1 --\",\"ids\":[\"42\"]}"});
    out.push_back({"ids_huge_number", "{\"type\":\"manuscript\",\"ids\":[1e300]}"});
    out.push_back({"ids_not_array", "{\"type\":\"manuscript\",\"ids\":\"42\"}"});
    out.push_back({"too_many_ids", "{\"type\":\"manuscript\",\"ids\":[\"1\",\"2\",\"3\",\"4\"]}"});
  } else if (pattern.ends_with("/resolve")) {
    out.push_back({"take_sql", "{\"resolution\":{\"take\":\"ojs' OR '1'='1\"}}"});
    out.push_back({"take_number", "{\"resolution\":{\"take\":1e300}}"});
    out.push_back({"resolution_not_object", "{\"resolution\":\"ojs\"}"});
    out.push_back({"fields_path", "{\"resolution\":{\"fields\":{\"../../title\":\"ojs\"}}}"});
  } else if (pattern.ends_with("/auto-sync")) {
    out.push_back({"enabled_huge_number", "{\"enabled\":123456789012345678901234567890}"});
    out.push_back({"enabled_sql", "{\"enabled\":\"true' OR '1'='1\"}"});
  } else if (pattern == "/v1/events") {
    for (const std::string& id : {std::string("\"1' OR '1'='1\""), std::string("\"../../etc\""),
                                  std::string("123456789012345678901234567890"),
                                  std::string("-1"), std::string("1.5")}) {
      out.push_back({"submission_id_" + std::to_string(out.size()),
                     "{\"event\":\"submission_updated\",\"submission_id\":" + id + "}"});
    }
    out.push_back({"event_sql", "{\"event\":\"x'; DROP TABLE jobs; --\",\"submission_id\":42}"});
  } else if (pattern.starts_with("/v1/entities/") && method == "PUT") {
    Json deep = doc("Deep");
    Json* at = &deep;
    for (int i = 0; i < 100; ++i) at = &((*at)["nested"] = Json::object());
    out.push_back({"document_too_deep", deep.dump()});
  }
  return out;
}

enum class Part : std::uint8_t { kPath, kBody, kQuery, kHeader };

struct Case {
  std::string method;
  std::string pattern;
  Part part;
  std::string target;  // The path parameter, query parameter or header that is hostile.
  std::string label;
  std::string value;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.method << " " << c.pattern << " " << c.target << "=" << c.label;
}

bool has_body(const std::string& method, const std::string& pattern) {
  return pattern == "/v1/sync/batch" || pattern.ends_with("/resolve") || pattern == "/v1/events" ||
         (method == "PUT" && (pattern.ends_with("/auto-sync") || pattern.starts_with("/v1/entities/")));
}

std::vector<Case> all_cases() {
  const ApiContext context;
  const ApiRouter router(&context);
  std::vector<Case> cases;
  for (const auto& [method, pattern] : router.routes()) {
    for (const char* param : {"{type}", "{id}", "{agent}"}) {
      if (pattern.find(param) == std::string::npos) continue;
      for (const auto& [label, value] : kHostileIds) {
        cases.push_back({method, pattern, Part::kPath, param, label, value});
      }
      if (pattern.starts_with("/v1/conflicts/") || pattern.starts_with("/v1/dlq/")) {
        for (const auto& [label, value] : kHostileNumericIds) {
          cases.push_back({method, pattern, Part::kPath, param, label, value});
        }
      }
    }
    if (has_body(method, pattern)) {
      for (const auto& [label, value] : hostile_bodies()) {
        cases.push_back({method, pattern, Part::kBody, "body", label, value});
      }
      for (const auto& [label, value] : hostile_fields(pattern, method)) {
        cases.push_back({method, pattern, Part::kBody, "body", label, value});
      }
    }
    if (method == "GET" && (pattern == "/v1/conflicts" || pattern == "/v1/dlq")) {
      for (const char* limit : {"0", "-1", "1e99", "99999999999999999999", "1' OR '1'='1", "\xFF"}) {
        cases.push_back({method, pattern, Part::kQuery, "limit", limit, limit});
      }
    }
    if (pattern.starts_with("/v1/sync/") && method == "POST" && pattern != "/v1/sync/batch") {
      cases.push_back({method, pattern, Part::kQuery, "direction", "sql", "both' OR '1'='1"});
    }
    if (pattern.starts_with("/v1/entities/") && method != "GET") {
      for (const auto& [label, value] : kHostileIds) {
        cases.push_back({method, pattern, Part::kHeader, "x-agent", label, value});
      }
      cases.push_back({method, pattern, Part::kHeader, "if-match", "two_tags", "\"a\", \"b\""});
      cases.push_back({method, pattern, Part::kHeader, "if-match", "huge",
                       std::string(100'000, 'e')});
    }
    if (pattern == "/v1/events") {
      for (const auto& [label, value] : kHostileIds) {
        if (label == "too_long" || label == "nul_byte" || label == "newline" ||
            label.find("utf") != std::string::npos) {
          cases.push_back({method, pattern, Part::kHeader, "webhook-id", label, value});
        }
      }
    }
  }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.method + info.param.pattern + "_" + info.param.target + "_" +
                     info.param.label + "_" + std::to_string(info.index);
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return name;
}

class HostileInputTest : public testing::ApiFixture, public ::testing::WithParamInterface<Case> {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_NO_FATAL_FAILURE(prepare_world());
  }

  // The route filled in with the prepared world's values and a valid body, then `hostile`
  // applied; without it, the request is one the route accepts.
  HttpResponse send(const Case& c, bool hostile) {
    auto pick = [&](std::string_view param, std::string good) {
      return hostile && c.part == Part::kPath && c.target == param ? c.value : good;
    };
    const bool conflicts = c.pattern.starts_with("/v1/conflicts");
    const bool dlq = c.pattern.starts_with("/v1/dlq");
    std::string path = c.pattern;
    auto fill = [&](std::string_view name, const std::string& value) {
      if (auto at = path.find(name); at != std::string::npos) path.replace(at, name.size(), value);
    };
    fill("{type}", pick("{type}", "manuscript"));
    fill("{id}", pick("{id}", conflicts ? std::to_string(conflict_id_)
                              : dlq     ? std::to_string(dead_job_id_)
                                        : "42"));
    fill("{agent}", pick("{agent}", "bot"));

    std::string body;
    if (c.pattern == "/v1/sync/batch") body = R"({"type":"manuscript","ids":["42"]})";
    if (c.pattern.ends_with("/resolve")) body = R"({"resolution":{"take":"ojs"}})";
    if (c.pattern.ends_with("/auto-sync")) body = R"({"enabled":false})";
    if (c.pattern == "/v1/events") body = R"({"event":"submission_updated","submission_id":42})";
    if (c.pattern.starts_with("/v1/entities/") && c.method == "PUT") {
      body = doc("Written through the API").dump();
    }
    if (hostile && c.part == Part::kBody) body = c.value;

    std::map<std::string, std::string> headers;
    if (c.pattern.starts_with("/v1/entities/")) headers = {{"x-agent", "bot"}, {"if-match", "*"}};
    if (c.pattern == "/v1/events") headers = signed_headers("evt_" + std::to_string(++events_), body);
    if (hostile && c.part == Part::kHeader) {
      headers[c.target] = c.value;
      if (c.target == "webhook-id") {  // Signed as sent, so the id itself is what is judged.
        const auto signer = WebhookVerifier::create({testing::kSecret}).value();
        headers["webhook-signature"] = signer.sign(c.value, headers["webhook-timestamp"], body);
      }
    }
    if (hostile && c.part == Part::kQuery) path += "?" + c.target + "=" + c.value;
    return call(c.method, path, body, headers);
  }

  int events_ = 0;
};

TEST_P(HostileInputTest, RefusedWith4xxAndNothingWritten) {
  const Case& c = GetParam();
  // A refused GET must still not write (a token's first use is recorded: done here first).
  ASSERT_LT(call("GET", "/v1/stats").status, 300);
  const std::string before = world_fingerprint();
  const HttpResponse r = send(c, /*hostile=*/true);
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
  // An oversized webhook-id is refused before its signature is checked: unauthenticated.
  if (c.target != "webhook-id") {
    EXPECT_NE(r.status, 401) << r.body;
  }
  EXPECT_NE(r.status, 403) << r.body;
  auto body = Json::parse(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  EXPECT_TRUE(body->find("error") != nullptr && body->find("error")->is_string()) << r.body;
  const Json* message = body->find("message");
  ASSERT_TRUE(message != nullptr && message->is_string()) << r.body;
  EXPECT_LE(message->as_string().size(), 300u) << "the error echoes the input back";
  EXPECT_EQ(world_fingerprint(), before) << "a refused request wrote something";
}

// Each hostile case differs from a request the route accepts only by its hostile part, so the
// refusal above is the input's doing.
TEST_P(HostileInputTest, TheSameRequestWithoutTheHostilePartIsAccepted) {
  const HttpResponse r = send(GetParam(), /*hostile=*/false);
  EXPECT_GE(r.status, 200) << r.body;
  EXPECT_LT(r.status, 300) << r.body;
}

INSTANTIATE_TEST_SUITE_P(EveryRoute, HostileInputTest, ::testing::ValuesIn(all_cases()),
                         case_name);

}  // namespace
}  // namespace ojsync::service
