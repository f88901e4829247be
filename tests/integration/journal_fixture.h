// A journal for the long integration tests: an ojs-emulator process (OJS 3.3) with generated
// submissions, an `ojsync serve` configuration on a fresh store with an admin API token, and
// the calls those tests make on either side. Each test starts and kills daemons itself.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon_process.h"
#include "ojsync/json.h"
#include "store/testing/temp_dir.h"
#include "test_client.h"

namespace ojsync::testing {

class JournalFixture : public ::testing::Test {
 protected:
  static constexpr const char* kJournalApi = "/index.php/testj/api/v1";
  static constexpr const char* kWebhookSecret = "journal-fixture-webhook-secret-0123456789";

  // Starts the emulator with `submissions` and `emulator_flags` (faults...), lists its
  // unpublished submissions, writes the daemon's configuration (`sync_keys` go to [sync]) and
  // creates an admin token on its store. Call with ASSERT_NO_FATAL_FAILURE.
  void start_journal(int submissions, const std::vector<std::string>& emulator_flags,
                     const std::string& sync_keys) {
    std::vector<std::string> args{"--port", "0", "--seed", "21", "--submissions",
                                  std::to_string(submissions), "--reviewers", "20",
                                  "--api-key-secret", "fixture-secret", "--admin-api-key",
                                  "fixture-key"};
    args.insert(args.end(), emulator_flags.begin(), emulator_flags.end());
    emulator_ = std::make_unique<ChildProcess>(OJSYNC_EMULATOR_BINARY, args,
                                               dir_.file("emulator.err"));
    ASSERT_GT(emulator_->port(), 0) << "the emulator did not start";
    ojs_token_ = client_.send("GET", emulator_->origin() + "/__emulator/token?user=admin")
                     .body.get_string("token");
    ASSERT_FALSE(ojs_token_.empty());
    std::ofstream(dir_.file("ojs-token")) << ojs_token_ << "\n";
    std::ofstream(dir_.file("webhook-secret")) << kWebhookSecret << "\n";
    ASSERT_NO_FATAL_FAILURE(collect_unpublished());

    config_ = dir_.file("ojsync.toml");
    std::ofstream(config_) << "[store]\npath = \"" << dir_.file("ojsync.db") << "\"\n"
                           << "[agents]\npath = \"" << dir_.file("agents.db") << "\"\n"
                           << "[sync]\n"
                           << sync_keys << "[server]\nport = 0\nlog_level = \"warn\"\n"
                           << "[ojs]\nbase_url = \"" << emulator_->origin()
                           << "\"\njournal = \"testj\"\nversion = \"3.3\"\ntoken_file = \""
                           << dir_.file("ojs-token") << "\"\n"
                           << "[webhooks]\nsecret_files = [\"" << dir_.file("webhook-secret")
                           << "\"]\n";
    const CommandResult made =
        run_command(OJSYNC_BINARY, {"token", "create", "--config", config_, "--name",
                                    "fixture-admin", "--role", "admin", "--json"});
    auto parsed = Json::parse(made.out);
    ASSERT_EQ(made.exit_code, 0);
    ASSERT_TRUE(parsed.ok());
    api_token_ = parsed->get_string("token");
  }

  // Starts `ojsync serve` on the journal's store; later calls go to it.
  std::unique_ptr<ChildProcess> start_daemon(const std::string& name) {
    auto daemon = std::make_unique<ChildProcess>(
        OJSYNC_BINARY, std::vector<std::string>{"serve", "--config", config_},
        dir_.file(name + ".err"));
    std::lock_guard lock(origin_mu_);
    origin_ = daemon->origin();
    return daemon;
  }
  std::string origin() const {
    std::lock_guard lock(origin_mu_);
    return origin_;
  }

  // One request to OJS's API, counted in test_ojs_requests_.
  Reply ojs(const std::string& method, const std::string& path, const std::string& body = "",
            const Client* client = nullptr) const {
    ++test_ojs_requests_;
    return (client != nullptr ? *client : client_)
        .send(method, emulator_->origin() + kJournalApi + path, body,
              {{"Authorization", "Bearer " + ojs_token_}});
  }
  Reply api(const Client& client, const std::string& method, const std::string& path,
            const std::string& body = "", HttpHeaders headers = {}) const {
    headers.emplace_back("Authorization", "Bearer " + api_token_);
    return client.send(method, origin() + path, body, std::move(headers));
  }
  Reply api(const std::string& method, const std::string& path) const {
    return api(client_, method, path);
  }

  // The English title as OJS 3.3 holds it ("<none>" when it cannot be read).
  std::string ojs_title(const std::string& id) const {
    const Reply r = ojs("GET", "/submissions/" + id + "/publications/" + publication_of_.at(id));
    const Json* title = r.status == 200 ? r.body.find("title") : nullptr;
    return title == nullptr ? "<none>" : title->get_string("en_US");
  }
  // The English title on the agents' side ("<none>" when absent).
  std::string agents_title(const std::string& id) const {
    const Reply r = api("GET", "/v1/entities/manuscript/" + id);
    const Json* title = r.status == 200 ? r.body.find("title") : nullptr;
    return title == nullptr ? "<none>" : title->get_string("en");
  }

  TempDir dir_{"ojsync-journal"};
  Client client_;
  std::unique_ptr<ChildProcess> emulator_;
  std::string ojs_token_, api_token_, config_;
  std::vector<std::string> unpublished_;  // Editable in OJS.
  mutable std::atomic<std::int64_t> test_ojs_requests_{0};  // Sent by the test, not the daemon.
  std::map<std::string, std::string> publication_of_;

 private:
  void collect_unpublished() {
    for (int offset = 0;; offset += 100) {
      Reply page;
      // The emulator may be injecting faults: ask again, boundedly.
      for (int attempt = 0; attempt < 50 && page.status != 200; ++attempt) {
        page = ojs("GET", "/submissions?status=1&count=100&offset=" + std::to_string(offset));
      }
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

  mutable std::mutex origin_mu_;
  std::string origin_;  // GUARDED_BY(origin_mu_): the running daemon's.
};

}  // namespace ojsync::testing
