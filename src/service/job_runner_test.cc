#include "service/job_runner.h"

#include <gtest/gtest.h>

#include "ojsync/random.h"
#include "support/memory_connector.h"

namespace ojsync::service {
namespace {

TEST(JobRunnerTest, RunsQueuedJobsWhenWokenAndStopsPromptly) {
  SeededRandom random(5);
  testing::MemoryConnector ojs("ojs", SystemClock::instance()),
      agents("agents", SystemClock::instance());
  auto store = open_sqlite_store({":memory:"}).value();
  ASSERT_TRUE(store->migrate().ok());
  SyncEnv env;
  env.store = store.get();
  env.ojs = &ojs;
  env.agents = &agents;
  env.random = &random;
  auto manager = SyncManager::create({}, env).value();

  // A poll interval far beyond the test: only wake() can make it run the job in time.
  JobRunner runner(manager.get(), "test-worker", std::chrono::hours(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Let it go idle first.
  ojs.put("manuscript", "1", Json(Json::Object{{"title", Json("t")}}));
  ASSERT_TRUE(manager->enqueue("manuscript", "1", Direction::kBoth, "test").ok());
  runner.wake();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (agents.get("manuscript", "1") == std::nullopt &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(agents.get("manuscript", "1").has_value());
  EXPECT_TRUE(store->list_jobs(std::nullopt, 10).value().empty());

  const auto before_stop = std::chrono::steady_clock::now();
  runner.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before_stop, std::chrono::seconds(2));
}

}  // namespace
}  // namespace ojsync::service
