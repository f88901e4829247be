// Fault injection through the real server: the same --fault-seed gives the same faults for the
// same request sequence, failures carry the configured statuses (Retry-After on 429/503), drops
// close the connection without an answer, failed writes are not applied, latency and slow
// bodies delay answers, and the /__emulator/ endpoints are never faulted.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>

#include "emulator_process.h"
#include "http_client.h"

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "fault-secret";

std::vector<std::string> fault_flags(const std::string& seed, const std::string& fail_rate, const std::string& drop_rate) {
  return {"--seed", "3", "--submissions", "30", "--api-key-secret", kSecret, "--fault-seed", seed, "--fail-rate",
          fail_rate, "--drop-rate", drop_rate, "--fail-statuses", "500,502,503,429", "--retry-after", "2"};
}

std::string admin_token(HttpClient& client) {
  return std::string(json::parse(client.get("/__emulator/token?user=admin").body).at("token").as_string());
}

// A fixed request sequence (with repeats, as a retrying client would send), outcome per request.
std::vector<std::string> outcomes(const std::string& seed) {
  EmulatorProcess emulator(fault_flags(seed, "0.3", "0.1"));
  HttpClient client(emulator.base());
  client.fresh_connections = true;
  const std::string token = admin_token(client);
  std::vector<std::string> out;
  for (int i = 0; i < 60; ++i) {
    const auto r = client.get("/index.php/testj/api/v1/submissions?count=5&offset=" + std::to_string((i % 6) * 5), token);
    std::string o = r.status == 0 ? "drop" : std::to_string(r.status);
    if (r.status == 429 || r.status == 503) {
      const std::string* retry = r.header("Retry-After");
      EXPECT_TRUE(retry != nullptr && *retry == "2") << "Retry-After missing on " << r.status;
    }
    out.push_back(o);
  }
  return out;
}

TEST(FaultInjection, SameSeedReproducesTheSameFaults) {
  const auto first = outcomes("11");
  const auto second = outcomes("11");
  EXPECT_EQ(first, second);
  std::map<std::string, int> counts;
  for (const auto& o : first) ++counts[o];
  EXPECT_GT(counts["200"], 20);
  EXPECT_GT(counts["drop"], 0);
  EXPECT_GT(counts["500"] + counts["502"] + counts["503"] + counts["429"], 5);
  EXPECT_NE(first, outcomes("12"));
}

TEST(FaultInjection, FailedWritesAreNotApplied) {
  EmulatorProcess emulator(fault_flags("21", "0.5", "0.1"));
  HttpClient client(emulator.base());
  client.fresh_connections = true;
  const std::string token = admin_token(client);
  const std::string pub = "/index.php/testj/api/v1/submissions/1/publications/1";
  const auto read_pages = [&]() {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const auto r = client.get(pub, token);
      if (r.status == 200) return json::parse(r.body).at("pages");
    }
    ADD_FAILURE() << "publication never readable";
    return json::value();
  };
  int failed = 0, applied = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string pages = "p" + std::to_string(i);
    const json::value before = read_pages();
    const auto r = client.send_json("PUT", pub, token, R"({"pages":")" + pages + R"("})");
    const json::value after = read_pages();
    if (r.status == 200) {
      ++applied;
      EXPECT_EQ(after, json::value(pages));
    } else {
      ++failed;
      EXPECT_EQ(after, before) << "a failed write (" << r.status << ") changed the publication";
    }
  }
  EXPECT_GT(failed, 3);
  EXPECT_GT(applied, 3);
  // Stats count every API request the server received, faulted or not.
  const json::value stats = json::parse(client.get("/__emulator/stats").body);
  EXPECT_EQ(stats.at("byRoute").at("PUT /submissions/{id}/publications/{id}").as_int64(), 30);
}

TEST(FaultInjection, ControlEndpointsAreNeverFaulted) {
  EmulatorProcess emulator(fault_flags("5", "1", "0"));
  HttpClient client(emulator.base());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(client.get("/__emulator/health").status, 200);
  EXPECT_NE(client.get("/index.php/testj/api/v1/submissions", admin_token(client)).status, 200);
}

TEST(FaultInjection, LatencyAndSlowBodies) {
  EmulatorProcess emulator({"--submissions", "5", "--api-key-secret", kSecret, "--latency-ms", "150", "--slow-body-ms", "300"});
  HttpClient client(emulator.base());
  const std::string token = admin_token(client);
  const auto start = std::chrono::steady_clock::now();
  const auto r = client.get("/index.php/testj/api/v1/submissions", token);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("itemsMax").as_int64(), 5);  // the dribbled body arrives whole
  EXPECT_GE(elapsed, std::chrono::milliseconds(400));
}

}  // namespace
}  // namespace ojsemu::testing
