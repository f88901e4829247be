#include "service/change_sweep.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "ojsync/random.h"
#include "support/forwarding_connector.h"
#include "support/memory_connector.h"

namespace ojsync::service {
namespace {

Json doc(std::string_view title) { return Json(Json::Object{{"title", Json(title)}}); }

// OJS whose change listing fails the next `failures` calls (MemoryConnector never fails one).
class FlakyListing final : public testing::ForwardingConnector {
 public:
  using ForwardingConnector::ForwardingConnector;
  int failures = 0;
  std::atomic<int> listings{0};

  Result<ChangePage> list_changed(std::string_view type, std::string_view cursor,
                                  std::size_t limit) override {
    ++listings;
    if (failures > 0) {
      --failures;
      return Unavailable("OJS is down");
    }
    return ForwardingConnector::list_changed(type, cursor, limit);
  }
};

class ChangeSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_sqlite_store({":memory:"}).value();
    ASSERT_TRUE(store_->migrate().ok());
    SyncEnv env;
    env.store = store_.get();
    env.ojs = &listing_;  // The sweep lists through the manager (and its circuit breaker).
    env.agents = &agents_;
    env.clock = &clock_;
    env.random = &random_;
    env.sleep = [](Duration) {};
    SyncOptions options;
    options.workers = 1;
    manager_ = SyncManager::create(options, env).value();
    sweep_ = std::make_unique<ChangeSweep>(Side::kOjs, &listing_, store_.get(), manager_.get(),
                                           std::vector<std::string>{"manuscript", "reviewer"},
                                           /*page_size=*/2, /*skip_echoes=*/false,
                                           [this] { ++wakeups_; });
  }

  std::vector<std::string> queued() {
    std::vector<std::string> keys;
    const std::vector<Job> jobs = store_->list_jobs(JobState::kPending, 100).value();
    for (const Job& job : jobs) keys.push_back(job.key.to_string());
    return keys;
  }
  void drain() {
    const std::vector<Job> jobs = store_->list_jobs(std::nullopt, 100).value();
    for (const Job& job : jobs) {
      SyncCommit done;
      done.record.key = job.key;
      done.record.started_at = clock_.now();
      done.completed_job_id = job.id;
      ASSERT_TRUE(store_->commit_sync(done).ok());
    }
  }

