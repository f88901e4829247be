// Transport and data-set properties of the running server: deterministic seeded data, keep-alive
// and concurrent clients, HEAD, the startup line, and paging through a large seeded journal.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "running_emulator.h"

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

TEST(Server, SameSeedGivesByteIdenticalResponses) {
  const std::vector<std::string> flags = {"--seed", "42", "--submissions", "80", "--reviewers", "9"};
  RunningEmulator a("3.4", flags), b("3.4", flags);
  for (const std::string path : {"/submissions?count=100", "/submissions/17", "/submissions/17/publications/17",
                                 "/users/reviewers?count=100", "/submissions/40/decisions"}) {
    const auto ra = a.get(path), rb = b.get(path);
    ASSERT_EQ(ra.status, 200) << path;
    // Only the port in the _href URLs differs between the two processes.
    const auto strip = [](std::string s, int port) {
      const std::string needle = "127.0.0.1:" + std::to_string(port);
      for (auto pos = s.find(needle); pos != std::string::npos; pos = s.find(needle)) s.replace(pos, needle.size(), "HOST");
      return s;
    };
    EXPECT_EQ(strip(ra.body, a.process.port()), strip(rb.body, b.process.port())) << path;
  }
  RunningEmulator c("3.4", {"--seed", "43", "--submissions", "80", "--reviewers", "9"});
  EXPECT_NE(json::parse(a.get("/submissions/17").body).at("publications"),
            json::parse(c.get("/submissions/17").body).at("publications"));
}

TEST(Server, SeededDataCoversScriptsStagesAndStatuses) {
  RunningEmulator e("3.3", {"--seed", "5", "--submissions", "300"});
  std::set<std::int64_t> stages, statuses;
  std::set<std::string> locales;
  std::size_t max_authors = 0, min_authors = 99;
  bool emoji = false;
  for (int offset = 0; offset < 300; offset += 100) {
    const json::value page = e.json("/submissions?count=100&offset=" + std::to_string(offset));
    for (const auto& item : page.at("items").as_array()) {
      stages.insert(item.at("stageId").as_int64());
      statuses.insert(item.at("status").as_int64());
      locales.insert(std::string(item.at("locale").as_string()));
      const std::string title(item.at("publications").as_array().at(0).at("title").at("en_US").as_string());
      emoji = emoji || static_cast<unsigned char>(title[0]) == 0xF0;
    }
  }
  for (int id = 1; id <= 40; ++id) {
    const json::value p = e.json("/submissions/" + std::to_string(id) + "/publications/" + std::to_string(id));
    max_authors = std::max(max_authors, p.at("authors").as_array().size());
    min_authors = std::min(min_authors, p.at("authors").as_array().size());
  }
  EXPECT_EQ(stages, (std::set<std::int64_t>{1, 3, 4, 5}));
  EXPECT_EQ(statuses, (std::set<std::int64_t>{1, 3, 4, 5}));
  EXPECT_EQ(locales, (std::set<std::string>{"en_US", "fr_CA", "es_ES", "ru_RU", "ja_JP", "ar_IQ"}));
  EXPECT_TRUE(emoji);
  EXPECT_EQ(min_authors, 1u);
  EXPECT_EQ(max_authors, 4u);
}

TEST(Server, KeepAliveConcurrencyAndHead) {
  RunningEmulator e("3.3", {"--submissions", "50"});
  const std::string token = e.token();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      HttpClient client(e.process.base());  // one connection reused for all its requests
      for (int i = 0; i < 100; ++i) {
        if (client.get(e.api("/submissions/" + std::to_string(1 + i % 50)), token).status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 800);
  const auto get = e.get("/submissions");
  const auto head = e.client.request("HEAD", e.api("/submissions"), {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  ASSERT_NE(head.header("Content-Length"), nullptr);
  EXPECT_EQ(*head.header("Content-Length"), std::to_string(get.body.size()));
}

TEST(Server, PagesThroughALargeJournal) {
  RunningEmulator e("3.4", {"--submissions", "20000", "--reviewers", "50"});
  const std::string token = e.token();
  std::set<std::int64_t> ids;
  std::int64_t total = 0;
  for (int offset = 0;; offset += 100) {
    const auto r = e.client.get(e.api("/submissions?count=100&orderBy=lastActivity&orderDirection=ASC&offset=" +
                                      std::to_string(offset)), token);
    ASSERT_EQ(r.status, 200);
    const json::value page = json::parse(r.body);
    total = page.at("itemsMax").as_int64();
    for (const auto& item : page.at("items").as_array()) ids.insert(item.at("id").as_int64());
    if (offset + 100 >= total) break;
  }
  EXPECT_EQ(total, 20000);
  EXPECT_EQ(ids.size(), 20000u);
}

}  // namespace
}  // namespace ojsemu::testing
