#include "service/anti_entropy.h"

#include <gtest/gtest.h>

#include "ojsync/random.h"
#include "support/memory_connector.h"

namespace ojsync::service {
namespace {

TEST(AntiEntropyTest, QueuesEveryLiveEntityPageByPage) {
  ManualClock clock(Timestamp(std::chrono::seconds(1'767'225'600)));
  SeededRandom random(3);
  testing::MemoryConnector ojs("ojs", clock), agents("agents", clock);
  auto store = open_sqlite_store({":memory:"}).value();
  ASSERT_TRUE(store->migrate().ok());
  SyncEnv env;
  env.store = store.get();
  env.ojs = &ojs;
  env.agents = &agents;
  env.clock = &clock;
  env.random = &random;
  auto manager = SyncManager::create({}, env).value();
  for (const char* id : {"a", "b", "c", "d"}) {
    SyncCommit commit;
    commit.state = SyncState{{"manuscript", id},     id,          id, Json(1), "h", "h", "h",
                             std::string(id) == "c", clock.now(), 0, std::nullopt};
    commit.record.key = {"manuscript", id};
    commit.record.started_at = clock.now();
    ASSERT_TRUE(store->commit_sync(commit).ok());
  }
  int wakeups = 0;
  AntiEntropy pass(store.get(), manager.get(), {"manuscript", "reviewer"}, /*page_size=*/2,
                   [&] { ++wakeups; });
  std::atomic<bool> stopping{false};
  auto queued = pass.run(stopping);
  ASSERT_TRUE(queued.ok()) << queued.status().to_string();
  EXPECT_EQ(*queued, 3u);  // "c" is a tombstone: deleted on both sides, nothing to compare.
  std::vector<std::string> ids;
  const std::vector<Job> jobs = store->list_jobs(JobState::kPending, 10).value();
  for (const Job& job : jobs) {
    ids.push_back(job.key.id);
    EXPECT_EQ(job.trigger, "anti_entropy");
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(wakeups, 2);  // One per page that queued something.
}

}  // namespace
}  // namespace ojsync::service
