#include "service/job_runner.h"

#include <gtest/gtest.h>

#include <future>

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
  JobRunner runner(manager.get(), "test-worker", std::chrono::hours(1), /*capacity=*/4);
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

// OJS where fetching submission "slow" blocks until the test opens the gate.
class GatedOjs final : public Connector {
 public:
  explicit GatedOjs(Connector* inner) : inner_(inner), gate_(opened_.get_future().share()) {}
  void open() { opened_.set_value(); }
  std::future<void> slow_started() { return started_.get_future(); }

  std::string_view name() const override { return inner_->name(); }
  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
    if (id == "slow") {
      started_.set_value();
      gate_.wait();
    }
    return inner_->fetch(type, id);
  }
  Result<ChangePage> list_changed(std::string_view type, std::string_view cursor,
                                  std::size_t limit) override {
    return inner_->list_changed(type, cursor, limit);
  }
  Result<WriteResult> write(std::string_view type, std::string_view id, const Json& d,
                            std::string_view key) override {
    return inner_->write(type, id, d, key);
  }
  Status remove(std::string_view type, std::string_view id) override {
    return inner_->remove(type, id);
  }
  Status ping() override { return inner_->ping(); }

 private:
  Connector* inner_;
  std::promise<void> opened_;
  std::shared_future<void> gate_;
  std::promise<void> started_;
};

TEST(JobRunnerTest, ASlowJobHoldsBackNothingButItself) {
  SeededRandom random(6);
  testing::MemoryConnector memory("ojs", SystemClock::instance()),
      agents("agents", SystemClock::instance());
  GatedOjs ojs(&memory);
  auto store = open_sqlite_store({":memory:"}).value();
  ASSERT_TRUE(store->migrate().ok());
  SyncEnv env;
  env.store = store.get();
  env.ojs = &ojs;
  env.agents = &agents;
  env.random = &random;
  SyncOptions options;
  options.workers = 2;
  auto manager = SyncManager::create(options, env).value();
  JobRunner runner(manager.get(), "test-worker", std::chrono::hours(1), options.workers);

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

}  // namespace
}  // namespace ojsync::service
