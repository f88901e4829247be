// kill -9 the daemon again and again while edits flow, then check that nothing was lost.
//
// ojs-emulator serves a journal of 10,000 submissions; `ojsync serve` imports it and is killed
// with SIGKILL at seeded random moments, 20 times, and restarted on the same store. Meanwhile
// an editor changes titles in OJS (set A, announced by signed events that may reach a dead
// daemon) and an agent changes titles through the daemon's API (set B, disjoint from A, so the
// expected result needs no strategy). After a last restart and quiescence:
//   - convergence: every checked submission holds the same title on both sides;
//   - no lost update: A holds OJS's last edit, B the agent's last acknowledged edit or one it
//     sent later without an answer (the daemon died mid-request: either may have committed);
//   - nothing duplicated (OJS still has 10,000 submissions), nothing dead-lettered, the audit
//     chain verifies, and the last daemon stops cleanly.
// The seed is printed; OJSYNC_CRASH_SEED replays a schedule.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "connectors/http/curl_transport.h"
#include "daemon_process.h"
#include "ojsync/json.h"
#include "service/webhook_verifier.h"
#include "store/testing/temp_dir.h"

namespace ojsync::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kSubmissions = 10'000;
constexpr int kKills = 20;
constexpr std::size_t kEditedPerSide = 60;
const std::string kSecret = "crash-test-webhook-secret-0123456789";
const std::string kJournalApi = "/index.php/testj/api/v1";

struct Reply {
  int status = 0;  // 0: no answer (refused, reset: the daemon died).
  Json body;
  std::string etag;
};

// One HTTP client per thread.
class Client {
 public:
  Client() : http_(make_curl_transport({}).value()) {}
  Reply send(const std::string& method, const std::string& url, const std::string& body = "",
             HttpHeaders headers = {}) const {
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto r = http_->send({method, url, std::move(headers), body});
    Reply reply;
    if (!r.ok()) return reply;
    reply.status = r->status;
    if (auto parsed = Json::parse(r->body); parsed.ok()) reply.body = std::move(parsed).value();
    if (const std::string* etag = r->header("ETag")) reply.etag = *etag;
    return reply;
  }

 private:
  std::unique_ptr<HttpTransport> http_;
};