  ManualClock clock_{Timestamp(std::chrono::seconds(1'767'225'600))};
  SeededRandom random_{1};
  testing::MemoryConnector ojs_{"ojs", clock_, /*server_assigns_ids=*/true};
  testing::MemoryConnector agents_{"agents", clock_};
  FlakyListing listing_{&ojs_};
  std::unique_ptr<Store> store_;
  std::unique_ptr<SyncManager> manager_;
  std::unique_ptr<ChangeSweep> sweep_;
  std::atomic<bool> stopping_{false};
  int wakeups_ = 0;
};

TEST_F(ChangeSweepTest, QueuesEveryChangeOnceAndResumesFromTheSavedCursor) {
  for (const char* id : {"1", "2", "3"}) ojs_.put("manuscript", id, doc(id));
  ojs_.put("reviewer", "9", doc("r"));
  const SweepCounts first = sweep_->run(stopping_);
  EXPECT_EQ(first.queued, 4u);
  EXPECT_EQ(first.failed_types, 0u);
  EXPECT_GE(first.pages, 3u);  // Pages of two.
  EXPECT_EQ(queued(), (std::vector<std::string>{"manuscript/1", "manuscript/2", "manuscript/3",
                                                "reviewer/9"}));
  EXPECT_GT(wakeups_, 0);
  EXPECT_TRUE(store_->get_setting("cursor.ojs.manuscript").value().has_value());

  drain();
  EXPECT_EQ(sweep_->run(stopping_).queued, 0u);  // Nothing new since the cursor.
  ojs_.put("manuscript", "2", doc("edited"));
  EXPECT_EQ(sweep_->run(stopping_).queued, 1u);
  EXPECT_EQ(queued(), (std::vector<std::string>{"manuscript/2"}));
}

TEST_F(ChangeSweepTest, MapsASideIdToTheEntityItBelongsTo) {
  agents_.put("manuscript", "draft-1", doc("by an agent"));
  ASSERT_TRUE(manager_->sync("manuscript", "draft-1").ok());  // Creates it in OJS as "srv1".
  ASSERT_EQ(store_->get_state({"manuscript", "draft-1"}).value()->ojs_id, "srv1");
  ASSERT_TRUE(store_->put_setting("cursor.ojs.manuscript", "").ok());
  ojs_.put("manuscript", "srv1", doc("edited in OJS"));
  sweep_->run(stopping_);
  const auto keys = queued();
  EXPECT_NE(std::find(keys.begin(), keys.end(), "manuscript/draft-1"), keys.end());
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "manuscript/srv1"), keys.end());
}

TEST_F(ChangeSweepTest, AFailedListingKeepsTheCursorForTheNextPass) {
  ojs_.put("manuscript", "1", doc("one"));
  listing_.failures = 1;
  const SweepCounts failed = sweep_->run(stopping_);
  EXPECT_EQ(failed.failed_types, 1u);  // manuscript failed; reviewer listed nothing.
  EXPECT_FALSE(store_->get_setting("cursor.ojs.manuscript").value().has_value());
  EXPECT_EQ(sweep_->run(stopping_).queued, 1u);
}

TEST_F(ChangeSweepTest, SkipsEchoesOfSyncedContentWhenAsked) {
  ChangeSweep agents_sweep(Side::kAgents, &agents_, store_.get(), manager_.get(), {"manuscript"},
                           /*page_size=*/10, /*skip_echoes=*/true, {});
  ojs_.put("manuscript", "1", doc("one"));
  ojs_.put("manuscript", "2", doc("two"));
  ASSERT_TRUE(manager_->sync("manuscript", "1").ok());  // Writes both to the agents' side.
  ASSERT_TRUE(manager_->sync("manuscript", "2").ok());
  const SweepCounts echoes = agents_sweep.run(stopping_);
  EXPECT_EQ(echoes.queued, 0u);
  EXPECT_EQ(echoes.skipped, 2u);
  agents_.put("manuscript", "2", doc("edited by an agent"));
  agents_.put("manuscript", "3", doc("new, never synced"));
  const SweepCounts edits = agents_sweep.run(stopping_);
  EXPECT_EQ(edits.queued, 2u);
  EXPECT_EQ(queued(), (std::vector<std::string>{"manuscript/2", "manuscript/3"}));
}

// With a bound on the backlog, the sweep lists no further page while that many jobs are due, and
// goes on as the queue drains: it keeps pace with the job runner instead of running ahead.
TEST_F(ChangeSweepTest, AtItsBacklogBoundTheSweepWaitsForTheQueue) {
  for (const char* id : {"1", "2", "3", "4", "5", "6"}) ojs_.put("manuscript", id, doc(id));
  ChangeSweep bounded(Side::kOjs, &listing_, store_.get(), manager_.get(), {"manuscript"},
                      /*page_size=*/2, /*skip_echoes=*/false, {}, /*max_backlog=*/2);
  std::atomic<bool> done{false};
  std::thread sweep([&] {
    bounded.run(stopping_);
    done = true;
  });
  const auto wait_for = [&](auto condition) {
    for (int i = 0; i < 1000 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return condition();
  };
  ASSERT_TRUE(wait_for([&] { return queued().size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(listing_.listings, 1) << "a page listed while two jobs were due";
  EXPECT_EQ(queued().size(), 2u);
  EXPECT_FALSE(done);

  int drained = 0;
  while (!done && drained < 100) {  // The job runner's part: each drain lets one more page in.
    drain();
    ++drained;
    wait_for([&] { return done || !queued().empty(); });
  }
  sweep.join();
  drain();
  EXPECT_GE(drained, 2);
  EXPECT_GE(listing_.listings, 3);
  EXPECT_TRUE(store_->get_setting("cursor.ojs.manuscript").value().has_value());

  // Stopping ends the wait.
  ASSERT_TRUE(store_->put_setting("cursor.ojs.manuscript", "").ok());
  std::thread stopped([&] { bounded.run(stopping_); });
  ASSERT_TRUE(wait_for([&] { return queued().size() == 2; }));
  stopping_ = true;
  stopped.join();
  EXPECT_EQ(queued().size(), 2u);
}

TEST_F(ChangeSweepTest, StopsBetweenTypesWhenAskedTo) {
  ojs_.put("manuscript", "1", doc("one"));
  stopping_ = true;
  EXPECT_EQ(sweep_->run(stopping_).pages, 0u);
  EXPECT_TRUE(queued().empty());
}

}  // namespace
}  // namespace ojsync::service
