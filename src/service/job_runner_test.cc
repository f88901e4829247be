#include "service/job_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <span>

#include "ojsync/random.h"
#include "support/forwarding_connector.h"
#include "support/memory_connector.h"

namespace ojsync::service {
namespace {

// The engine on an in-memory store, between two borrowed sides.
struct TestEngine {
  TestEngine(Connector* ojs, Connector* agents, std::size_t workers) {
    store = open_sqlite_store({":memory:"}).value();
    EXPECT_TRUE(store->migrate().ok());
    SyncEnv env;
    env.store = store.get();
    env.ojs = ojs;
    env.agents = agents;
    env.random = &random;
    SyncOptions options;
    options.workers = workers;
    manager = SyncManager::create(options, env).value();
  }
  SeededRandom random{5};
  std::unique_ptr<Store> store;
  std::unique_ptr<SyncManager> manager;
};

TEST(JobRunnerTest, RunsQueuedJobsWhenWokenAndStopsPromptly) {
  testing::MemoryConnector ojs("ojs", SystemClock::instance()),
      agents("agents", SystemClock::instance());
  TestEngine engine(&ojs, &agents, 4);
  SyncManager* manager = engine.manager.get();
  Store* store = engine.store.get();

  // A poll interval far beyond the test: only wake() can make it run the job in time.
  JobRunner runner(manager, "test-worker", std::chrono::hours(1), /*capacity=*/4);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Let it go idle first.
  ojs.put("manuscript", "1", Json(Json::Object{{"title", Json("t")}}));
  ASSERT_TRUE(manager->enqueue("manuscript", "1", Direction::kBoth, "test").ok());
  runner.wake();
  // The job ends with its sync's commit, which follows the write to the agents' side.
  const auto done = [&] {
    return agents.get("manuscript", "1").has_value() &&
           store->list_jobs(std::nullopt, 10).value().empty();
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(agents.get("manuscript", "1").has_value());
  EXPECT_TRUE(store->list_jobs(std::nullopt, 10).value().empty());

  const auto before_stop = std::chrono::steady_clock::now();
  runner.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before_stop, std::chrono::seconds(2));
}

// OJS where fetching submission "slow" blocks until the test opens the gate.
class GatedOjs final : public testing::ForwardingConnector {
 public:
  explicit GatedOjs(Connector* inner)
      : ForwardingConnector(inner), gate_(opened_.get_future().share()) {}
  void open() { opened_.set_value(); }
  std::future<void> slow_started() { return started_.get_future(); }

  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
    if (id == "slow") {
      started_.set_value();
      gate_.wait();
    }
    return ForwardingConnector::fetch(type, id);
  }

 private:
  std::promise<void> opened_;
  std::shared_future<void> gate_;
  std::promise<void> started_;
};

TEST(JobRunnerTest, ASlowJobHoldsBackNothingButItself) {
  testing::MemoryConnector memory("ojs", SystemClock::instance()),
      agents("agents", SystemClock::instance());
  GatedOjs ojs(&memory);
  TestEngine engine(&ojs, &agents, 2);
  SyncManager* manager = engine.manager.get();
  JobRunner runner(manager, "test-worker", std::chrono::hours(1), /*capacity=*/2);

  memory.put("manuscript", "slow", Json(Json::Object{{"title", Json("slow")}}));
  std::future<void> slow_started = ojs.slow_started();
  ASSERT_TRUE(manager->enqueue("manuscript", "slow", Direction::kBoth, "test").ok());
  runner.wake();
  ASSERT_EQ(slow_started.wait_for(std::chrono::seconds(10)), std::future_status::ready);

  // One worker is stuck; the other must take every job queued after it.
  for (int i = 0; i < 10; ++i) {
    memory.put("manuscript", std::to_string(i), Json(Json::Object{{"title", Json("t")}}));
    ASSERT_TRUE(manager->enqueue("manuscript", std::to_string(i), Direction::kBoth, "test").ok());
  }
  runner.wake();
  auto all_synced = [&] {
    for (int i = 0; i < 10; ++i) {
      if (!agents.get("manuscript", std::to_string(i))) return false;
    }
    return true;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!all_synced() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(all_synced());
  EXPECT_FALSE(agents.get("manuscript", "slow").has_value());
  ojs.open();
  runner.stop();  // Waits for the slow job, which then completes.
  EXPECT_TRUE(agents.get("manuscript", "slow").has_value());
}

// The agents' side, counting how many documents each write_batch carries.
class BatchCountingAgents final : public testing::ForwardingConnector {
 public:
  using ForwardingConnector::ForwardingConnector;
  Result<std::vector<Result<WriteResult>>> write_batch(
      std::string_view type, std::span<const WriteRequest> writes) override {
    largest_batch = std::max(largest_batch.load(), writes.size());
    return ForwardingConnector::write_batch(type, writes);
  }
  std::atomic<std::size_t> largest_batch{0};
};

TEST(JobRunnerTest, ABacklogIsSyncedOnTheBulkPath) {
  testing::MemoryConnector ojs("ojs", SystemClock::instance()),
      memory("agents", SystemClock::instance());
  BatchCountingAgents agents(&memory);
  TestEngine engine(&ojs, &agents, 2);
  SyncManager* manager = engine.manager.get();
  constexpr int kJobs = 300;
  for (int i = 0; i < kJobs; ++i) {
    ojs.put("manuscript", std::to_string(i), Json(Json::Object{{"title", Json("t")}}));
    ASSERT_TRUE(manager->enqueue("manuscript", std::to_string(i), Direction::kBoth, "sweep").ok());
  }
  JobRunner runner(manager, "test-worker", std::chrono::hours(1), /*capacity=*/2);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!engine.store->list_jobs(std::nullopt, 1).value().empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(engine.store->list_jobs(std::nullopt, 1).value().empty());
  for (int i = 0; i < kJobs; ++i) EXPECT_TRUE(memory.get("manuscript", std::to_string(i))) << i;
  // The first claim takes one job per worker; the backlog it finds is then taken in groups.
  EXPECT_EQ(agents.largest_batch, 50u);

  // The backlog streamed through claims the runner reserved room for one by one: that room is
  // all given back, so a job queued afterwards still finds a free worker.
  ojs.put("manuscript", "late", Json(Json::Object{{"title", Json("t")}}));
  ASSERT_TRUE(manager->enqueue("manuscript", "late", Direction::kBoth, "event").ok());
  runner.wake();
  const auto late_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!memory.get("manuscript", "late") && std::chrono::steady_clock::now() < late_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(memory.get("manuscript", "late"));
}

}  // namespace
}  // namespace ojsync::service