// What the agent sent for one submission, in order, and which sends were acknowledged.
struct AgentEdits {
  std::string before;  // The title read before the first send.
  std::vector<std::pair<std::string, bool>> sent;  // (title, acknowledged with 200)
  // Titles the final state may hold: the last acknowledged one and any sent after it (or,
  // when none was acknowledged, the title before them all).
  std::set<std::string> acceptable() const {
    std::set<std::string> out;
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      out.insert(it->first);
      if (it->second) return out;
    }
    out.insert(before);
    return out;
  }
};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* seed = std::getenv("OJSYNC_CRASH_SEED");
    seed_ = seed != nullptr ? std::strtoull(seed, nullptr, 10) : std::random_device{}();
    std::printf("crash schedule seed %llu (replay: OJSYNC_CRASH_SEED=%llu)\n",
                static_cast<unsigned long long>(seed_), static_cast<unsigned long long>(seed_));
    emulator_ = std::make_unique<ChildProcess>(
        OJSYNC_EMULATOR_BINARY,
        std::vector<std::string>{"--port", "0", "--seed", "21", "--submissions",
                                 std::to_string(kSubmissions), "--reviewers", "20",
                                 "--api-key-secret", "crash-secret", "--admin-api-key",
                                 "crash-key"},
        dir_.file("emulator.err"));
    ASSERT_GT(emulator_->port(), 0);
    ojs_token_ = client_.send("GET", emulator_->origin() + "/__emulator/token?user=admin")
                     .body.get_string("token");
    ASSERT_FALSE(ojs_token_.empty());
    std::ofstream(dir_.file("ojs-token")) << ojs_token_ << "\n";
    std::ofstream(dir_.file("webhook-secret")) << kSecret << "\n";
    collect_unpublished();
    ASSERT_GE(unpublished_.size(), 2 * kEditedPerSide);

    config_ = dir_.file("ojsync.toml");
    std::ofstream(config_) << "[store]\npath = \"" << dir_.file("ojsync.db") << "\"\n"
                           << "[agents]\npath = \"" << dir_.file("agents.db") << "\"\n"
                           << "[sync]\nsync_interval = \"2s\"\n"
                           << "[server]\nport = 0\nlog_level = \"warn\"\n"
                           << "[ojs]\nbase_url = \"" << emulator_->origin()
                           << "\"\njournal = \"testj\"\nversion = \"3.3\"\ntoken_file = \""
                           << dir_.file("ojs-token") << "\"\n"
                           << "[webhooks]\nsecret_files = [\"" << dir_.file("webhook-secret")
                           << "\"]\n";
    const CommandResult made =
        run_command(OJSYNC_BINARY, {"token", "create", "--config", config_, "--name", "crash-admin",
                                    "--role", "admin", "--json"});
    auto parsed = Json::parse(made.out);
    ASSERT_EQ(made.exit_code, 0);
    ASSERT_TRUE(parsed.ok());
    api_token_ = parsed->get_string("token");
  }

  void collect_unpublished() {
    for (int offset = 0;; offset += 100) {
      const Reply page = ojs("GET", "/submissions?status=1&count=100&offset=" + std::to_string(offset));
      ASSERT_EQ(page.status, 200);
      const auto& items = page.body.find("items")->as_array();
      for (const Json& item : items) {
        const std::string id = std::to_string(item.get_int("id"));
        unpublished_.push_back(id);
        publication_of_[id] = std::to_string(item.get_int("currentPublicationId"));
      }
      if (items.size() < 100) break;
    }
  }

  Reply ojs(const std::string& method, const std::string& path, const std::string& body = "",
            const Client* client = nullptr) const {
    return (client != nullptr ? *client : client_)
        .send(method, emulator_->origin() + kJournalApi + path, body,
              {{"Authorization", "Bearer " + ojs_token_}});
  }
  std::string ojs_title(const std::string& id) const {
    const Reply r = ojs("GET", "/submissions/" + id + "/publications/" + publication_of_.at(id));
    const Json* title = r.body.find("title");
    return title == nullptr ? "<none>" : title->get_string("en_US");
  }
  Reply api(const Client& client, const std::string& method, const std::string& path,
            const std::string& body = "", HttpHeaders headers = {}) const {
    headers.emplace_back("Authorization", "Bearer " + api_token_);
    return client.send(method, origin() + path, body, std::move(headers));
  }
  std::string agents_title(const std::string& id) const {
    const Reply r = api(client_, "GET", "/v1/entities/manuscript/" + id);
    const Json* title = r.status == 200 ? r.body.find("title") : nullptr;
    return title == nullptr ? "<none>" : title->get_string("en");
  }

  std::string origin() const {
    std::lock_guard lock(origin_mu_);
    return origin_;
  }
  std::unique_ptr<ChildProcess> start_daemon(int n) {
    auto daemon = std::make_unique<ChildProcess>(
        OJSYNC_BINARY, std::vector<std::string>{"serve", "--config", config_},
        dir_.file("daemon-" + std::to_string(n) + ".err"));
    std::lock_guard lock(origin_mu_);
    origin_ = daemon->origin();
    return daemon;
  }

  // The editors: OJS edits on set A (with a best-effort signed event), agent edits on set B.
  void edit_until_stopped(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    Client client;
    std::mt19937_64 rng(seed_ ^ 0x5eed);
    const auto signer = service::WebhookVerifier::create({kSecret}).value();
    for (int n = 0; !stop_editing_; ++n) {
      std::this_thread::sleep_for(10ms);
      if (n % 2 == 0) {
        const std::string& id = a[rng() % a.size()];
        const std::string title = "OJS edit " + std::to_string(n);
        Json body = Json::object();
        body["title"]["en_US"] = title;
        if (ojs("PUT", "/submissions/" + id + "/publications/" + publication_of_.at(id),
                body.dump(), &client)
                .status != 200)
          continue;
        last_ojs_title_[id] = title;
        const std::string event_id = "evt_crash_" + std::to_string(n);
        const std::string event = R"({"event":"publication_edited","submission_id":)" + id + "}";
        const std::string ts = std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count());
        (void)client.send("POST", origin() + "/v1/events", event,
                          {{"webhook-id", event_id},
                           {"webhook-timestamp", ts},
                           {"webhook-signature", signer.sign(event_id, ts, event)}});
      } else {
        const std::string& id = b[rng() % b.size()];
        const Reply current = api(client, "GET", "/v1/entities/manuscript/" + id);
        if (current.status != 200) continue;  // Not imported yet, or the daemon is down.
        Json doc = current.body;
        const Json* held = doc.find("title");
        const std::string before = held == nullptr ? "<none>" : held->get_string("en");
        const std::string title = "Agent edit " + std::to_string(n);
        doc["title"]["en"] = title;
        const Reply put = api(client, "PUT", "/v1/entities/manuscript/" + id, doc.dump(),
                              {{"X-Agent", "crash_agent"}, {"If-Match", current.etag}});
        if (put.status != 200 && put.status != 0) continue;  // Refused: nothing was written.
        AgentEdits& edits = agent_edits_[id];
        if (edits.sent.empty()) edits.before = before;
        edits.sent.emplace_back(title, put.status == 200);
      }
    }
  }

  std::uint64_t seed_ = 0;
  TempDir dir_{"ojsync-crash"};
  Client client_;
  std::unique_ptr<ChildProcess> emulator_;
  std::string ojs_token_, api_token_, config_;
  std::vector<std::string> unpublished_;
  std::map<std::string, std::string> publication_of_;
  mutable std::mutex origin_mu_;
  std::string origin_;  // GUARDED_BY(origin_mu_): the running daemon's.
  std::atomic<bool> stop_editing_{false};
  // Written by the editor thread only, read after it is joined.
  std::map<std::string, std::string> last_ojs_title_;
  std::map<std::string, AgentEdits> agent_edits_;
};

TEST_F(CrashTest, KilledTwentyTimesWhileEditsFlowItLosesNothing) {
  std::mt19937_64 rng(seed_);
  std::vector<std::string> shuffled = unpublished_;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const std::vector<std::string> a(shuffled.begin(), shuffled.begin() + kEditedPerSide);
  const std::vector<std::string> b(shuffled.begin() + kEditedPerSide,
                                   shuffled.begin() + 2 * kEditedPerSide);

  std::unique_ptr<ChildProcess> daemon = start_daemon(0);
  ASSERT_GT(daemon->port(), 0) << daemon->stderr_text();
  std::thread editor([&] { edit_until_stopped(a, b); });
  for (int kill = 1; kill <= kKills; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1700));
    EXPECT_EQ(daemon->kill_now(), 128 + SIGKILL);
    daemon = start_daemon(kill);
    ASSERT_GT(daemon->port(), 0) << "restart " << kill << ":\n" << daemon->stderr_text();
  }
  std::this_thread::sleep_for(2s);  // Edits reach the last daemon too.
  stop_editing_ = true;
  editor.join();

  // Quiescence: the queue is empty, and every edited title has reached the other side.
  auto converged = [&] {
    const Reply stats = api(client_, "GET", "/v1/stats");
    if (stats.status != 200 || stats.body.get_int("queue_depth") != 0) return false;
    for (const auto& [id, title] : last_ojs_title_) {
      if (agents_title(id) != title) return false;
    }
    for (const auto& [id, edits] : agent_edits_) {
      const std::string held = agents_title(id);
      if (edits.acceptable().count(held) == 0 || ojs_title(id) != held) return false;
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + 240s;
  bool done = false;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(250ms);
    done = converged();
  }
  EXPECT_TRUE(done) << api(client_, "GET", "/v1/stats").body.dump();

  std::size_t ojs_checked = 0, agent_checked = 0;
  for (const auto& [id, title] : last_ojs_title_) {
    EXPECT_EQ(ojs_title(id), title) << id;  // OJS's own last edit was never overwritten.
    EXPECT_EQ(agents_title(id), title) << id;
    ++ojs_checked;
  }
  for (const auto& [id, edits] : agent_edits_) {
    const std::string held = agents_title(id);
    EXPECT_EQ(edits.acceptable().count(held), 1u) << id << " holds " << held;
    EXPECT_EQ(ojs_title(id), held) << id;
    ++agent_checked;
  }
  EXPECT_GT(ojs_checked, 10u);
  EXPECT_GT(agent_checked, 10u);
  // Submissions nobody edited: imported, and the same on both sides.
  for (std::size_t i = 2 * kEditedPerSide; i < 2 * kEditedPerSide + 200 && i < shuffled.size(); ++i) {
    EXPECT_EQ(agents_title(shuffled[i]), ojs_title(shuffled[i])) << shuffled[i];
  }
  const Reply sample = api(client_, "GET", "/v1/entities/manuscript/1");
  EXPECT_EQ(sample.status, 200);  // Published ones were imported too.

  const Reply listed = ojs("GET", "/submissions?count=1");
  EXPECT_EQ(listed.body.get_int("itemsMax"), kSubmissions);  // Nothing created twice.
  const Reply dead = api(client_, "GET", "/v1/dlq");
  EXPECT_EQ(dead.body.get_int("count"), 0) << dead.body.dump();
  EXPECT_EQ(daemon->terminate(30s), 0) << daemon->stderr_text();
  const CommandResult verified = run_command(OJSYNC_BINARY, {"audit", "verify", "--config", config_});
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
  std::printf("%d kills; %zu OJS-edited and %zu agent-edited submissions checked\n", kKills,
              ojs_checked, agent_checked);
}

}  // namespace
}  // namespace ojsync::testing
